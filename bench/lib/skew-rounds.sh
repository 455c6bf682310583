#!/usr/bin/env bash
# Shared by bench/carrier-skew.sh and bench/acceptor-skew.sh: runs bench/lib/CLASS.java (a multi-file source
# program with SpinRoutes.java) with its first argument A, then B (B, then A in even rounds), ROUNDS times,
# passing MS and COUNT (and JAVA_OPTS to the JVM); prints what the program prints (its server's log goes to
# /dev/null).
#   bench/lib/skew-rounds.sh CLASS A B
# Needs the sample jar and its libs (./mvnw -B -ntp -pl sample-http -am package -DskipTests).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
class=$1 a=$2 b=$3
MS=${MS:-10}
COUNT=${COUNT:-40}
ROUNDS=${ROUNDS:-3}
JAVA=${JAVA:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)}
[ -x "$JAVA" ] || { echo "$class: no JDK 25 under /usr/lib/jvm (set JAVA=)" >&2; exit 1; }
[ -f sample-http/target/weft-sample.jar ] || { echo "$class: build the sample jar first" >&2; exit 1; }
CP=$(ls sample-http/target/libs/weft-*.jar | paste -sd: -)
run() {
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
  "$JAVA" ${JAVA_OPTS:-} --add-opens java.base/java.lang=ALL-UNNAMED --enable-native-access=ALL-UNNAMED -cp "$CP" \
    "bench/lib/$class.java" "$1" "$MS" "$COUNT" 2>/dev/null
}
for i in $(seq 1 "$ROUNDS"); do
  if [ $((i % 2)) = 1 ]; then run "$a"; run "$b"; else run "$b"; run "$a"; fi
done

#!/usr/bin/env bash
# What a connection's first run on its acceptor does with handlers that compute: bench/lib/AcceptorSkew.java with
# firstRunOnAcceptor on (the default) and off, alternated, ROUNDS rounds; every request on a new connection
# (Connection: close). Server and client in one JVM on every core, traffic on 127.0.0.1 only, bounded.
#   bench/acceptor-skew.sh                 # 10 ms handlers, 40 requests per client, 3 rounds
#   MS=3 COUNT=133 ROUNDS=5 bench/acceptor-skew.sh
# Needs the sample jar and its libs (./mvnw -B -ntp -pl sample-http -am package -DskipTests).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
MS=${MS:-10}
COUNT=${COUNT:-40}
ROUNDS=${ROUNDS:-3}
JAVA=${JAVA:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)}
[ -x "$JAVA" ] || { echo "acceptor-skew: no JDK 25 under /usr/lib/jvm (set JAVA=)" >&2; exit 1; }
[ -f sample-http/target/weft-sample.jar ] || { echo "acceptor-skew: build the sample jar first" >&2; exit 1; }
CP=$(ls sample-http/target/libs/weft-*.jar | paste -sd: -)
run() {
  "$JAVA" --add-opens java.base/java.lang=ALL-UNNAMED --enable-native-access=ALL-UNNAMED -cp "$CP" \
    bench/lib/AcceptorSkew.java "$1" "$MS" "$COUNT" 2>/dev/null | grep -E "firstRunOnAcceptor" || true
}
for i in $(seq 1 "$ROUNDS"); do
  if [ $((i % 2)) = 1 ]; then run true; run false; else run false; run true; fi
done

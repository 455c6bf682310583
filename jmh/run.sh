#!/usr/bin/env bash
# Runs weft's JMH suite. MODE=quick (default, ~2 min on 2 cores: for before/after comparisons of a poller
# change) or MODE=full (more forks and iterations, for docs/benchmarks.md). BENCHES picks some of:
# release pingpong timeouts register-close socket-calls (default: all). Results: jmh/target/jmh-*.txt
#   ./mvnw -B -ntp -q package -DskipTests -pl jmh -am && jmh/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA=${JAVA:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)}
JAR=jmh/target/benchmarks.jar
case "${MODE:-quick}" in
  quick) OPTS=(-f 1 -wi 2 -w 1s -i 3 -r 1s) ;;
  full)  OPTS=(-f 2 -wi 3 -w 2s -i 5 -r 2s) ;;
  *) echo "MODE must be quick or full" >&2; exit 2 ;;
esac
JVM_ARGS="-jvmArgsAppend --enable-native-access=ALL-UNNAMED"
run() { local name=$1; shift; "$JAVA" --enable-native-access=ALL-UNNAMED -jar "$JAR" "${OPTS[@]}" $JVM_ARGS "$@" \
          -rf text -rff "jmh/target/jmh-$name.txt" > "jmh/target/jmh-$name.log" 2>&1; cat "jmh/target/jmh-$name.txt"; }
BENCHES=${BENCHES:-release pingpong timeouts register-close socket-calls}
want() { [[ " $BENCHES " == *" $1 "* ]]; }
if want release; then
  for t in 1 2 4 8; do
    echo "== release path, $t threads"; run "release-t$t" ReleasePathBenchmark -t "$t"
  done
fi
if want pingpong; then
  echo "== park/unpark round trip"; run pingpong "PingPongBenchmark" -p timeout=none
fi
if want timeouts; then
  echo "== timeout cost (weft, virtual threads)"
  run timeouts "PingPongBenchmark" -p io=weft -p threads=virtual -p timeout=none,100ms,10s
fi
if want register-close; then
  echo "== register + close"; run register-close RegisterCloseBenchmark
fi
if want socket-calls; then
  echo "== read/write against recv/send on a loopback TCP socket"; run socket-calls SocketCallsBenchmark
fi

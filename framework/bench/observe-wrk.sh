#!/usr/bin/env bash
# Keep-alive server CPU per request with the access log + Micrometer metrics on vs off (wrk, GET /hello), and
# each alone: MODES (default "off on metrics log"). Server pinned to CPU 1, wrk to CPU 0; modes alternated,
# ROUNDS rounds (default 3) of DURATION each.
# Usage: ./mvnw -B -ntp -q install -DskipTests && framework/bench/observe-wrk.sh
# The access log goes through java.util.logging to a file (one line per request, SimpleFormatter "%5$s%n"),
# so what is measured is weft's observer, the line's formatting and JUL's handler, not a terminal.
# Needs wrk and taskset. Loopback only; stops its servers by pid.
set -u
cd "$(dirname "$0")/../.."
J=${JAVA:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)}
PORT=${PORT:-8092}
DURATION=${DURATION:-5s}
ROUNDS=${ROUNDS:-3}
MODES=${MODES:-off on metrics log}
OUT=${OUT:-/tmp/observe-wrk}
mkdir -p $OUT
./mvnw -B -ntp -q dependency:build-classpath -pl sample-http -Dmdep.outputFile=$OUT/cp.txt > /dev/null || exit 1
CP=sample-http/target/classes:$(cat $OUT/cp.txt)
cat > $OUT/logging.properties <<PROPS
handlers=java.util.logging.FileHandler
java.util.logging.FileHandler.pattern=$OUT/access.log
java.util.logging.FileHandler.limit=200000000
java.util.logging.FileHandler.count=1
java.util.logging.FileHandler.formatter=java.util.logging.SimpleFormatter
java.util.logging.SimpleFormatter.format=%5\$s%n
PROPS
hz=$(getconf CLK_TCK)

run() { # mode -> prints "req/s us/request"
  local mode=$1
  taskset -c 1 $J --enable-native-access=ALL-UNNAMED -Djava.util.logging.config.file=$OUT/logging.properties \
      -cp $CP dev.weft.sample.ObservedHelloService $PORT $mode > $OUT/server-$mode.out 2>&1 &
  local pid=$!
  for i in $(seq 1 100); do grep -q http:// $OUT/server-$mode.out && break; sleep 0.1; done
  taskset -c 0 wrk -t1 -c64 -d2s http://127.0.0.1:$PORT/hello > /dev/null                               # warm-up
  local t0 t1 out reqs rps
  t0=$(awk '{print $14+$15}' /proc/$pid/stat)
  out=$(taskset -c 0 wrk -t1 -c64 -d$DURATION http://127.0.0.1:$PORT/hello)
  t1=$(awk '{print $14+$15}' /proc/$pid/stat)
  reqs=$(echo "$out" | awk '/requests in/ {print $1}')
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  errors=$(echo "$out" | grep -E "Socket errors|Non-2xx" | tr '\n' ' ')
  if [ $mode = on ] || [ $mode = metrics ]; then
    curl -s http://127.0.0.1:$PORT/metrics | grep -E '^weft_http_requests_seconds_count\{status="2xx"' > $OUT/scrape.txt
  fi
  kill -TERM $pid; wait $pid 2>/dev/null
  echo "$rps req/s, server CPU $(awk -v t=$((t1 - t0)) -v hz=$hz -v r=$reqs 'BEGIN {printf "%.2f", t * 1e6 / hz / r}') us/request $errors"
}

for round in $(seq 1 $ROUNDS); do
  for mode in $MODES; do
    echo "round $round observation $mode: $(run $mode)"
  done
done
echo "access log lines: $(wc -l < $OUT/access.log 2>/dev/null || echo 0) (last: $(tail -1 $OUT/access.log 2>/dev/null))"
echo "last scrape: $(cat $OUT/scrape.txt 2>/dev/null)"

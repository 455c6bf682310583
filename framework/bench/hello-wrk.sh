#!/usr/bin/env bash
# wrk against the sample (weft mode, GET /plaintext): keep-alive and Connection: close, alternated, 3 rounds.
# Usage: ./mvnw -B -ntp -q package -DskipTests -pl sample-http -am && framework/bench/hello-wrk.sh
# (bench/side-by-side.sh measures the same next to Helidon and nginx.)
# Needs wrk and taskset. Server on CPU 1, wrk on CPU 0; loopback only; stops its server by pid.
set -u
cd "$(dirname "$0")/../.."
J=${JAVA:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)}
PORT=8091
DURATION=${DURATION:-5s}
taskset -c 1 $J -jar sample-http/target/weft-sample.jar --port $PORT > /tmp/hello-wrk.out 2>&1 &
pid=$!
for i in $(seq 1 100); do grep -q http:// /tmp/hello-wrk.out && break; sleep 0.1; done
cpu_ticks() { awk '{print $14+$15}' /proc/$pid/stat; }
hz=$(getconf CLK_TCK)
taskset -c 0 wrk -t1 -c64 -d3s http://127.0.0.1:$PORT/plaintext > /dev/null                                  # warm-up
taskset -c 0 wrk -t1 -c64 -d3s -H "Connection: close" http://127.0.0.1:$PORT/plaintext > /dev/null
for round in 1 2 3; do
  for mode in keep-alive close; do
    args=(); [ $mode = close ] && args=(-H "Connection: close")
    t0=$(cpu_ticks)
    out=$(taskset -c 0 wrk -t1 -c64 -d$DURATION "${args[@]}" http://127.0.0.1:$PORT/plaintext)
    t1=$(cpu_ticks)
    reqs=$(echo "$out" | awk '/requests in/ {print $1}')
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    lat=$(echo "$out" | awk '/Latency/ {print $2}')
    errors=$(echo "$out" | grep -E "Socket errors|Non-2xx" | tr '\n' ' ')
    echo "round $round $mode: $rps req/s, latency avg $lat, server CPU $(( (t1 - t0) * 1000000 / hz / reqs )) us/request $errors"
  done
done
kill -TERM $pid; wait $pid 2>/dev/null
tail -1 /tmp/hello-wrk.out

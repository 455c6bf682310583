#!/usr/bin/env bash
# Usage: ./mvnw -B -ntp -q test-compile -pl framework -am && N=30000 ROUNDS=5 framework/bench/accept-modes.sh
# Needs h2load (apt-get install nghttp2-client) and taskset. Loopback only; stops its servers by pid.
# Alternates accept modes; server pinned to CPU 1, h2load to CPU 0; prints server CPU-µs per connection.
set -u
cd "$(dirname "$0")/../.."
J=${JAVA:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)}
CP=framework/target/test-classes:framework/target/classes:poller/target/classes
N=${N:-20000}
cpu_ticks() { awk '{print $14+$15}' /proc/$1/stat; }
for round in $(seq 1 ${ROUNDS:-5}); do
  for mode in REUSEPORT SHARED_LISTENER; do
    taskset -c 1 $J --enable-native-access=ALL-UNNAMED -cp $CP dev.weft.server.bench.ConnRateServer 7030 $mode 2 2 > /tmp/crs.out 2>&1 &
    pid=$!
    for i in $(seq 1 100); do grep -q READY /tmp/crs.out && break; sleep 0.1; done
    taskset -c 0 h2load --h1 -n 5000 -c 32 -t 1 -H 'Connection: close' http://127.0.0.1:7030/ > /dev/null 2>&1   # warm-up
    t0=$(cpu_ticks $pid)
    out=$(taskset -c 0 h2load --h1 -n $N -c 32 -t 1 -H 'Connection: close' http://127.0.0.1:7030/ 2>&1)
    t1=$(cpu_ticks $pid)
    ok=$(echo "$out" | grep -oE "[0-9]+ succeeded" | head -1)
    rps=$(echo "$out" | grep -oE "finished in [0-9.]+m?s, [0-9.]+ req/s" | head -1)
    hz=$(getconf CLK_TCK)
    echo "round $round $mode: $ok, $rps, server CPU $(( (t1 - t0) * 1000000 / hz / N )) us/conn"
    kill -TERM $pid; wait $pid 2>/dev/null
  done
done

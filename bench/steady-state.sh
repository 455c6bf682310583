#!/usr/bin/env bash
# Server CPU per connection (or keep-alive request) in steady state, user and system time apart, servers
# alternated — the figures behind docs/benchmarks.md's "CPU, and the JIT inside the measured window":
#
#   bench/steady-state.sh                                   # weft and nginx, h2load Connection: close, 2 x 3 runs
#   SERVERS="helidon-weft helidon" bench/steady-state.sh    # Helidon on weft against stock Helidon
#   WORK=ka bench/steady-state.sh                           # keep-alive (wrk -t1 -c64) instead
#
# Per server and round: a fresh server pinned to CPU $SERVER_CPU (bench/lib/servers.sh), one warm-up run of the
# measured shape and a wait until its JIT compilers are idle (jit_settle), then $RUNS measured runs back to back
# (the load pinned to CPU $LOAD_CPU); each prints the server's user and system CPU-µs per request (/proc utime and
# stime of all its processes over the run). Unlike the side-by-side, it warms with the measured shape only, and
# the later runs have even more of the JIT's work behind them. /proc books a JIT compiler thread's CPU as system
# time on some kernels (docs/benchmarks.md, "What the tools taught").
# Knobs: SERVERS ROUNDS RUNS WORK (conn | ka) N (connections per run) DURATION (seconds per ka run) SERVER_CPU
# LOAD_CPU PORT_BASE JAVA JAVA_OPTS. Needs the sample jar (./mvnw -q -pl sample-http -am -DskipTests package), h2load
# and wrk. Loopback only; bounded; every process it starts is stopped by pid.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SERVERS=${SERVERS:-weft nginx}
ROUNDS=${ROUNDS:-2}
RUNS=${RUNS:-3}
WORK=${WORK:-conn}
N=${N:-60000}
DURATION=${DURATION:-6}
SERVER_CPU=${SERVER_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
PORT_BASE=${PORT_BASE:-18300}
JAVA=${JAVA:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)}
BENCH_TMP=$(mktemp -d -t weft-steady.XXXXXX)
# shellcheck source=bench/lib/servers.sh
source "$ROOT/bench/lib/servers.sh"
trap 'stop_everything; rm -rf "$BENCH_TMP"' EXIT
[ -f sample-http/target/weft-sample.jar ] || { echo "steady-state: build the sample jar first" >&2; exit 1; }
HZ=$(getconf CLK_TCK)

ticks() { # field $1 of /proc/PID/stat (14 utime, 15 stime), summed over the server's processes
  local t=0 p
  for p in ${SERVER_PIDS//,/ }; do t=$((t + $(awk -v f="$1" '{print $f}' "/proc/$p/stat"))); done
  echo "$t"
}

load() { # one run of the measured shape against port $1; prints the requests answered
  if [ "$WORK" = conn ]; then
    taskset -c "$LOAD_CPU" h2load --h1 -n "$N" -c 32 -t 1 -H 'Connection: close' "http://127.0.0.1:$1/plaintext" \
      | awk '/^requests:/ {print $8}'
  else
    taskset -c "$LOAD_CPU" wrk -t1 -c64 -d"${DURATION}s" "http://127.0.0.1:$1/plaintext" \
      | awk '/requests in/ {print $1}'
  fi
}

port=$PORT_BASE
for round in $(seq 1 "$ROUNDS"); do
  for server in $SERVERS; do
    port=$((port + 1))
    server_start "$server" "$port" > /dev/null
    load "$port" > /dev/null # warm-up: the measured shape
    jit_settle > /dev/null   # and its compile queue drained (bench/lib/servers.sh)
    for run in $(seq 1 "$RUNS"); do
      u0=$(ticks 14); s0=$(ticks 15)
      n=$(load "$port")
      u1=$(ticks 14); s1=$(ticks 15)
      awk -v s="$server" -v w="$WORK" -v r="$round" -v k="$run" -v n="$n" -v hz="$HZ" \
          -v u=$((u1 - u0)) -v y=$((s1 - s0)) 'BEGIN {
        printf "%-13s %s round %d run %d: user %5.1f  system %5.1f  total %5.1f CPU-us per request (%d requests)\n",
               s, w, r, k, u * 1e6 / hz / n, y * 1e6 / hz / n, (u + y) * 1e6 / hz / n, n }'
    done
    server_stop
  done
done

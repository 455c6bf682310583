#!/usr/bin/env bash
# What a server spends while it waits: CPU per thread, idle and at fixed keep-alive rates below saturation — the
# figures behind docs/benchmarks.md's "What waiting costs":
#
#   bench/idle-cpu.sh                                    # weft and nginx, idle and 10,000 req/s on 64 connections
#   SERVERS="weft weft-virtual" RATES="0 1000" bench/idle-cpu.sh
#
# Per server: a fresh server pinned to CPU $SERVER_CPU (bench/lib/servers.sh), warmed with 2 x wrk -t1 -c64 3 s and
# left until its JIT compilers are idle (jit_settle); then for each rate of $RATES (requests/s; 0 = no traffic at
# all, no connection open) a window of $WINDOW seconds: h2load --h1 -t1 -c64 --rps R/64 pinned to CPU $LOAD_CPU,
# or a sleep. Every thread's CPU time and run count (/proc/PID/task/TID/schedstat: nanoseconds on a CPU, times it
# was scheduled in) is read before and after the window, keyed by thread id, so a thread started inside the
# window counts from zero and one that ended is dropped; prints the server's total CPU ms per second and the
# $TOP busiest threads (name as the kernel keeps it: 15 characters), each with its wake-ups per second.
# Knobs: SERVERS RATES WINDOW TOP SERVER_CPU LOAD_CPU PORT_BASE JAVA JAVA_OPTS. Needs the sample jar
# (./mvnw -q -pl sample-http -am -DskipTests package), wrk and h2load (and nginx for it). Loopback only; bounded;
# every process it starts is stopped by pid.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SERVERS=${SERVERS:-weft nginx}
RATES=${RATES:-0 10000}
WINDOW=${WINDOW:-8}
TOP=${TOP:-8}
SERVER_CPU=${SERVER_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
PORT_BASE=${PORT_BASE:-18400}
JAVA=${JAVA:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)}
BENCH_TMP=$(mktemp -d -t weft-idle.XXXXXX)
# shellcheck source=bench/lib/servers.sh
source "$ROOT/bench/lib/servers.sh"
trap 'stop_everything; rm -rf "$BENCH_TMP"' EXIT
[ -f sample-http/target/weft-sample.jar ] || { echo "idle-cpu: build the sample jar first" >&2; exit 1; }

# One line per thread of the server's processes: "TID NAME NANOSECONDS RUNS" (NAME with spaces as _).
threads() {
  local p t
  for p in ${SERVER_PIDS//,/ }; do
    for t in /proc/"$p"/task/*; do
      # A thread may end between the glob and the reads: skip it.
      { printf '%s %s ' "${t##*/}" "$(tr ' ' _ < "$t/comm")" && awk '{print $1, $3}' "$t/schedstat"; } 2>/dev/null \
        || true
    done
  done | LC_ALL=C sort
}

# Per-thread difference of two snapshots over $WINDOW seconds: the $TOP busiest threads, then the total.
report() {
  LC_ALL=C join -a 2 -e 0 -o 0,2.2,1.3,1.4,2.3,2.4 "$1" "$2" |
    awk -v w="$WINDOW" '{ printf "%9.2f ms/s %8.0f wake-ups/s  %s\n", ($5 - $3) / 1e6 / w, ($6 - $4) / w, $2 }' \
    > "$BENCH_TMP/threads"
  sort -rn "$BENCH_TMP/threads" | head -n "$TOP"
  awk '{ total += $1 } END { printf "%9.2f ms/s in all (%d threads)\n", total, NR }' "$BENCH_TMP/threads"
}

port=$PORT_BASE
for server in $SERVERS; do
  port=$((port + 1))
  SERVER_CPU=$SERVER_CPU server_start "$server" "$port"
  for _ in 1 2; do taskset -c "$LOAD_CPU" wrk -t1 -c64 -d3s "http://127.0.0.1:$port/plaintext" > /dev/null; done
  jit_settle > /dev/null
  for rate in $RATES; do
    threads > "$BENCH_TMP/before"
    if [ "$rate" = 0 ]; then
      sleep "$WINDOW"
      load="idle"
    else
      load=$(taskset -c "$LOAD_CPU" h2load --h1 -t1 -c64 --rps $((rate / 64)) -D "$WINDOW" \
               "http://127.0.0.1:$port/plaintext" | awk '/^requests:/ {print $2 " requests, " $8 " succeeded"}')
    fi
    threads > "$BENCH_TMP/after"
    echo "== $server, $( [ "$rate" = 0 ] && echo idle || echo "$rate req/s on 64 connections" ): $load"
    report "$BENCH_TMP/before" "$BENCH_TMP/after"
  done
  server_stop
done

#!/usr/bin/env bash
# Clock reads per keep-alive request and per connection in the sample jar, counted exactly: uprobes on HotSpot's
# os::javaTimeNanos (System.nanoTime) and os::javaTimeMillis (System.currentTimeMillis), counted by perf over
# h2load runs after two warm-up passes. A profiler cannot count these: a leaf call from compiled code has no debug
# scope of its own, so its samples land on a neighbouring frame (docs/benchmarks.md, "Clock reads").
#   bench/clock-reads.sh                 # weft; MODE=helidon-weft or helidon for the other modes
#   N_KA=100000 N_CONN=50000 bench/clock-reads.sh
# Needs root (uprobes), h2load, and the sample jar (./mvnw -B -ntp -pl sample-http -am package -DskipTests). The
# uprobes it adds are removed on exit; the server is stopped by its pid.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
MODE=${MODE:-weft}
PORT=${PORT:-18190}
N_KA=${N_KA:-100000}
N_CONN=${N_CONN:-50000}
SERVER_CPU=${SERVER_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
JAVA=${JAVA:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)}
TRACING=/sys/kernel/tracing
[ -d "$TRACING/events" ] || TRACING=/sys/kernel/debug/tracing
die() { echo "clock-reads: $*" >&2; exit 1; }
[ -x "$JAVA" ] || die "no JDK 25 found under /usr/lib/jvm (set JAVA=/path/to/jdk-25/bin/java)"
[ -f sample-http/target/weft-sample.jar ] || die "no sample-http/target/weft-sample.jar (build it first)"
command -v h2load > /dev/null || die "h2load missing (apt-get install nghttp2-client)"
[ -w "$TRACING/uprobe_events" ] || die "cannot write $TRACING/uprobe_events (run as root)"

BENCH_TMP=$(mktemp -d -t weft-clocks.XXXXXX)
SERVER_PIDS=""
source bench/lib/servers.sh
cleanup() {
  stop_everything
  echo "-:weft_clock/nanos" >> "$TRACING/uprobe_events" 2>/dev/null || true
  echo "-:weft_clock/millis" >> "$TRACING/uprobe_events" 2>/dev/null || true
  rm -rf "$BENCH_TMP"
}
trap cleanup EXIT

# The symbols are local to libjvm.so (perf probe does not find them by name): probe them by file offset, which
# equals the address in its executable segment (checked below).
LIBJVM=$(dirname "$(readlink -f "$JAVA")")/../lib/server/libjvm.so
LIBJVM=$(readlink -f "$LIBJVM")
address() { nm "$LIBJVM" | awk -v s="$1" '$3 == s {print "0x" $1}'; }
NANOS=$(address _ZN2os13javaTimeNanosEv)
MILLIS=$(address _ZN2os14javaTimeMillisEv)
[ -n "$NANOS" ] && [ -n "$MILLIS" ] || die "os::javaTimeNanos/Millis not found in $LIBJVM's symbol table"
read -r offset vaddr < <(readelf -lW "$LIBJVM" | awk '$1 == "LOAD" && / R E / {print $2, $3; exit}')
[ $((offset)) -eq $((vaddr)) ] || die "$LIBJVM's code segment has offset != address: probing by address would be wrong"
echo "p:weft_clock/nanos $LIBJVM:$NANOS" >> "$TRACING/uprobe_events"
echo "p:weft_clock/millis $LIBJVM:$MILLIS" >> "$TRACING/uprobe_events"

server_start "$MODE" "$PORT"
url=http://127.0.0.1:$PORT/plaintext
ka() { echo taskset -c "$LOAD_CPU" h2load --h1 -n "$1" -c 64 -t 1 "$url"; }          # the commands, for perf
conn() { echo taskset -c "$LOAD_CPU" h2load --h1 -n "$1" -c 32 -t 1 -H Connection:close "$url"; }
for pass in 1 2; do $(conn 20000) > /dev/null; $(ka 100000) > /dev/null; done

count() { # label requests load...
  local label=$1 n=$2
  shift 2
  perf stat -x, -e weft_clock:nanos -e weft_clock:millis -p "$SERVER_MAIN_PID" -o "$BENCH_TMP/stat" -- "$@" \
      > "$BENCH_TMP/load"
  grep -q "requests: $n total, $n started, $n done, $n succeeded" "$BENCH_TMP/load" \
      || die "$label: not every request succeeded: $(grep requests: "$BENCH_TMP/load")"
  awk -F, -v n="$n" -v label="$label" '
    /weft_clock:nanos/  {nanos = $1}
    /weft_clock:millis/ {millis = $1}
    END {printf "%-28s nanoTime %.3f  currentTimeMillis %.3f  (over %d)\n", label, nanos / n, millis / n, n}' \
      "$BENCH_TMP/stat"
}
echo "$MODE, $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ' (with uncommitted changes)'):"
# shellcheck disable=SC2046 # the commands are words without spaces
count "per keep-alive request" "$N_KA" $(ka "$N_KA")
# shellcheck disable=SC2046
count "per connection (close)" "$N_CONN" $(conn "$N_CONN")
server_stop

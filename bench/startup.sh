#!/usr/bin/env bash
# From `java -jar` to the first response, and the first seconds under load, with and without a JDK 25 AOT cache
# (JEP 483 class loading and linking, JEP 515 method profiles) — the figures behind docs/benchmarks.md's
# "Startup and the AOT cache":
#
#   bench/startup.sh                                  # weft and Helidon on weft, each without and with its cache
#   MODES=weft ROUNDS=5 bench/startup.sh
#
# First, per mode, a training run makes the cache (`-XX:AOTCacheOutput`: the JVM records while it serves
# `wrk -t1 -c64` for $TRAIN_SECONDS s and `h2load -n 20000 -H 'Connection: close'`, then writes the cache as it
# exits on SIGTERM). Then $ROUNDS rounds, each starting every mode without and with `-XX:AOTCache` (alternated),
# server pinned to CPU $SERVER_CPU, load to CPU $LOAD_CPU. Per run: the milliseconds from the launch to the first
# `200` to `GET /plaintext` (a client retrying every millisecond), then at once $WINDOW s of `wrk -t1 -c64`: its
# requests/s, the server's CPU-µs per request over that window (/proc, all threads: the JIT's compiling is in
# it), the share of that CPU in the C1 and C2 compiler threads, the takeovers counted by then (/stats: a fresh
# process's first requests load classes while they hold the loop) and the resident set after. Medians over the
# rounds. Knobs: MODES ROUNDS WINDOW TRAIN_SECONDS SERVER_CPU LOAD_CPU PORT_BASE JAVA JAVA_OPTS. Needs the sample
# jar (./mvnw -q -pl sample-http -am -DskipTests package), wrk, h2load, python3. Loopback only; bounded; every
# process it starts is stopped by pid.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
MODES=${MODES:-weft helidon-weft}
ROUNDS=${ROUNDS:-3}
WINDOW=${WINDOW:-5}
TRAIN_SECONDS=${TRAIN_SECONDS:-5}
SERVER_CPU=${SERVER_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
PORT_BASE=${PORT_BASE:-18500}
JAVA=${JAVA:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)}
BENCH_TMP=$(mktemp -d -t weft-startup.XXXXXX)
# shellcheck source=bench/lib/servers.sh
source "$ROOT/bench/lib/servers.sh"
# shellcheck source=bench/lib/measure.sh
source "$ROOT/bench/lib/measure.sh"
trap 'stop_everything; rm -rf "$BENCH_TMP"' EXIT
[ -f sample-http/target/weft-sample.jar ] || { echo "startup: build the sample jar first" >&2; exit 1; }
HZ=$(getconf CLK_TCK)
port=$PORT_BASE

# Prints the wall milliseconds from $1 (date +%s%N) to the first 200 answer on port $2 (at most 60 s).
first_response_ms() {
  taskset -c "$LOAD_CPU" python3 - "$1" "$2" <<'EOF'
import socket, sys, time
t0, port = int(sys.argv[1]), int(sys.argv[2])
deadline = time.time() + 60
request = b"GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
while time.time() < deadline:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(request)
            if s.recv(64).startswith(b"HTTP/1.1 200"):
                print(f"{(time.time_ns() - t0) / 1e6:.0f}")
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.001)
sys.exit("no answer within 60 s")
EOF
}

# Nanoseconds on a CPU of the server's C1 and C2 compiler threads (schedstat).
compiler_ns() {
  local t total=0
  for t in /proc/"$SERVER_MAIN_PID"/task/*; do
    case $(cat "$t/comm" 2>/dev/null) in
      C1\ Compiler*|C2\ Compiler*) total=$((total + $(cut -d' ' -f1 "$t/schedstat"))) ;;
    esac
  done
  echo "$total"
}

# Starts the sample in mode $1 with the extra JVM flags $2 (unquoted list) on a new port; sets port, SERVER_*.
launch() {
  port=$((port + 1))
  SERVER_NAME=$1
  SERVER_LOG=$BENCH_TMP/$1-$port.log
  # shellcheck disable=SC2086 # JAVA_OPTS and $2 are lists of flags
  taskset -c "$SERVER_CPU" "$JAVA" ${JAVA_OPTS:-} $2 -jar "$ROOT/sample-http/target/weft-sample.jar" \
      --mode "$1" --port "$port" > "$SERVER_LOG" 2>&1 &
  SERVER_MAIN_PID=$!
  SERVER_PIDS=$SERVER_MAIN_PID
  track_pid "$SERVER_MAIN_PID"
}

for mode in $MODES; do
  cache=$BENCH_TMP/$mode.aot
  launch "$mode" "-XX:AOTCacheOutput=$cache"
  first_response_ms "$(date +%s%N)" "$port" > /dev/null
  taskset -c "$LOAD_CPU" wrk -t1 -c64 -d"${TRAIN_SECONDS}s" "http://127.0.0.1:$port/plaintext" > /dev/null
  taskset -c "$LOAD_CPU" h2load --h1 -n 20000 -c 32 -t 1 -H 'Connection: close' \
      "http://127.0.0.1:$port/plaintext" > /dev/null
  server_stop   # the JVM writes the cache as it exits (a child JVM assembles it: allow it its time)
  [ -s "$cache" ] || { echo "startup: no AOT cache for $mode:" >&2; tail -5 "$BENCH_TMP/$mode-$port.log" >&2; exit 1; }
  echo "trained $mode: $(du -m "$cache" | cut -f1) MB cache"
done

printf '%s\n' "mode cache first_ms req_s cpu_us_per_req compiler_share takeovers rss_mb" > "$BENCH_TMP/runs"
for round in $(seq 1 "$ROUNDS"); do
  for mode in $MODES; do
    for cache in none "$BENCH_TMP/$mode.aot"; do
      flags=""; [ "$cache" = none ] || flags="-XX:AOTCache=$cache"
      t0=$(date +%s%N)
      launch "$mode" "$flags"
      first=$(first_response_ms "$t0" "$port")
      ticks0=$(cpu_ticks "$SERVER_PIDS"); jit0=$(compiler_ns)
      rps=$(taskset -c "$LOAD_CPU" wrk -t1 -c64 -d"${WINDOW}s" "http://127.0.0.1:$port/plaintext" |
              awk '/^Requests\/sec/ {print $2}')
      ticks1=$(cpu_ticks "$SERVER_PIDS"); jit1=$(compiler_ns)
      stats=$(curl -s "http://127.0.0.1:$port/stats")
      takeovers=$(grep -o '"[a-zA-Z]*Takeovers":[0-9]*' <<< "$stats" | awk -F: '{t += $2} END {print t + 0}')
      rss=$(awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$SERVER_MAIN_PID/status")
      server_stop
      awk -v m="$mode" -v c="$([ "$cache" = none ] && echo no || echo yes)" -v f="$first" -v r="$rps" \
          -v t=$((ticks1 - ticks0)) -v hz="$HZ" -v w="$WINDOW" -v j=$((jit1 - jit0)) -v k="$takeovers" \
          -v rss="$rss" 'BEGIN { cpu = t / hz; printf "%s %s %s %.0f %.1f %.0f%% %s %s\n", m, c, f, r,
                          cpu * 1e6 / (r * w), (cpu > 0 ? 100 * j / 1e9 / cpu : 0), k, rss }' \
          | tee -a "$BENCH_TMP/runs"
    done
  done
done

echo
echo "| mode | AOT cache | ms to first response | req/s, first ${WINDOW} s | CPU-µs per request | in the compilers | takeovers | RSS MB |"
echo "|---|---|---|---|---|---|---|---|"
python3 - "$BENCH_TMP/runs" <<'EOF'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1]).read().splitlines()[1:]]
groups = {}
for r in rows:
    groups.setdefault((r[0], r[1]), []).append(r[2:])
for (mode, cache), runs in groups.items():
    cells = []
    for i in range(6):
        values = [run[i] for run in runs]
        numbers = sorted(float(v.rstrip('%')) for v in values)
        median = statistics.median(numbers)
        unit = '%' if values[0].endswith('%') else ''
        fmt = (lambda v: f"{v:.1f}{unit}") if i == 2 else (lambda v: f"{v:,.0f}{unit}")
        cells.append(f"{fmt(median)} ({fmt(numbers[0])}–{fmt(numbers[-1])})" if len(numbers) > 1 else fmt(median))
    print(f"| {mode} | {cache} | " + " | ".join(cells) + " |")
EOF

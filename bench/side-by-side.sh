#!/usr/bin/env bash
# weft next to the servers its users would otherwise run, same machine, same workloads, one command:
#
#   bench/side-by-side.sh                 # full: 5 rounds (55 minutes here, build included; run it on a quiet machine)
#   QUICK=1 bench/side-by-side.sh         # smoke: 1 round of short runs (~4 minutes), proves the pipeline only
#
# Servers (alternated A B C D A B C D ... so drift hits all alike; a fresh process per run, on its own port):
#   weft          the sample (java -jar sample-http/target/weft-sample.jar --mode weft)
#   helidon-weft  the same routes on Helidon 4 routing served by weft (--mode helidon-weft)
#   weft-platform (opt-in, SERVERS=...) weft with platform poller threads (--poller-mode platform)
#   weft-carrier (opt-in, SERVERS=...)  weft with carrier poller threads (--poller-mode carrier)
#   weft-virtual (opt-in, SERVERS=...)  weft with virtual poller threads (--poller-mode virtual)
#   helidon       stock Helidon 4 (--mode helidon)
#   nginx         one worker, access log off, `location /plaintext { return 200 "Hello, World!"; }` (text/plain)
# Every server runs pinned to CPU $SERVER_CPU (1), every load generator to CPU $LOAD_CPU (0). A JVM under taskset
# sees one CPU (availableProcessors() = 1): weft then defaults to 1 acceptor, 1 poll set and the carrier poller
# (ServerConfig.defaultPollerMode; weft-virtual is the multi-core default's shape), and Helidon's and the
# JDK's pools (carrier threads, GC and JIT threads) size themselves for one CPU. Every figure is taken that way.
#
# Workloads (WORKLOADS, in this order within a round):
#   conn-h2load       h2load --h1 -n $H2LOAD_N -c 32 -t 1 -H 'Connection: close'   (connection per request, max rate)
#   keepalive-wrk     wrk -t1 -c64 -d${DURATION}s --latency                        (keep-alive, max rate)
#   keepalive-rate    h2load --h1 -t1 -c64 --rps R/64 -D ${DURATION}, at each rate R of $KA_RATES requests/s
#                     (keep-alive at a fixed request rate, below saturation: what a server spends while it
#                     waits between requests shows here, where wrk's back-to-back requests hide it)
#   conn-gatling      ConnRateSimulation at each of $GATLING_RATES new connections/s (fixed arrival rate, latency;
#                     keep the rates below what one core of Gatling sustains: the report shows its core use)
#   syscalls          perf-counted syscalls: $SEQ_N sequential connections (one Python client), $SYSCALL_N
#                     connections from 32 concurrent clients, $SYSCALL_N keep-alive requests on 64 connections
#                     (h2load: connection set-up and ramp included), and ${DURATION}s of steady keep-alive (wrk -c64)
#   optional: keepalive-gatling (KeepAliveSimulation, 64 connections), capacity-gatling (CapacitySimulation)
# Per run: requests/s, p50/p99 and errors as the tool reports them, the server's CPU time per request (utime+stime
# of all its processes, /proc), both sides' CPU use against their one core (which one was the bottleneck), and
# who holds TIME_WAIT. Each server is warmed before every run with both shapes (h2load with Connection: close and
# wrk), the measured one last, then left until its JIT compilers are idle; twice (see warm_up).
#
# Knobs (environment): QUICK ROUNDS DURATION SERVERS WORKLOADS H2LOAD_N WARM_N WARM_SECONDS WARM_PASSES
#   JIT_SETTLE_MAX GATLING_RATES GATLING_RAMP KA_RATES SEQ_N SYSCALL_N SERVER_CPU LOAD_CPU OUT
#   DOCS (empty: write no docs)
#   JAVA JAVA_OPTS NO_BUILD=1 NO_INSTALL=1 (defaults below). Missing tools (wrk, h2load, nginx, perf, matplotlib)
#   are installed from Debian packages when run as root. Loopback only; bounded; everything started here is
#   stopped by pid on exit, error or Ctrl-C. Output: $OUT/results.jsonl and results.csv (one row per run),
#   summary.json, summary.md, side-by-side.png, the tools' outputs and Gatling's HTML reports under $OUT/runs/;
#   and, unless DOCS is empty, docs/benchmarks-side-by-side.md and docs/img/side-by-side.png.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
KNOBS="QUICK ROUNDS DURATION SERVERS WORKLOADS H2LOAD_N WARM_N WARM_SECONDS WARM_PASSES JIT_SETTLE_MAX
  GATLING_RATES GATLING_RAMP GATLING_MAX_P99_MS KA_RATES SEQ_N SYSCALL_N SERVER_CPU LOAD_CPU PORT_BASE JAVA_OPTS
  CAPACITY_START CAPACITY_STEP CAPACITY_STEPS"
COMMAND=""   # the command as given: the knobs set in the environment, then the script
for k in $KNOBS; do if [ -n "${!k+x}" ]; then COMMAND+="$k='${!k}' "; fi; done
COMMAND+="bench/side-by-side.sh"

QUICK=${QUICK:-0}
if [ "$QUICK" = 1 ]; then q=1; else q=0; fi
ROUNDS=${ROUNDS:-$([ $q = 1 ] && echo 1 || echo 5)}
DURATION=${DURATION:-$([ $q = 1 ] && echo 3 || echo 10)}
SERVERS=${SERVERS:-weft helidon-weft helidon nginx}
WORKLOADS=${WORKLOADS:-conn-h2load keepalive-wrk conn-gatling syscalls}
H2LOAD_N=${H2LOAD_N:-$([ $q = 1 ] && echo 5000 || echo 100000)}
WARM_N=${WARM_N:-$([ $q = 1 ] && echo 3000 || echo 20000)}
WARM_SECONDS=${WARM_SECONDS:-$([ $q = 1 ] && echo 1 || echo 3)}
WARM_PASSES=${WARM_PASSES:-$([ $q = 1 ] && echo 1 || echo 2)}
GATLING_RATES=${GATLING_RATES:-$([ $q = 1 ] && echo 1000 || echo "1000 2000")}
GATLING_RAMP=${GATLING_RAMP:-$([ $q = 1 ] && echo 2 || echo 10)}   # also the generator's own JIT warm-up
GATLING_MAX_P99_MS=${GATLING_MAX_P99_MS:-200}
KA_RATES=${KA_RATES:-$([ $q = 1 ] && echo 10000 || echo "10000 40000")}   # keepalive-rate: requests/s, 64 connections
SEQ_N=${SEQ_N:-$([ $q = 1 ] && echo 300 || echo 2000)}
SYSCALL_N=${SYSCALL_N:-$([ $q = 1 ] && echo 3000 || echo 30000)}
SERVER_CPU=${SERVER_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
PORT_BASE=${PORT_BASE:-18100}
OUT=${OUT:-$ROOT/target/side-by-side/$(date -u +%Y%m%d-%H%M%S)}
DOCS=${DOCS-$ROOT/docs}
PY=/usr/bin/python3   # Debian's: its python3-matplotlib draws the chart; the rest is the standard library
JAVA=${JAVA:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)}
GATLING_JVM=(-Xmx1G -XX:+HeapDumpOnOutOfMemoryError -XX:MaxInlineLevel=20 -XX:MaxTrivialSize=12
             --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED
             --enable-native-access=ALL-UNNAMED -Dgatling.data.enableAnalytics=false -Dgatling.http.warmUpUrl=)

BENCH_TMP=$(mktemp -d -t weft-bench.XXXXXX)
# shellcheck source=bench/lib/servers.sh
source "$ROOT/bench/lib/servers.sh"
# shellcheck source=bench/lib/measure.sh
source "$ROOT/bench/lib/measure.sh"
trap 'stop_everything; rm -rf "$BENCH_TMP"' EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT
trap 'echo "bench: terminated" >&2; exit 143' TERM

say() { printf '%s\n' "$*" | tee -a "$OUT/log.txt"; }
die() { echo "bench: $*" >&2; exit 1; }
uses_gatling() { [[ $WORKLOADS == *gatling* ]]; }

ensure_tools() {
  local need=()
  command -v taskset > /dev/null || need+=(util-linux)
  command -v ss > /dev/null || need+=(iproute2)
  command -v ps > /dev/null || need+=(procps)
  command -v h2load > /dev/null || need+=(nghttp2-client)
  command -v wrk > /dev/null || need+=(wrk)
  [[ " $SERVERS " == *" nginx "* ]] && ! command -v nginx > /dev/null && need+=(nginx-light)
  command -v perf > /dev/null || need+=(linux-perf)   # syscalls, and the generators' CPU time (perf stat)
  { [ -x $PY ] && $PY -c 'import matplotlib' 2> /dev/null; } || need+=(python3-matplotlib)
  [ ${#need[@]} -eq 0 ] && return 0
  if [ "${NO_INSTALL:-0}" = 1 ] || [ "$(id -u)" != 0 ] || ! command -v apt-get > /dev/null; then
    die "missing: ${need[*]} (Debian packages; as root: apt-get update && apt-get install -y --no-install-recommends ${need[*]})"
  fi
  echo "bench: installing ${need[*]} from Debian packages"
  apt-get update -q > "$BENCH_TMP/apt.log" 2>&1 || { cat "$BENCH_TMP/apt.log" >&2; die "apt-get update failed"; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >> "$BENCH_TMP/apt.log" 2>&1 \
    || { tail -20 "$BENCH_TMP/apt.log" >&2; die "apt-get install ${need[*]} failed"; }
}

check_perf() {
  PERF_OK=1
  if ! perf stat -e raw_syscalls:sys_enter -- true > /dev/null 2>&1; then
    PERF_OK=0
    say "perf cannot count syscall tracepoints here (kernel.perf_event_paranoid=$(cat /proc/sys/kernel/perf_event_paranoid)," \
        "tracefs?): syscalls are not counted, and the generators' CPU time is not measured"
  fi
}

build() {
  [ "${NO_BUILD:-0}" = 1 ] && return 0
  say "building the sample jar$(uses_gatling && echo ' and the Gatling simulations') (Maven, not pinned, before any load)"
  ./mvnw -B -ntp -q -DskipTests package -pl sample-http -am
  if uses_gatling; then
    ./mvnw -B -ntp -q -pl gatling test-compile dependency:build-classpath \
        -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
  fi
}

# Key<TAB>value lines for the report's "machine" section.
describe_machine() {
  local cores
  cores=$(taskset -c "$SERVER_CPU" "$JAVA" -jar sample-http/target/weft-sample.jar --help | grep -o 'cores: [0-9]*' | head -1)
  {
    printf 'date\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
    printf 'commit\t%s%s\n' "$(git rev-parse --short HEAD 2>/dev/null || echo '?')" \
        "$(git diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
    printf 'cpu\t%s\n' "$(lscpu | awk -F: '/^Model name/ {gsub(/^ +/, "", $2); print $2}')"
    printf 'cpus\t%s (%s thread(s) per core; hypervisor: %s)\n' "$(nproc)" \
        "$(lscpu | awk -F: '/^Thread\(s\) per core/ {gsub(/ /, "", $2); print $2}')" \
        "$(lscpu | awk -F: '/^Hypervisor vendor/ {gsub(/^ +/, "", $2); print $2}' | grep . || echo none)"
    printf 'memory\t%s\n' "$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
    printf 'kernel\t%s\n' "$(uname -r)"
    printf 'jdk\t%s\n' "$("$JAVA" -version 2>&1 | sed -n 2p)"
    printf 'jvm cpus under taskset\t%s (the sample'"'"'s --help, availableProcessors())\n' "$cores"
    printf 'helidon\t%s\n' "$(sed -n 's:.*<helidon.version>\(.*\)</helidon.version>.*:\1:p' pom.xml)"
    printf 'gatling\t%s (gatling-maven-plugin %s)\n' "$(sed -n 's:.*<gatling.version>\(.*\)</gatling.version>.*:\1:p' pom.xml)" \
        "$(sed -n 's:.*<gatling-maven-plugin.version>\(.*\)</gatling-maven-plugin.version>.*:\1:p' pom.xml)"
    printf 'nginx\t%s\n' "$(nginx -v 2>&1 | sed 's/^nginx version: //')"
    printf 'wrk\t%s\n' "$(wrk -v 2>&1 | head -1 | awk '{print $2}')"
    printf 'h2load\t%s\n' "$(h2load --version | awk '{print $2}')"
    printf 'perf\t%s\n' "$(perf --version 2>/dev/null | awk '{print $3}')"
    printf 'sysctl\tip_local_port_range %s, tcp_tw_reuse %s, tcp_max_tw_buckets %s, somaxconn %s\n' \
        "$(tr '\t' '-' < /proc/sys/net/ipv4/ip_local_port_range)" "$(cat /proc/sys/net/ipv4/tcp_tw_reuse)" \
        "$(cat /proc/sys/net/ipv4/tcp_max_tw_buckets)" "$(cat /proc/sys/net/core/somaxconn)"
    printf 'load average at start\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
  } > "$OUT/machine.tsv"
  {
    printf 'command\t%s\n' "$COMMAND"
    printf 'quick\t%s\n' "$QUICK"
    printf 'rounds\t%s\n' "$ROUNDS"
    printf 'duration\t%s\n' "$DURATION"
    printf 'servers\t%s\n' "$SERVERS"
    printf 'workloads\t%s\n' "$WORKLOADS"
    printf 'h2load_n\t%s\n' "$H2LOAD_N"
    printf 'warm\t%s x (h2load -n %s (Connection: close) and wrk %s s, the measured shape last; then the JIT compilers idle for 1 s)\n' \
        "$WARM_PASSES" "$WARM_N" "$WARM_SECONDS"
    printf 'gatling_rates\t%s\n' "$GATLING_RATES"
    printf 'gatling_ramp\t%s\n' "$GATLING_RAMP"
    printf 'gatling_max_p99_ms\t%s\n' "$GATLING_MAX_P99_MS"
    printf 'ka_rates\t%s\n' "$KA_RATES"
    printf 'seq_n\t%s\n' "$SEQ_N"
    printf 'syscall_n\t%s\n' "$SYSCALL_N"
    printf 'cpus\tserver %s, load %s\n' "$SERVER_CPU" "$LOAD_CPU"
    printf 'java_opts\t%s\n' "${JAVA_OPTS:-}"
  } > "$OUT/settings.tsv"
}

NEXT_PORT=$PORT_BASE
next_port() {
  while [ -n "$(ss -Htan "( sport = :$NEXT_PORT )")" ]; do NEXT_PORT=$((NEXT_PORT + 1)); done
  PORT=$NEXT_PORT
  NEXT_PORT=$((NEXT_PORT + 1))
}

# Both shapes, the measured one last: a JIT-compiled server that has just run the other shape recompiles its
# connection path inside the measured window (measured here: C2 took 5 us per connection in the first h2load run
# after a wrk run, none in the runs after it), which nginx does not have to do. Then wait for the JIT's queue to
# drain (jit_settle), and do it all $WARM_PASSES times: with one CPU the compilers get the core's leftovers under
# load, and the queue's length raises their thresholds, so after one pass a server still runs much of its
# connection path in profiled C1 code (measured on Helidon on weft: 81 CPU-us per connection in the first run
# after one pass, 45 after one pass and a settle, 37 after two, 35-36 in the runs after those; weft 32 then 29,
# stock Helidon 77 then 72-74 without settling).
# $1 URL, $2 workload; keepalive-rate's rate is run_one's $rate.
warm_up() {
  local url=$1 workload=$2 pass waited=""
  local conn=(taskset -c "$LOAD_CPU" h2load --h1 -n "$WARM_N" -c 32 -t 1 -H 'Connection: close' "$url")
  local ka=(taskset -c "$LOAD_CPU" wrk -t1 -c64 -d"${WARM_SECONDS}s" "$url")
  if [ "$workload" = keepalive-rate ]; then  # the measured shape last: requests spaced out compile differently
    ka=(taskset -c "$LOAD_CPU" h2load --h1 -t1 -c64 --rps "$((rate / 64))" -D "$WARM_SECONDS" "$url")
  fi
  for pass in $(seq 1 "$WARM_PASSES"); do
    if [[ $workload == keepalive-* ]]; then
      { "${conn[@]}"; "${ka[@]}"; } >> "$RUN/warm.out" 2>&1 || true
    else
      { "${ka[@]}"; "${conn[@]}"; } >> "$RUN/warm.out" 2>&1 || true
    fi
    waited+="${waited:+ }$(jit_settle)"
  done
  meta jit_settle_s "$waited"
}

meta() { printf '%s=%s\n' "$1" "$2" >> "$RUN/meta.env"; }

# Snapshot before (suffix 0) and after (suffix 1) a measured window: time, server CPU, the generator's CPU when it
# runs in the background ($2: its pid), both cores — read back to back — and, after the window, TIME_WAIT.
snapshot() {
  local s=$1 generator=${2:-} b t
  meta "wall$s" "$(date +%s.%N)"
  meta "server_ticks$s" "$(cpu_ticks "$SERVER_PIDS")"
  [ -n "$generator" ] && meta "generator_pid_ticks$s" "$(cpu_ticks "$generator")"
  read -r b t < <(core_times "$LOAD_CPU"); meta "load_core_busy$s" "$b"; meta "load_core_total$s" "$t"
  read -r b t < <(core_times "$SERVER_CPU"); meta "server_core_busy$s" "$b"; meta "server_core_total$s" "$t"
  if [ "$s" = 1 ]; then
    read -r b t < <(time_wait "$PORT"); meta tw_server "$b"; meta tw_client "$t"
  fi
}

# Runs a load generator in the foreground, pinned, its CPU time counted by perf (task-clock), inside a snapshot pair.
measured() {
  local rc=0
  snapshot 0
  if [ "$PERF_OK" = 1 ]; then
    perf stat -x ';' -e task-clock -o "$RUN/generator.perf" -- taskset -c "$LOAD_CPU" "$@" > "$RUN/tool.out" 2>&1 || rc=$?
  else
    taskset -c "$LOAD_CPU" "$@" > "$RUN/tool.out" 2>&1 || rc=$?
  fi
  snapshot 1
  meta tool_rc "$rc"
}

run_conn_h2load() {
  measured h2load --h1 -n "$H2LOAD_N" -c 32 -t 1 -H 'Connection: close' --log-file="$RUN/h2load.tsv" "$URL"
}

run_keepalive_wrk() {
  measured wrk -t1 -c64 -d"${DURATION}s" --latency "$URL"
}

# $1 requests/s over 64 connections (h2load's --rps is per connection).
run_keepalive_rate() {
  measured h2load --h1 -t1 -c64 --rps "$(($1 / 64))" -D "$DURATION" --log-file="$RUN/h2load.tsv" "$URL"
}

# A Gatling simulation in the background. The window measured starts $2 seconds (its ramp) after "Simulation ...
# started" and ends with its injection ("Parsing log file(s)"): JVM start, the ramp's cold JIT and report
# generation are not in it. $1 = class, $2 = seconds to skip, rest = -D flags.
# Each run binds its own block of source addresses, 127.0.K.1-16 (K = 1, 2, ... 250, then again): a client that
# closed first leaves TIME_WAIT on its address and port, and bind(address, 0) skips such ports, so the ~28k client
# TIME_WAITs stock Helidon leaves (it never closes first) made the next run's binds fail (EADDRINUSE) on a shared
# block. 16 addresses hold 16 x 25k connections per TIME_WAIT window, far above any rate here.
GATLING_BLOCK=0
run_gatling() {
  local simulation=$1 skip=$2 rc=0 gpid deadline
  shift 2
  mkdir -p "$RUN/gatling"
  GATLING_BLOCK=$((GATLING_BLOCK % 250 + 1))
  meta sources "127.0.$GATLING_BLOCK.1-127.0.$GATLING_BLOCK.16"
  taskset -c "$LOAD_CPU" "$JAVA" "${GATLING_JVM[@]}" -Dtarget="$URL" \
      -Dsources="127.0.$GATLING_BLOCK.1-127.0.$GATLING_BLOCK.16" "$@" \
      -cp "gatling/target/test-classes:gatling/target/classes:$(cat gatling/target/test-classpath.txt)" \
      io.gatling.app.Gatling --simulation "dev.weft.gatling.$simulation" --results-folder "$RUN/gatling" \
      > "$RUN/tool.out" 2>&1 &
  gpid=$!
  track_pid "$gpid"
  deadline=$((SECONDS + 60))
  until grep -q "^Simulation .* started" "$RUN/tool.out" 2>/dev/null; do
    kill -0 "$gpid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ] || break
    sleep 0.05
  done
  sleep "$skip"
  snapshot 0 "$gpid"
  deadline=$((SECONDS + 3600))
  until grep -q "^Parsing log file" "$RUN/tool.out"; do
    kill -0 "$gpid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ] || break
    sleep 0.05
  done
  snapshot 1 "$gpid"
  wait "$gpid" || rc=$?
  untrack_pid "$gpid"
  meta tool_rc "$rc"
}

run_conn_gatling() {
  run_gatling ConnRateSimulation "$GATLING_RAMP" -Drates="$1" -DrampSeconds="$GATLING_RAMP" -DholdSeconds="$DURATION" \
      -DmaxP99Ms="$GATLING_MAX_P99_MS"
}

run_keepalive_gatling() {
  run_gatling KeepAliveSimulation 0 -Dconnections=64 -DrampSeconds="$GATLING_RAMP" -DholdSeconds="$DURATION" \
      -DmaxP99Ms="$GATLING_MAX_P99_MS"
}

run_capacity_gatling() {
  run_gatling CapacitySimulation 0 -DstartRate="${CAPACITY_START:-1000}" -DstepRate="${CAPACITY_STEP:-1000}" \
      -Dsteps="${CAPACITY_STEPS:-8}" -DrampSeconds="$GATLING_RAMP" -DholdSeconds="$DURATION" \
      -DmaxP99Ms="$GATLING_MAX_P99_MS"
}

run_syscalls() {
  if [ "$PERF_OK" != 1 ]; then meta tool_rc skipped; return 0; fi
  local close_mode
  close_mode=$($PY bench/lib/seq_client.py probe "$PORT")   # does the server close after Connection: close?
  meta seq_close "$close_mode"
  perf_attach "$SERVER_PIDS" "$RUN/syscalls-seq.perf"
  taskset -c "$LOAD_CPU" $PY bench/lib/seq_client.py "$SEQ_N" "$PORT" "$close_mode" > "$RUN/syscalls-seq.out" 2>&1 \
      || meta seq_rc $?
  perf_detach
  perf_attach "$SERVER_PIDS" "$RUN/syscalls-c32.perf"
  taskset -c "$LOAD_CPU" h2load --h1 -n "$SYSCALL_N" -c 32 -t 1 -H 'Connection: close' "$URL" \
      > "$RUN/syscalls-c32.out" 2>&1 || meta c32_rc $?
  perf_detach
  perf_attach "$SERVER_PIDS" "$RUN/syscalls-ka.perf"
  taskset -c "$LOAD_CPU" h2load --h1 -n "$SYSCALL_N" -c 64 -t 1 "$URL" > "$RUN/syscalls-ka.out" 2>&1 || meta ka_rc $?
  perf_detach
  perf_attach "$SERVER_PIDS" "$RUN/syscalls-kas.perf"
  taskset -c "$LOAD_CPU" wrk -t1 -c64 -d"${DURATION}s" "$URL" > "$RUN/syscalls-kas.out" 2>&1 || meta kas_rc $?
  perf_detach
  meta seq_n "$SEQ_N"
  meta tool_rc 0
}

# One server, one workload, one round: a fresh server on a fresh port, warmed, measured, stopped.
run_one() {
  local round=$1 workload=$2 server=$3 rate=${4:-}
  local label=$workload${rate:+@$rate}
  RUN=$OUT/runs/$(printf '%02d' "$round")-$label-$server
  mkdir -p "$RUN"
  next_port
  URL=http://127.0.0.1:$PORT/plaintext
  meta round "$round"; meta workload "$label"; meta server "$server"; meta port "$PORT"; meta rate "$rate"
  meta hz "$(getconf CLK_TCK)"
  if ! server_start "$server" "$PORT"; then
    meta status failed-start
    cp "$SERVER_LOG" "$RUN/server.log" 2>/dev/null || true
    server_stop
    $PY bench/lib/report.py row "$RUN" "$OUT" | tee -a "$OUT/log.txt"
    return 0
  fi
  meta server_pids "$SERVER_PIDS"
  meta response_bytes "$SERVER_RESPONSE_BYTES"
  warm_up "$URL" "$workload"
  case $workload in
    conn-h2load) run_conn_h2load ;;
    keepalive-wrk) run_keepalive_wrk ;;
    keepalive-rate) run_keepalive_rate "$rate" ;;
    conn-gatling) run_conn_gatling "$rate" ;;
    keepalive-gatling) run_keepalive_gatling ;;
    capacity-gatling) run_capacity_gatling ;;
    syscalls) run_syscalls ;;
  esac
  server_stop
  meta status ok
  cp "$SERVER_LOG" "$RUN/server.log" 2>/dev/null || true
  $PY bench/lib/report.py row "$RUN" "$OUT" | tee -a "$OUT/log.txt"
}

main() {
  [ -x "$JAVA" ] || die "no JDK 25 found under /usr/lib/jvm (set JAVA=/path/to/jdk-25/bin/java)"
  local w s
  for w in $WORKLOADS; do
    case $w in conn-h2load|keepalive-wrk|keepalive-rate|conn-gatling|keepalive-gatling|capacity-gatling|syscalls) ;;
      *) die "unknown workload $w" ;; esac
  done
  for s in $SERVERS; do
    case $s in weft|weft-platform|weft-carrier|weft-virtual|helidon-weft|helidon|nginx) ;;
      *) die "unknown server $s" ;; esac
  done
  mkdir -p "$OUT"
  ensure_tools
  check_perf
  build
  [ -f sample-http/target/weft-sample.jar ] || die "no sample-http/target/weft-sample.jar (run without NO_BUILD=1)"
  if uses_gatling && [ ! -f gatling/target/test-classpath.txt ]; then
    die "the Gatling simulations are not built (run without NO_BUILD=1)"
  fi
  describe_machine
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true   # perf opens one counter per thread and event
  say "side-by-side: $([ "$QUICK" = 1 ] && echo 'QUICK SMOKE RUN (not a measurement); ')$ROUNDS round(s); servers: $SERVERS;" \
      "workloads: $WORKLOADS; output: $OUT"
  local cpus poller=virtual
  cpus=$(grep -o 'cores: [0-9]*' "$OUT/machine.tsv" | head -1 | tr -dc '0-9')
  [ "${cpus:-0}" = 1 ] && poller=carrier   # ServerConfig.defaultPollerMode
  say "servers pinned to CPU $SERVER_CPU, load generators to CPU $LOAD_CPU; a JVM under taskset sees ${cpus:-?}" \
      "CPU(s) (availableProcessors()): weft defaults to ${cpus:-?} acceptor(s) and poll set(s) (and the $poller" \
      "poller), and Helidon's and" \
      "the JDK's pools (carriers, GC, JIT) size themselves for it; every figure is taken that way"
  local round workload server rate
  for round in $(seq 1 "$ROUNDS"); do
    for workload in $WORKLOADS; do
      if [ "$workload" = conn-gatling ] || [ "$workload" = keepalive-rate ]; then
        local rates=$GATLING_RATES
        [ "$workload" = keepalive-rate ] && rates=$KA_RATES
        for rate in $rates; do
          for server in $SERVERS; do run_one "$round" "$workload" "$server" "$rate"; done
        done
      else
        for server in $SERVERS; do run_one "$round" "$workload" "$server"; done
      fi
    done
  done
  printf 'load average at end\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.tsv"
  $PY bench/lib/report.py summary "$OUT" "$DOCS" | tee -a "$OUT/log.txt"
}

main "$@"; exit  # on one line: bash has read it whole before main runs, so editing this file mid-run is safe

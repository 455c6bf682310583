# shellcheck shell=bash
# What the side-by-side reads around each run; sourced by bench/side-by-side.sh.
#
#   cpu_ticks PIDS        utime+stime (clock ticks) of every process in the comma-separated PIDS, all threads
#                         included (/proc/PID/stat fields 14 and 15)
#   core_times CPU        "busy total" jiffies of one core from /proc/stat (busy = all but idle and iowait)
#   time_wait PORT        "server client": TIME_WAIT entries whose local port is PORT (the server closed first)
#                         and whose peer port is PORT (the client did)
#   syscall_events        the perf tracepoints counted: raw_syscalls:sys_enter (all) and one per syscall of
#                         interest that this kernel has
#   perf_attach PIDS FILE starts `perf stat` counting those events in every thread of PIDS (threads existing now:
#                         start after the warm-up); sets PERF_PID
#   perf_detach           stops it (SIGINT makes perf write its counts)

cpu_ticks() {
  local total=0 pid f
  for pid in ${1//,/ }; do
    # The command name (field 2) may hold spaces: cut after its closing parenthesis, then fields 12+13 there.
    f=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null) || continue
    set -- $f
    total=$((total + ${12} + ${13}))
  done
  echo "$total"
}

core_times() {
  awk -v cpu="cpu$1" '$1 == cpu { busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6 }' /proc/stat
}

time_wait() {
  local port=$1 server client
  server=$(ss -Htan state time-wait "( sport = :$port )" | wc -l)
  client=$(ss -Htan state time-wait "( dport = :$port )" | wc -l)
  echo "$server $client"
}

SYSCALLS_OF_INTEREST="accept accept4 read readv recvfrom recvmsg write writev sendto sendmsg sendfile64 close
  shutdown epoll_wait epoll_pwait epoll_pwait2 epoll_ctl futex setsockopt getsockopt getsockname getpeername fcntl
  ioctl sched_yield nanosleep clock_nanosleep mprotect madvise mmap munmap rt_sigprocmask poll ppoll io_uring_enter"

syscall_events() {
  if [ -z "${SYSCALL_EVENTS:-}" ]; then
    local have name
    have=$(perf list 'syscalls:sys_enter_*' 2>/dev/null | awk '{print $1}')
    SYSCALL_EVENTS=raw_syscalls:sys_enter
    for name in $SYSCALLS_OF_INTEREST; do
      if grep -qx "syscalls:sys_enter_$name" <<< "$have"; then
        SYSCALL_EVENTS+=",syscalls:sys_enter_$name"
      fi
    done
  fi
  echo "$SYSCALL_EVENTS"
}

perf_attach() {
  perf stat -x ';' -e "$(syscall_events)" -p "$1" -o "$2" > /dev/null 2>&1 &
  PERF_PID=$!
  track_pid "$PERF_PID"
  sleep 0.5   # perf opens one counter per thread and event before it counts
}

perf_detach() {
  sleep 0.2
  kill -INT "$PERF_PID" 2>/dev/null || true
  wait_gone "$PERF_PID" 10 || stop_pid "$PERF_PID" KILL
  untrack_pid "$PERF_PID"
}

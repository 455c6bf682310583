#!/usr/bin/env bash
# Syscalls per connection and per keep-alive request, server by server, counted by perf's syscall tracepoints
# (strace slows a server so much that it never idles, and undercounts its idle->busy wake-ups):
#   bench/syscalls.sh            # weft, helidon-weft, helidon, nginx; SERVERS="weft nginx" to choose
# It is the side-by-side runner's "syscalls" workload on its own (bench/side-by-side.sh documents the knobs:
# SEQ_N sequential connections, SYSCALL_N connections from 32 clients and keep-alive requests on 64).
# Writes no docs; the table is printed and kept under target/side-by-side/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-1} WORKLOADS=syscalls DOCS= exec bench/side-by-side.sh

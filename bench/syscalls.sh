#!/usr/bin/env bash
# Syscalls per connection-per-request round trip, server by server, side by side.
#   ./mvnw -B -ntp -q package -DskipTests -pl sample-http -am && bench/syscalls.sh [N]
# For each server: start it, warm it up (3×N round trips), attach `strace -f -c` to every thread, run N
# sequential round trips (connect, GET with Connection: close, read to EOF, close) from one Python client,
# detach, and divide each syscall count by N. Loopback only; every server is stopped by its pid.
# Another server plugs in as one more line in SERVERS: "name|main class|port [arguments]".
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
JAVA=${JAVA:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)}
CP=sample-http/target/classes:framework/target/classes:poller/target/classes
SERVERS=(
  "weft HelloService|dev.weft.sample.HelloService|8093"
  "weft HelloService, serveOnAcceptor|dev.weft.sample.HelloService|8095 --serve-on-acceptor"
  "JDK httpserver, virtual threads|dev.weft.sample.JdkHelloService|8094"
)
CLIENT='
import socket, sys
n, port = int(sys.argv[1]), int(sys.argv[2])
req = b"GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port)); s.sendall(req)
    data = b""
    while True:
        chunk = s.recv(4096)
        if not chunk: break
        data += chunk
    assert data.startswith(b"HTTP/1.1 200"), data
    s.close()
'
out=$(mktemp -d)
for entry in "${SERVERS[@]}"; do
  IFS='|' read -r name main args <<< "$entry"
  port=${args%% *}
  "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$CP" "$main" $args > "$out/server.log" 2>&1 &
  pid=$!
  for i in $(seq 1 100); do grep -q "http://" "$out/server.log" && break; sleep 0.1; done
  python3 -c "$CLIENT" $((3 * N)) "$port"
  strace -f -c -o "$out/strace.txt" $(ls /proc/$pid/task | sed 's/^/-p /') 2> /dev/null &
  spid=$!
  sleep 1
  python3 -c "$CLIENT" "$N" "$port"
  sleep 0.5
  kill -INT $spid; wait $spid 2>/dev/null || true
  kill -TERM $pid; wait $pid 2>/dev/null || true
  echo "== $name: syscalls per connection (strace -f -c, $N round trips)"
  awk -v n="$N" '$NF ~ /^[a-z_0-9]+$/ && $4 ~ /^[0-9]+$/ && $NF != "total" { printf "  %-16s %6.2f\n", $NF, $4 / n; t += $4 }
                 END { printf "  %-16s %6.2f\n", "TOTAL", t / n }' "$out/strace.txt" | sort -k2 -n -r
done
rm -rf "$out"

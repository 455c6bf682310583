package dev.weft.server.bench;

import dev.weft.http.HttpServer;
import dev.weft.server.Connection;
import dev.weft.server.Server;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * Measures what an idle keep-alive connection costs the server: heap (after full GCs) and native memory (NMT
 * "committed") with N connections open and idle, against the same server with none. The clients live in a
 * separate Python process on 127.0.0.1, so their objects do not count. Two servers: {@code tcp}, an echo handler
 * parked in {@link Connection#awaitReadable()}; {@code http}, weft's HTTP server after one keep-alive exchange
 * on each connection (waiting for the next request).
 *
 * <pre>
 * java -XX:NativeMemoryTracking=summary --enable-native-access=ALL-UNNAMED \
 *      -cp framework/target/test-classes:framework/target/classes:poller/target/classes \
 *      dev.weft.server.bench.IdleFootprint 10000 [tcp|http]
 * </pre>
 * Kernel memory (socket buffers, epitems) is not included; NMT does not see it.
 */
public final class IdleFootprint {
    private static final String CLIENTS = """
            import socket, sys
            n, port = int(sys.argv[1]), int(sys.argv[2])
            http = sys.argv[3] == 'http'
            conns = []
            for i in range(n):
                s = socket.create_connection(('127.0.0.1', port))
                if http:
                    s.sendall(b'GET /idle HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n')
                    data = b''
                    while not data.endswith(b'idle'): data += s.recv(4096)
                else:
                    s.sendall(b'x')
                    assert s.recv(1) == b'x'
                conns.append(s)
            print('READY', flush=True)
            sys.stdin.read()
            """;

    private static String mode = "tcp";

    private IdleFootprint() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        boolean http = args.length > 1 && args[1].equals("http");
        HttpServer httpServer = null;
        if (http) {
            HttpServer.Builder b = HttpServer.builder().get("/idle", (req, res) -> res.send("idle"));
            b.tcp().port(0).maxConnections(n + 10).idleTimeout(Duration.ofMinutes(10)).shutdownGrace(Duration.ZERO);
            httpServer = b.start();
        }
        try (Server server = http ? httpServer.tcp() : Server.builder().port(0).maxConnections(n + 10)
                .idleTimeout(Duration.ofMinutes(10)).shutdownGrace(Duration.ZERO)
                .start(IdleFootprint::echoOneByteThenIdle)) {
            mode = http ? "http" : "tcp";
            // Warm-up round: the JIT, class loading and the poller's tables grow here, not in the measurement.
            hold(server, n / 5).close();
            while (server.stats().active() > 0) {
                Thread.sleep(10);
            }
            Footprint before = Footprint.measure();
            Clients clients = hold(server, n);
            Footprint after = Footprint.measure();
            System.out.printf("%s, %d idle connections: heap %.0f B/conn, native (NMT committed, not heap) %.0f B/conn, "
                            + "total %.0f B/conn%n", mode, n, (after.heap - before.heap) / (double) n,
                    (after.nativeCommitted - before.nativeCommitted) / (double) n,
                    (after.heap - before.heap + after.nativeCommitted - before.nativeCommitted) / (double) n);
            after.categories.forEach((name, kb) -> {
                long grew = kb - before.categories.getOrDefault(name, 0L);
                if (Math.abs(grew) >= 64) {
                    System.out.printf("  NMT %-24s %+d KB%n", name, grew);
                }
            });
            System.out.println("server: " + server.stats());
            clients.close();
        }
    }

    /** A Python process holding {@code n} connections open (one byte echoed on each) until closed. */
    private record Clients(Process process) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException, IOException {
            process.getOutputStream().close();
            process.waitFor();
        }
    }

    private static Clients hold(Server server, int n) throws Exception {
        long activeBefore = server.stats().active();
        Process p = new ProcessBuilder("python3", "-c", CLIENTS, String.valueOf(n),
                String.valueOf(server.address().getPort()), mode).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        if (!"READY".equals(out.readLine())) {
            p.destroyForcibly();
            throw new IllegalStateException("clients failed");
        }
        while (server.stats().active() < activeBefore + n) {
            Thread.sleep(10); // a measurement program, not a test: polling the count is fine here
        }
        return new Clients(p);
    }

    private static void echoOneByteThenIdle(Connection connection) throws IOException {
        for (;;) {
            connection.awaitReadable();
            byte[] one = new byte[1];
            if (connection.read(one, 0, 1) < 0) {
                return;
            }
            connection.write(one, 0, 1);
        }
    }

    private record Footprint(long heap, long nativeCommitted, java.util.Map<String, Long> categories) {
        private static final Pattern CATEGORY =
                Pattern.compile("-\\s+(.+?) \\(reserved=\\d+KB, committed=(\\d+)KB\\)");

        static Footprint measure() throws Exception {
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            String nmt = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                    new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
            java.util.Map<String, Long> categories = new java.util.TreeMap<>();
            Matcher c = CATEGORY.matcher(nmt);
            while (c.find()) {
                categories.put(c.group(1).trim(), Long.parseLong(c.group(2)));
            }
            // Native = every NMT category but the Java heap (whose committed size grows with G1's sizing,
            // not with what the connections retain: that is the "heap used after GC" figure).
            long nativeKb = categories.entrySet().stream().filter(e -> !e.getKey().equals("Java Heap"))
                    .mapToLong(java.util.Map.Entry::getValue).sum();
            return new Footprint(heap, nativeKb * 1024, categories);
        }
    }
}

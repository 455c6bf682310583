import dev.weft.http.HttpServer;
import dev.weft.poller.PollerMode;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * CPU-bound handlers on the connections of one poll set, against the same on two sets (bench/carrier-skew.sh):
 * what a poller mode does with a handler that computes. A server on 127.0.0.1 with two poll sets answers
 * {@code /spin?ms=N} by computing for N ms and {@code /cheap} at once. Five client connections are opened one
 * after the other (the acceptor spreads them round-robin: 0, 2, 4 on one set, 1 and 3 on the other); two of them
 * send {@code count} spin requests each, back to back — connections 0 and 2 ("skewed": one set) or 0 and 1
 * ("balanced") — while connection 4 sends a cheap request now and then. Printed: the wall time of the spin
 * requests (ideal: count × ms, the two running on two cores) and the cheap request's latency.
 *
 * <p>Usage: {@code java --add-opens java.base/java.lang=ALL-UNNAMED --enable-native-access=ALL-UNNAMED
 * -cp <the sample's classpath> bench/lib/SkewedCpu.java MODE MS COUNT}. Bounded: 2 × count requests per
 * scenario, one round of each scenario, then it closes everything and exits.
 */
public final class SkewedCpu {
    public static void main(String[] args) throws Exception {
        PollerMode mode = PollerMode.valueOf(args[0]);
        int ms = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        HttpServer.Builder builder = SpinRoutes.builder();
        builder.tcp().pollerSets(2).pollerMode(mode);
        HttpServer server = builder.start();
        try {
            for (String scenario : List.of("balanced", "skewed")) {
                run(server.address().getPort(), mode, scenario, ms, count);
            }
            System.out.println(mode + ": carrier takeovers " + server.tcp().poller().stats().carrierTakeovers());
        } finally {
            server.close();
        }
    }

    private static void run(int port, PollerMode mode, String scenario, int ms, int count) throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.setTcpNoDelay(true);
                s.setSoTimeout(60_000);
                sockets.add(s);
                get(s, "/cheap"); // accepted and served before the next is opened: the round-robin order holds
            }
            int[] spinning = scenario.equals("skewed") ? new int[] {0, 2} : new int[] {0, 1};
            long start = System.nanoTime();
            List<Thread> clients = new ArrayList<>();
            for (int c : spinning) {
                clients.add(Thread.ofPlatform().name("spin-client-" + c).start(() -> {
                    try {
                        for (int i = 0; i < count; i++) {
                            get(sockets.get(c), "/spin?ms=" + ms);
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }));
            }
            long[] cheap = new long[20];
            for (int i = 0; i < cheap.length; i++) {
                Thread.sleep(Math.max(1, ms * count / (cheap.length + 5)));
                long t0 = System.nanoTime();
                get(sockets.get(4), "/cheap");
                cheap[i] = System.nanoTime() - t0;
            }
            for (Thread t : clients) {
                t.join();
            }
            long wall = System.nanoTime() - start;
            Arrays.sort(cheap);
            System.out.printf("%s %s: %d x %d ms on two connections: wall %d ms (ideal %d); cheap request: median "
                    + "%.1f ms, max %.1f ms%n", mode, scenario, count, ms, wall / 1_000_000, count * ms,
                    cheap[cheap.length / 2] / 1e6, cheap[cheap.length - 1] / 1e6);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    /** One keep-alive GET; reads the response head and its Content-Length body. */
    private static void get(Socket socket, String path) throws IOException {
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: bench\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        int length = -1;
        for (;;) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("the server closed the connection");
            }
            if (c != '\n') {
                line.append((char) c);
                continue;
            }
            String field = line.toString().trim();
            line.setLength(0);
            if (field.isEmpty()) {
                break;
            }
            if (field.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Integer.parseInt(field.substring(15).trim());
            }
        }
        if (in.readNBytes(length).length != length) {
            throw new EOFException("short body");
        }
    }
}

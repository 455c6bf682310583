import dev.weft.http.HttpServer;
import dev.weft.server.AcceptMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * CPU-bound handlers on new connections, with a connection's first run on its acceptor or on the JDK's scheduler
 * (bench/acceptor-skew.sh): what {@code firstRunOnAcceptor} does with a handler that computes. A server on
 * 127.0.0.1 with two acceptors (the server's default acceptMode, one shared listener; -DacceptMode=REUSEPORT for a
 * reuse-port pair, where the kernel hashes each connection to one) answers {@code /spin?ms=N} by computing for
 * N ms and {@code /cheap} at once. Two clients send {@code count} spin requests each, back to back, every one on a
 * new connection with {@code Connection: close} — so every request is a first run — while a third sends a cheap
 * request on a new connection now and then. Printed: the spin requests' wall time (ideal: count × ms, the two
 * running on two cores), the cheap request's latency, and how many times the acceptor watch took a held listener
 * over.
 *
 * <p>Usage: {@code java --add-opens java.base/java.lang=ALL-UNNAMED --enable-native-access=ALL-UNNAMED
 * [-DacceptMode=REUSEPORT] -cp <the sample's classpath> bench/lib/AcceptorSkew.java FIRST_RUN_ON_ACCEPTOR MS
 * COUNT}. Bounded: 200 warm-up requests, 2 × count spin requests and 40 cheap ones, then it closes the server and
 * exits.
 */
public final class AcceptorSkew {
    public static void main(String[] args) throws Exception {
        boolean firstRunOnAcceptor = Boolean.parseBoolean(args[0]);
        int ms = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        HttpServer.Builder builder = SpinRoutes.builder();
        builder.tcp().acceptors(2).pollerSets(2).firstRunOnAcceptor(firstRunOnAcceptor);
        String acceptMode = System.getProperty("acceptMode"); // unset: the server's default
        if (acceptMode != null && !acceptMode.isEmpty()) {
            builder.tcp().acceptMode(AcceptMode.valueOf(acceptMode));
        }
        HttpServer server = builder.start();
        try {
            int port = server.address().getPort();
            for (int i = 0; i < 200; i++) {
                get(port, "/spin?ms=0");
            }
            long start = System.nanoTime();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                clients.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < count; i++) {
                            get(port, "/spin?ms=" + ms);
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }));
            }
            long[] cheap = new long[40];
            for (int i = 0; i < cheap.length; i++) {
                Thread.sleep(Math.max(1, ms * count / (cheap.length + 5)));
                long t0 = System.nanoTime();
                get(port, "/cheap");
                cheap[i] = System.nanoTime() - t0;
            }
            for (Thread t : clients) {
                t.join();
            }
            long wall = System.nanoTime() - start;
            Arrays.sort(cheap);
            System.out.printf("%s firstRunOnAcceptor=%s: 2 x %d x %d ms, new connection each: wall %d ms (ideal %d); "
                    + "cheap: median %.1f ms, p90 %.1f ms, max %.1f ms; takeovers %d%n",
                    server.tcp().config().acceptMode(), firstRunOnAcceptor, count, ms,
                    wall / 1_000_000, count * ms, cheap[cheap.length / 2] / 1e6, cheap[cheap.length * 9 / 10] / 1e6,
                    cheap[cheap.length - 1] / 1e6, server.tcp().stats().acceptorTakeovers());
        } finally {
            server.close();
        }
    }

    /** One GET on a new connection, read to the server's close. */
    private static void get(int port, String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            if (in.readAllBytes().length == 0) {
                throw new IOException("empty response");
            }
        }
    }
}

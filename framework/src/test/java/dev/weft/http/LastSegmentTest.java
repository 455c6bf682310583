package dev.weft.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.poller.NoFdLeaks;
import dev.weft.testing.HttpServerTest;
import dev.weft.testing.SetUpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A response on a connection that closes after it — whole, or a stream — ends with the connection's FIN in its
 * last segment (MSG_MORE, then close), and a handler that keeps running after sending one does not keep it from
 * the client.
 * Segments are counted on the client's socket ({@link TcpSegments}).
 */
@ExtendWith(NoFdLeaks.class)
@HttpServerTest
class LastSegmentTest {
    private static final int EXCHANGES = 5;
    private static final CountDownLatch CLIENT_HAS_IT = new CountDownLatch(1);
    private static final AtomicBoolean HANDLER_RETURNED = new AtomicBoolean();

    @SetUpServer
    static void routes(HttpServer.Builder server) {
        server.get("/whole", (req, res) -> res.send("Hello, World!"))
                .get("/streamed", (req, res) -> {
                    try (var out = res.stream()) {
                        out.write("Hello, World!".getBytes(StandardCharsets.US_ASCII));
                    }
                })
                .get("/left-open", (req, res) -> { // the server ends the stream after the handler
                    res.stream().write("Hello, World!".getBytes(StandardCharsets.US_ASCII));
                })
                .get("/then-work", (req, res) -> {
                    res.send("early");
                    CLIENT_HAS_IT.await(30, TimeUnit.SECONDS); // "work" that lasts until the client has the response
                    HANDLER_RETURNED.set(true);
                });
    }

    /**
     * Property: the FIN rides in the response's last segment, for a whole response and for a stream (closed by its
     * handler, or by the server after it) — the client receives one segment without data fewer than from a plain
     * socket that writes the same response and then closes (its FIN on its own). Minimum of several exchanges each:
     * an occasional extra acknowledgement does not decide it.
     */
    @Test
    void aClosingResponsesFinTravelsWithItsLastBytes(InetSocketAddress server) throws Exception {
        int finAlone = finAloneReference();
        for (String path : List.of("/whole", "/streamed", "/left-open")) {
            int fewest = Integer.MAX_VALUE;
            for (int i = 0; i < EXCHANGES; i++) {
                fewest = Math.min(fewest, TcpSegments.withoutData(server, path, "Hello, World!"));
            }
            assertEquals(finAlone - 1, fewest, path + ": segments without data " + fewest + ", FIN alone " + finAlone);
        }
    }

    /** The same count against a plain socket that writes a response and closes: its FIN leaves on its own. */
    private static int finAloneReference() throws Exception {
        byte[] response = "HTTP/1.1 200 OK\r\nContent-Length: 13\r\nConnection: close\r\n\r\nHello, World!"
                .getBytes(StandardCharsets.US_ASCII);
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread plain = Thread.ofPlatform().name("fin-alone").start(() -> {
                for (int i = 0; i < EXCHANGES; i++) {
                    try (Socket s = listener.accept()) {
                        readHead(s.getInputStream());
                        s.getOutputStream().write(response);
                    } catch (IOException e) {
                        return; // the client's assertion reports it
                    }
                }
            });
            int fewest = Integer.MAX_VALUE;
            try {
                var address = new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                for (int i = 0; i < EXCHANGES; i++) {
                    fewest = Math.min(fewest, TcpSegments.withoutData(address, "/", "Hello, World!"));
                }
            } finally {
                listener.close(); // ends an accept still waiting if the client failed
                plain.join();
            }
            return fewest;
        }
    }

    private static void readHead(InputStream in) throws IOException {
        int matched = 0; // of "\r\n\r\n"
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("end of stream inside the request head");
            }
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }

    /**
     * Property: a closing response reaches the client whole, to its end of stream, while the exchange observer is
     * still running (the connection is closed before it runs: its last segment does not wait for it).
     */
    @Test
    void aSlowObserverDoesNotHoldAClosingResponseBack() throws Exception {
        CountDownLatch clientHasAll = new CountDownLatch(1);
        AtomicBoolean observerReturned = new AtomicBoolean();
        try (HttpServer observed = HttpServer.builder()
                .observer(exchange -> {
                    try {
                        clientHasAll.await(30, TimeUnit.SECONDS); // "work" until the client has read to the end
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    observerReturned.set(true);
                })
                .get("/", (req, res) -> res.send("observed"))
                .port(0)
                .start();
             Wire w = new Wire(observed.address())) {
            String all;
            try {
                all = w.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").readToEnd();
                assertFalse(observerReturned.get(), "the response ended while the observer was still running");
            } finally {
                clientHasAll.countDown();
            }
            assertTrue(all.startsWith("HTTP/1.1 200") && all.endsWith("\r\n\r\nobserved"), all);
        }
    }

    /** Property: a response held for the FIN still reaches the client while its handler is running. */
    @Test
    void aHandlerStillRunningDoesNotHoldItsResponseBack(InetSocketAddress server) throws Exception {
        try (Wire w = new Wire(server)) {
            Wire.Reply r;
            try {
                r = w.send("GET /then-work HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").readResponse();
                assertFalse(HANDLER_RETURNED.get(), "the response came while its handler was still running");
            } finally {
                CLIENT_HAS_IT.countDown(); // the handler's "work" ends, whatever the client saw
            }
            assertEquals("early", r.body());
            assertTrue(w.readUntilQuiet().endsWith("[EOF]"), "closed once the handler returned");
        }
    }
}

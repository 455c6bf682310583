package dev.weft.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.poller.NoFdLeaks;
import dev.weft.poller.TestThreads;
import dev.weft.server.ServerProbes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The HTTP side of graceful close (issue 11, item 2) and of the connection cap (issue 10, defect C): an idle
 * keep-alive connection no longer holds close() for the grace; a request in flight is answered during the grace
 * with {@code Connection: close}; a request that races close() is answered whole or not at all; a client over the
 * cap gets a fast 503.
 */
@ExtendWith(NoFdLeaks.class)
class HttpShutdownTest {
    private static final Duration LONG_GRACE = Duration.ofSeconds(30);

    @Test
    void anIdleKeepAliveConnectionDoesNotHoldClose() throws Exception {
        AtomicReference<Thread> connectionThread = new AtomicReference<>();
        HttpServer server = builder((req, res) -> {
            connectionThread.set(Thread.currentThread());
            res.send("hi");
        }).start();
        try (Wire w = new Wire(server.address())) {
            Wire.Reply r = w.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
            assertEquals(200, r.status());
            assertTrue(!r.hasField("connection: close"), r.head());
            ServerProbes.awaitParked(connectionThread, true); // waiting for the next request head
            long start = System.nanoTime();
            server.close();
            long tookNanos = System.nanoTime() - start;
            assertTrue(tookNanos < LONG_GRACE.toNanos() / 3, "close() took " + tookNanos / 1_000_000 + " ms");
            assertEquals("", w.readToEnd(), "the idle connection ends without a byte");
        } finally {
            server.close();
        }
    }

    /**
     * <pre>
     *   client:  GET /slow                  handler: parked on a latch (checked)
     *   main:    close() begins (listeners gone), then releases the handler
     *   expect:  200 "done" with Connection: close, then end of stream; close() returns
     * </pre>
     */
    @Test
    void aRequestInFlightIsAnsweredWithConnectionCloseDuringTheGrace() throws Exception {
        AtomicReference<Thread> handler = new AtomicReference<>();
        CountDownLatch release = new CountDownLatch(1);
        HttpServer server = builder((req, res) -> {
            handler.set(Thread.currentThread());
            release.await();
            res.send("done");
        }).start();
        try (Wire w = new Wire(server.address()); TestThreads threads = new TestThreads()) {
            w.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
            ServerProbes.awaitParked(handler, false);
            Thread closer = threads.platform("close", server::close);
            ServerProbes.awaitRefused(server.address());
            assertTrue(closer.isAlive(), "close() waits for the request in flight");
            release.countDown();
            Wire.Reply r = w.readResponse();
            assertEquals(200, r.status());
            assertEquals("done", r.body());
            assertTrue(r.hasField("connection: close"), r.head());
            assertEquals("", w.readToEnd());
        } finally {
            server.close();
        }
    }

    /**
     * A request with {@code Expect: 100-continue} whose body comes after close() began: the 100 Continue was an
     * interim response, so the exchange is still in progress and its body is read, not cut as an idle read.
     */
    @Test
    void aBodyAfter100ContinueIsStillReadWhileTheServerCloses() throws Exception {
        HttpServer.Builder b = HttpServer.builder().post("/echo", (req, res) -> res.send(req.bodyBytes())).port(0);
        b.tcp().shutdownGrace(LONG_GRACE);
        HttpServer server = b.start();
        try (Wire w = new Wire(server.address()); TestThreads threads = new TestThreads()) {
            w.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            assertEquals(100, w.readResponse().status());
            threads.platform("close", server::close);
            ServerProbes.awaitRefused(server.address());
            Wire.Reply r = w.send("hello").readResponse();
            assertEquals(200, r.status(), r.head());
            assertEquals("hello", r.body());
            assertTrue(r.hasField("connection: close"), r.head());
        } finally {
            server.close();
        }
    }

    /**
     * A full-duplex exchange (the body still read after its response began) survives a graceful close: a write
     * does not end an HTTP exchange, so the body's next read is not taken for an idle one and cut.
     */
    @Test
    void aBodyReadAfterTheResponseBeganIsStillReadWhileTheServerCloses() throws Exception {
        HttpServer.Builder b = HttpServer.builder().post("/duplex", (req, res) -> {
            var out = res.stream();
            byte[] one = new byte[1];
            for (int n; (n = req.body().read(one)) > 0; ) {
                out.write(one, 0, n);
                out.flush(); // each body byte answered at once: the response is on the wire mid-body
            }
            out.close();
        }).port(0);
        b.tcp().shutdownGrace(LONG_GRACE);
        HttpServer server = b.start();
        try (Socket s = new Socket("127.0.0.1", server.address().getPort()); TestThreads threads = new TestThreads()) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write("POST /duplex HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\na"
                    .getBytes(StandardCharsets.US_ASCII));
            String first = readUntil(s.getInputStream(), "1\r\na\r\n"); // the head and the first chunk
            assertTrue(first.startsWith("HTTP/1.1 200 "), first);
            threads.platform("close", server::close);
            ServerProbes.awaitRefused(server.address()); // the server is draining now
            s.getOutputStream().write('b');
            String rest = readUntil(s.getInputStream(), "0\r\n\r\n");
            assertEquals("1\r\nb\r\n0\r\n\r\n", rest, "the body's second byte was read and answered");
        } finally {
            server.close();
        }
    }

    private static String readUntil(InputStream in, String end) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (!out.toString(StandardCharsets.ISO_8859_1).endsWith(end)) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("end of stream before " + end.replace("\r\n", "\\r\\n") + ": " + out);
            }
            out.write(c);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * A request sent on an idle keep-alive connection as close() begins (released together, many rounds) is
     * answered with a whole response, or the connection ends before any byte of one — never a cut response.
     */
    @Test
    void aRequestRacingCloseIsAnsweredWholeOrSeesACleanEnd() throws Exception {
        int rounds = TestThreads.rounds(20);
        int answered = 0;
        int withClose = 0;
        for (int round = 0; round < rounds; round++) {
            HttpServer server = builder((req, res) -> res.send("pong")).start();
            try (Socket s = new Socket(); TestThreads threads = new TestThreads()) {
                s.connect(server.address(), 10_000);
                s.setSoTimeout(10_000);
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String first = readOneResponse(s.getInputStream());
                assertTrue(first.startsWith("HTTP/1.1 200"), first);
                CyclicBarrier go = new CyclicBarrier(2);
                threads.platform("close", () -> {
                    go.await();
                    server.close();
                });
                go.await();
                try {
                    s.getOutputStream().write("GET / HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException closedAlready) {
                    // the server closed first: nothing was sent, nothing can be cut
                }
                String rest = readToEnd(s.getInputStream());
                if (!rest.isEmpty()) {
                    assertEquals(rest, readOneResponse(new java.io.ByteArrayInputStream(
                            rest.getBytes(StandardCharsets.ISO_8859_1))), "round " + round + ": more than one response");
                    assertTrue(rest.startsWith("HTTP/1.1 200") && rest.endsWith("\r\n\r\npong"),
                            "round " + round + ": a cut response: " + rest);
                    answered++;
                    withClose += rest.toLowerCase(java.util.Locale.ROOT).contains("connection: close") ? 1 : 0;
                }
            } finally {
                server.close();
            }
        }
        System.out.println("request racing close: " + answered + " of " + rounds + " answered whole ("
                + withClose + " with Connection: close), the rest ended cleanly before any byte");
    }

    /** Over the connection cap, a client gets a fast 503 with Connection: close and nothing more. */
    @Test
    void overTheConnectionCapAClientGetsA503() throws Exception {
        HttpServer.Builder builder = HttpServer.builder().get("/", (req, res) -> res.send("hi")).port(0);
        builder.tcp().maxConnections(1).deferAccept(false);
        HttpServer running = builder.start();
        try (Wire held = new Wire(running.address())) {
            // answered, so admitted: only then the second connects (two acceptors may take them in either order)
            assertEquals(200, held.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().status());
            try (Wire over = new Wire(running.address())) {
                Wire.Reply r = over.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
                assertEquals(503, r.status());
                assertTrue(r.hasField("connection: close"), r.head());
                assertTrue(r.hasField("content-length: 0"), r.head());
                assertEquals("", over.readToEnd());
            }
            assertEquals(1, running.stats().rejected());
            assertEquals(200, held.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().status(),
                    "the connection under the cap is still served");
        } finally {
            running.close();
        }
    }

    private static HttpServer.Builder builder(Handler handler) {
        HttpServer.Builder b = HttpServer.builder().get("/", handler).get("/slow", handler).port(0);
        b.tcp().shutdownGrace(LONG_GRACE);
        return b;
    }

    /** One response framed by Content-Length, as text (head and body). */
    private static String readOneResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("end of stream inside a response head: " + head);
            }
            head.write(b);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : h.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        if (body.length != length) {
            throw new IOException("a cut body: " + body.length + " of " + length + " bytes");
        }
        return h + new String(body, StandardCharsets.ISO_8859_1);
    }

    private static String readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            in.transferTo(out);
        } catch (java.net.SocketException reset) {
            // after the data: counts as the end
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}

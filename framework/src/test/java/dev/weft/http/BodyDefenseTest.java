package dev.weft.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.poller.NoFdLeaks;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Request bodies cannot pin a connection or the heap (issue 10, defect C): a body must keep a minimum rate,
 * and the bytes buffered for bodies across all connections have a budget — each attack run with a normal
 * client served alongside it.
 */
@ExtendWith(NoFdLeaks.class)
class BodyDefenseTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void underTheDefaultsABodyTrickledAtOneBytePer25SecondsIsCutBeforeItsSecondByte() {
        HttpLimits d = HttpLimits.defaults();
        long grace = d.bodyRateGrace().toNanos();
        // The first body byte arrived at once; the second would come 25 s later.
        long allowance = RequestBody.allowanceNanos(1, 0, d.minBodyBytesPerSecond(), grace);
        assertTrue(allowance < 25 * SECOND, "waits at most " + allowance / 1_000_000 + " ms");
        assertTrue(allowance >= grace, "but a whole grace first");
        // A client at 10 KiB/s is never short: after 60 s of waiting it has sent 600 KiB.
        assertTrue(RequestBody.allowanceNanos(600 * 1024, 60 * SECOND, d.minBodyBytesPerSecond(), grace) > grace);
        assertEquals(Long.MAX_VALUE, RequestBody.allowanceNanos(0, 0, 0, grace), "rate 0: no rule");
        assertTrue(RequestBody.allowanceNanos(Long.MAX_VALUE / 2, 0, 1, Long.MAX_VALUE) > 0, "saturates");
    }

    /**
     * <pre>
     *  20 tricklers: head, then 1 body byte every 300 ms  ──►  server (200 B/s after 500 ms of waiting)
     *  1 normal client: 20 POSTs of 1 KiB, one after another ──►  answered meanwhile
     * </pre>
     */
    @Test
    void tricklersAreCutWith408WhileANormalClientIsServed() throws Exception {
        HttpLimits limits = HttpLimits.defaults().withMinBodyRate(200, Duration.ofMillis(500));
        int tricklers = 20;
        try (HttpServer server = HttpServer.builder()
                .post("/echo", (req, res) -> res.send(req.bodyBytes()))
                .limits(limits).port(0).start()) {
            List<Thread> threads = new ArrayList<>();
            List<String> answers = java.util.Collections.synchronizedList(new ArrayList<>());
            long start = System.nanoTime();
            for (int i = 0; i < tricklers; i++) {
                threads.add(Thread.ofVirtual().start(() -> answers.add(trickle(server))));
            }
            byte[] kib = "k".repeat(1024).getBytes();
            try (Wire normal = new Wire(server.address())) {
                for (int i = 0; i < 20; i++) {
                    Wire.Reply r = normal.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1024\r\n\r\n"
                            + new String(kib)).readResponse();
                    assertEquals(1024, r.body().length());
                }
            }
            for (Thread t : threads) {
                assertTrue(t.join(Duration.ofSeconds(30)), "a trickler was never cut");
            }
            long elapsed = System.nanoTime() - start;
            assertEquals(tricklers, answers.size());
            for (String a : answers) {
                assertEquals(List.of(408), Wire.statuses(a), a);
                assertTrue(a.contains("\r\nConnection: close\r\n"), a);
            }
            assertTrue(elapsed < 20 * SECOND, "cut after about the grace, not after 30 s reads: " + elapsed / 1_000_000);
            awaitAtLeast(() -> server.stats().timeouts(), tricklers);
        }
    }

    /** Sends a head and then one body byte every 300 ms (at most 40) until cut; returns what came back. */
    private static String trickle(HttpServer server) {
        try (Wire w = new Wire(server.address())) {
            w.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n");
            try {
                for (int i = 0; i < 40; i++) {
                    w.send("x");
                    Thread.sleep(300); // the attack's own pace, not a synchronisation
                }
            } catch (IOException cut) {
                // the server closed: read what it said first
            }
            return w.readToEnd();
        } catch (IOException | InterruptedException e) {
            return e.toString();
        }
    }

    /**
     * <pre>
     *  A1, A2: 300 KiB of a 600 KiB body, then silence  → hold 2 × 496 KiB of the 1 MiB budget
     *  A3..A6: the same                                 → 503, Retry-After, Connection: close
     *  normal: POST 2 KiB (under the free 16 KiB), GET  → served
     * </pre>
     */
    @Test
    void bodiesOverTheBufferBudgetGet503WhileSmallRequestsAreServed() throws Exception {
        HttpLimits limits = HttpLimits.defaults().withMaxBufferedBodyBytes(1 << 20);
        limits = new HttpLimits(limits.maxRequestLineBytes(), limits.maxHeaderBytes(), limits.maxHeaderCount(),
                limits.maxBodyBytes(), limits.headTimeout(), limits.bodyTimeout(), 1 << 20,
                limits.minBodyBytesPerSecond(), limits.bodyRateGrace(), limits.maxBufferedBodyBytes());
        long holding = 512 * 1024 - BodyBudget.FREE_BYTES; // a 512 KiB buffer, less the free bytes
        try (HttpServer server = HttpServer.builder()
                .post("/upload", (req, res) -> res.send("got " + req.bodyBytes().length))
                .get("/hello", (req, res) -> res.send("hello"))
                .limits(limits).port(0).start()) {
            List<Socket> holders = new ArrayList<>();
            try {
                for (int i = 1; i <= 2; i++) {
                    holders.add(sendHalf(server));
                    long expected = i * holding;
                    awaitAtLeast(server::bufferedBodyBytes, expected);
                    assertEquals(expected, server.bufferedBodyBytes());
                }
                for (int i = 3; i <= 6; i++) {
                    try (Socket s = sendHalf(server)) {
                        String answer = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
                        assertEquals(List.of(503), Wire.statuses(answer), answer);
                        assertTrue(answer.contains("\r\nRetry-After: 1\r\n") && answer.contains("\r\nConnection: close\r\n"),
                                answer);
                    }
                    assertTrue(server.bufferedBodyBytes() <= 1 << 20);
                }
                try (Wire normal = new Wire(server.address())) {
                    assertEquals("got 2048", normal.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 2048\r\n\r\n"
                            + "n".repeat(2048)).readResponse().body());
                    assertEquals("hello", normal.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().body());
                }
                assertEquals(2 * holding, server.bufferedBodyBytes(), "the refused bodies gave their share back");
            } finally {
                for (Socket s : holders) {
                    s.close();
                }
            }
            awaitAtMost(server::bufferedBodyBytes, 0);
        }
    }

    /** Opens a connection and sends the head of a 600 KiB upload and its first 300 KiB. */
    private static Socket sendHalf(HttpServer server) throws IOException {
        Socket s = new Socket(server.address().getAddress(), server.address().getPort());
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        out.write(("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: " + 600 * 1024 + "\r\n\r\n").getBytes());
        out.write(new byte[300 * 1024]);
        out.flush();
        return s;
    }

    private static void awaitAtLeast(LongSupplier value, long n) {
        long deadline = System.nanoTime() + 20 * SECOND;
        while (value.getAsLong() < n) {
            assertTrue(System.nanoTime() < deadline, "stayed at " + value.getAsLong() + ", wanted " + n);
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    private static void awaitAtMost(LongSupplier value, long n) {
        long deadline = System.nanoTime() + 20 * SECOND;
        while (value.getAsLong() > n) {
            assertTrue(System.nanoTime() < deadline, "stayed at " + value.getAsLong() + ", wanted " + n);
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}

package dev.weft.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.poller.NoFdLeaks;
import dev.weft.poller.TestThreads;
import java.io.OutputStream;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Many clients at once, and clients that vanish mid-exchange: everyone else is answered, nothing leaks. */
@ExtendWith(NoFdLeaks.class)
class HttpLoadTest {

    @Test
    void thousandsOfConnectionPerRequestClientsAreAllAnswered() throws Exception {
        int clients = 8;
        int each = TestThreads.rounds(300);
        try (HttpServer server = HttpServer.builder().get("/hello", (req, res) -> res.send("hi")).port(0).start()) {
            try (TestThreads threads = new TestThreads()) {
                for (int c = 0; c < clients; c++) {
                    threads.platform("client", () -> {
                        for (int i = 0; i < each; i++) {
                            try (Wire w = new Wire(server.address())) {
                                String all = w.send("GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                                        .readToEnd();
                                assertTrue(all.startsWith("HTTP/1.1 200 OK\r\n") && all.endsWith("hi"), all);
                            }
                        }
                    });
                }
            }
            awaitClosed(server, clients * each);
            assertEquals(clients * each, server.stats().accepted());
        }
    }

    @Test
    void aClientThatDisconnectsMidRequestOrMidResponseAffectsNoOneElse() throws Exception {
        CountDownLatch streaming = new CountDownLatch(1);
        try (HttpServer server = HttpServer.builder()
                .post("/echo", (req, res) -> res.send(req.bodyBytes()))
                .get("/big", (req, res) -> {
                    try (OutputStream out = res.stream()) {
                        byte[] chunk = new byte[64 * 1024];
                        streaming.countDown();
                        for (int i = 0; i < 10_000; i++) {
                            out.write(chunk); // until the client's reset makes a write fail
                        }
                    }
                })
                .get("/hello", (req, res) -> res.send("hi"))
                .port(0).start()) {
            try (Wire w = new Wire(server.address())) { // mid-request: half a body, then gone
                w.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nonly part");
            }
            try (Socket s = new Socket(server.address().getAddress(), server.address().getPort())) { // mid-response
                s.getOutputStream().write("GET /big HTTP/1.1\r\nHost: t\r\n\r\n".getBytes());
                assertTrue(streaming.await(10, TimeUnit.SECONDS));
                s.getInputStream().readNBytes(1000);
                s.setSoLinger(true, 0);
            }
            try (Wire w = new Wire(server.address())) {
                assertEquals("hi", w.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().body());
            }
            awaitClosed(server, 2);
        }
    }

    @Test
    void aClientThatStopsSendingItsBodyIsCutByTheBodyTimeoutWhileOthersAreServed() throws Exception {
        HttpLimits limits = new HttpLimits(8192, 16384, 100, 1 << 20, java.time.Duration.ofSeconds(10),
                java.time.Duration.ofMillis(300), 4096);
        try (HttpServer server = HttpServer.builder()
                .post("/echo", (req, res) -> res.send(req.bodyBytes()))
                .limits(limits).port(0).start();
             Wire stalled = new Wire(server.address());
             Wire other = new Wire(server.address())) {
            stalled.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nhalf"); // then silence
            assertEquals("ok", other.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nok")
                    .readResponse().body());
            String cut = stalled.readToEnd();
            assertEquals(List.of(408), Wire.statuses(cut), "answered 408 by the body timeout, then closed: " + cut);
            assertTrue(cut.contains("\r\nConnection: close\r\n"), cut);
            awaitClosed(server, 1);
            assertEquals(1, server.stats().timeouts());
        }
    }

    private static void awaitClosed(HttpServer server, long n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (server.stats().closed() < n) {
            assertTrue(System.nanoTime() < deadline, "closed stayed " + server.stats().closed());
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}

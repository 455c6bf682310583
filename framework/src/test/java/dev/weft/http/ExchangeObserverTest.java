package dev.weft.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.poller.NoFdLeaks;
import dev.weft.testing.HttpServerTest;
import dev.weft.testing.SetUpServer;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every exchange is observed once — routed ones with their route, and those the parser rejected (which reach
 * no filter) with their status — and the access log writes one documented line for each.
 */
@ExtendWith(NoFdLeaks.class)
@HttpServerTest
class ExchangeObserverTest {
    static final BlockingQueue<Exchange> seen = new LinkedBlockingQueue<>();

    @SetUpServer
    static void routes(HttpServer.Builder server) {
        server.observer(seen::add)
                .accessLog()
                .limits(new HttpLimits(64, 256, 20, 32, java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(5),
                        4096))
                .get("/todos/{id}", (req, res) -> res.send("todo " + req.pathParam("id")))
                .post("/echo", (req, res) -> res.send(req.bodyBytes()));
    }

    @Test
    void aRoutedExchangeIsObservedOnceWithItsRouteStatusAndBytes(InetSocketAddress address) throws Exception {
        seen.clear();
        try (LogCapture access = new LogCapture("dev.weft.http.access"); Wire w = new Wire(address)) {
            String request = "GET /todos/7 HTTP/1.1\r\nHost: t\r\n\r\n";
            Wire.Reply r = w.send(request).readResponse();
            Exchange e = next();
            assertEquals("GET /todos/7 HTTP/1.1", e.requestLine());
            assertEquals("GET", e.method());
            assertEquals("/todos/{id}", e.route());
            assertEquals(200, e.status());
            assertEquals(request.length(), e.bytesIn());
            assertEquals(r.head().length() + r.body().length(), e.bytesOut());
            assertTrue(e.completed() && e.durationNanos() > 0, e.toString());
            assertEquals("127.0.0.1", e.peer().getAddress().getHostAddress());
            w.send("GET /nowhere HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
            Exchange notFound = next();
            assertEquals(404, notFound.status());
            assertNull(notFound.route());
            List<LogRecord> lines = access.await(Level.INFO, 2);
            assertEquals(2, lines.size());
            String line = lines.getFirst().getMessage();
            assertTrue(line.matches("127\\.0\\.0\\.1 - - \\[\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d \\+0000] "
                    + "\"GET /todos/7 HTTP/1\\.1\" 200 " + e.bytesOut() + " \\d+ /todos/\\{id}"), line);
            assertTrue(lines.get(1).getMessage().endsWith(" -"), "no route: " + lines.get(1).getMessage());
        }
    }

    @Test
    void requestsTheParserRejectsAreObservedAndLoggedToo(InetSocketAddress address) throws Exception {
        seen.clear();
        try (LogCapture access = new LogCapture("dev.weft.http.access")) {
            String[] rejected = {
                    "GET /x HTTP/1.1\r\n\r\n",                                    // no Host: 400
                    "GET /" + "a".repeat(100) + " HTTP/1.1\r\nHost: t\r\n\r\n",   // 414
                    "GET /x HTTP/1.1\r\nHost: t\r\nX: " + "b".repeat(300) + "\r\n\r\n", // 431
                    "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 99\r\n\r\n",  // 413
                    "GET /x HTTP/2.0\r\nHost: t\r\n\r\n",                          // 505
            };
            for (String raw : rejected) {
                try (Wire w = new Wire(address)) {
                    w.send(raw).readToEnd();
                }
            }
            List<Integer> statuses = List.of(next().status(), next().status(), next().status(), next().status(),
                    next().status());
            assertEquals(List.of(400, 414, 431, 413, 505), statuses);
            List<LogRecord> lines = access.await(Level.INFO, 5);
            assertTrue(lines.getFirst().getMessage().contains("] - 400 "), lines.getFirst().getMessage());
            assertTrue(lines.get(3).getMessage().contains("\"POST /echo HTTP/1.1\" 413 "), "413 comes after the head "
                    + "parsed: its request-line is known: " + lines.get(3).getMessage());
        }
    }

    @Test
    void aSlowHeadIsObservedAs408() throws Exception {
        BlockingQueue<Exchange> own = new LinkedBlockingQueue<>();
        try (HttpServer server = HttpServer.builder().observer(own::add)
                .limits(new HttpLimits(64, 256, 20, 32, java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(5),
                        4096))
                .port(0).start();
             Wire w = new Wire(server.address())) {
            w.send("GET /x HTTP/1.1\r\n").readToEnd();
            Exchange e = own.poll(10, TimeUnit.SECONDS);
            assertEquals(408, e.status());
            assertNull(e.requestLine());
        }
    }

    @Test
    void anObserverThatThrowsIsLoggedAndTheConnectionLivesOn() throws Exception {
        try (LogCapture log = new LogCapture("dev.weft.http");
             HttpServer server = HttpServer.builder().observer(e -> {
                         throw new IllegalStateException("observer bug");
                     })
                     .get("/", (req, res) -> res.send("ok")).port(0).start();
             Wire w = new Wire(server.address())) {
            assertEquals("ok", w.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().body());
            assertEquals("ok", w.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().body());
            assertEquals("observer bug", log.await(Level.WARNING, 2).getFirst().getThrown().getMessage());
        }
    }

    private static Exchange next() throws InterruptedException {
        Exchange e = seen.poll(10, TimeUnit.SECONDS);
        assertTrue(e != null, "no exchange observed");
        return e;
    }
}

package dev.weft.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.poller.NoFdLeaks;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** HTTP/1.1 over real sockets: raw bytes in, status, framing and connection handling checked on the wire. */
@ExtendWith(NoFdLeaks.class)
class HttpWireTest {
    private static HttpServer server;
    private static final java.util.concurrent.BlockingQueue<String> READ_AFTER =
            new java.util.concurrent.LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws Exception {
        server = HttpServer.builder()
                .get("/hello", (req, res) -> res.send("Hello, World!"))
                .get("/typed", (req, res) -> {
                    String type = req.queryParam("type");
                    res.header("X-Before", "1").contentType("text/html; charset=UTF-8");
                    if (req.queryParam("twice") != null) {
                        res.contentType(type);
                    }
                    res.header("X-After", "2").send("typed");
                })
                .get("/bad-type", (req, res) -> {
                    try {
                        res.contentType("text/plain\r\nX-Injected: 1");
                        res.send("accepted");
                    } catch (IllegalArgumentException e) {
                        res.send("refused: " + e.getMessage());
                    }
                })
                .get("/users/{id}", (req, res) -> res.send("user " + req.pathParam("id") + " q=" + req.queryParam("q")))
                .post("/echo", (req, res) -> res.send(req.bodyBytes()))
                .post("/answer-first", (req, res) -> {
                    res.send("answered"); // before the body has arrived: nothing buffered
                    READ_AFTER.add(new String(req.bodyBytes(), java.nio.charset.StandardCharsets.ISO_8859_1));
                })
                .get("/fail", (req, res) -> {
                    throw new IllegalStateException("boom");
                })
                .post("/stream-echo", (req, res) -> {
                    try (var out = res.stream()) { // the stream opens before the body is read
                        req.body().transferTo(out);
                    }
                })
                .post("/flush-echo", (req, res) -> {
                    var out = res.stream();
                    out.flush(); // the response's head goes out before the body is read
                    req.body().transferTo(out);
                    out.close();
                })
                .get("/stream", (req, res) -> {
                    try (var out = res.stream()) {
                        out.write("part1,".getBytes());
                        out.write("part2".getBytes());
                    }
                })
                .limits(new HttpLimits(64, 256, 20, 32, Duration.ofMillis(500), Duration.ofSeconds(2), 4096))
                .port(0)
                .start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void getAnswersWithLengthAndDate() throws Exception {
        try (Wire w = new Wire(server.address())) {
            Wire.Reply r = w.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
            assertEquals(200, r.status());
            assertEquals("Hello, World!", r.body());
            assertTrue(r.hasField("content-length: 13"), r.head());
            assertTrue(r.hasField("date: "), r.head());
        }
    }

    /** contentType sets: a second call replaces the first, common or not, and the other fields keep their order. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"text/plain", "application/x-weft"})
    void contentTypeReplacesAnEarlierOne(String type) throws Exception {
        try (Wire w = new Wire(server.address())) {
            Wire.Reply once = w.send("GET /typed HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
            assertTrue(once.head().contains("\r\nX-Before: 1\r\nContent-Type: text/html; charset=UTF-8\r\n"
                    + "X-After: 2\r\n"), once.head());
            Wire.Reply twice = w.send("GET /typed?twice=1&type=" + type + " HTTP/1.1\r\nHost: t\r\n\r\n")
                    .readResponse();
            assertEquals(1, twice.head().split("(?i)content-type:", -1).length - 1, twice.head());
            assertTrue(twice.head().contains("\r\nX-Before: 1\r\nContent-Type: " + type + "\r\nX-After: 2\r\n"),
                    twice.head());
            assertEquals("typed", twice.body());
        }
    }

    @Test
    void contentTypeRefusesALineBreak() throws Exception {
        try (Wire w = new Wire(server.address())) {
            Wire.Reply r = w.send("GET /bad-type HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
            assertEquals("refused: invalid character in the value of Content-Type", r.body());
            assertFalse(r.head().toLowerCase(java.util.Locale.ROOT).contains("x-injected"), r.head());
        }
    }

    @Test
    void keepAliveServesSeveralRequestsOnOneConnection() throws Exception {
        try (Wire w = new Wire(server.address())) {
            for (int i = 0; i < 3; i++) {
                assertEquals("Hello, World!", w.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().body());
            }
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (Wire w = new Wire(server.address())) {
            w.send("GET /users/1 HTTP/1.1\r\nHost: t\r\n\r\nPOST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\n"
                    + "abcGET /users/2?q=x%20y HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            assertEquals("user 1 q=null", w.readResponse().body());
            assertEquals("abc", w.readResponse().body());
            Wire.Reply last = w.readResponse();
            assertEquals("user 2 q=x y", last.body());
            assertTrue(last.hasField("connection: close"), last.head());
            assertEquals("", w.readToEnd(), "the server closed after Connection: close");
        }
    }

    @Test
    void chunkedRequestBodyIsDecoded() throws Exception {
        try (Wire w = new Wire(server.address())) {
            Wire.Reply r = w.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3;x=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: y\r\n\r\n").readResponse();
            assertEquals("abcde", r.body());
        }
    }

    @Test
    void streamedResponseIsChunked() throws Exception {
        try (Wire w = new Wire(server.address())) {
            Wire.Reply r = w.send("GET /stream HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
            assertTrue(r.hasField("transfer-encoding: chunked"), r.head());
            assertEquals("part1,part2", r.body());
        }
    }

    @Test
    void http10ClosesUnlessKeepAliveIsAsked() throws Exception {
        try (Wire w = new Wire(server.address())) {
            String all = w.send("GET /hello HTTP/1.0\r\n\r\n").readToEnd();
            assertTrue(all.startsWith("HTTP/1.0 200 OK\r\n"), all);
            assertTrue(all.contains("Connection: close\r\n"), all);
        }
        try (Wire w = new Wire(server.address())) {
            Wire.Reply r = w.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").readResponse();
            assertTrue(r.hasField("connection: keep-alive"), r.head());
            assertEquals(200, w.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").readResponse().status());
        }
    }

    @Test
    void headHasTheFieldsButNoBody() throws Exception {
        try (Wire w = new Wire(server.address())) {
            Wire.Reply r = w.send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n").readHeadResponse();
            assertEquals(200, r.status());
            assertTrue(r.hasField("content-length: 13"), r.head());
            assertEquals(200, w.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().status(),
                    "no stray body bytes between the responses");
        }
    }

    @Test
    void optionsAsteriskListsTheMethods() throws Exception {
        try (Wire w = new Wire(server.address())) {
            Wire.Reply r = w.send("OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
            assertEquals(204, r.status());
            assertTrue(r.hasField("allow: GET, HEAD, POST, OPTIONS"), r.head());
        }
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405WithAllow() throws Exception {
        try (Wire w = new Wire(server.address())) {
            assertEquals(404, w.send("GET /nope HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().status());
            Wire.Reply r = w.send("DELETE /hello HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
            assertEquals(405, r.status());
            assertTrue(r.hasField("allow: GET, HEAD"), r.head());
        }
    }

    @Test
    void handlerExceptionIs500AndTheConnectionLivesOn() throws Exception {
        try (Wire w = new Wire(server.address())) {
            assertEquals(500, w.send("GET /fail HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().status());
            assertEquals(200, w.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().status());
        }
    }

    @Test
    void expectContinueGets100ThenTheResponse() throws Exception {
        try (Wire w = new Wire(server.address())) {
            w.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n");
            assertEquals(100, w.readResponse().status());
            Wire.Reply r = w.send("hi").readResponse();
            assertEquals("hi", r.body());
        }
    }

    @Test
    void noContinueIsSentOnceTheResponseHasBegun() throws Exception {
        // RFC 9110 §10.1.1: a 100 after the final response's head would land inside its body. The client that
        // waits for a 100 sends the body after its own timeout; the head already says the connection closes.
        try (Wire w = new Wire(server.address())) {
            w.send("POST /flush-echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n");
            w.send("hi");
            String all = w.readToEnd();
            assertEquals(List.of(200), Wire.statuses(all), all);
            assertTrue(all.contains("\r\nConnection: close\r\n"), all);
            assertTrue(all.endsWith("\r\n\r\n2\r\nhi\r\n0\r\n\r\n"), all);
        }
    }

    @Test
    void headOfAStreamedRouteHasNoContentLength() throws Exception {
        // The GET is chunked: a HEAD's fields are the GET's (RFC 9110 §9.3.2), so no Content-Length: 0.
        try (Wire w = new Wire(server.address())) {
            Wire.Reply r = w.send("HEAD /stream HTTP/1.1\r\nHost: t\r\n\r\n").readHeadResponse();
            assertEquals(200, r.status());
            assertTrue(!r.hasField("content-length"), r.head());
            assertEquals(200, w.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().status());
        }
    }

    @Test
    void aStreamOpenedBeforeTheBodyIsReadStillGetsItsContinue() throws Exception {
        // Opening the stream sends nothing: the body read that follows still sends 100 Continue, the client sends
        // the body, and the exchange keeps the connection.
        try (Wire w = new Wire(server.address())) {
            w.send("POST /stream-echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n");
            assertEquals(100, w.readResponse().status());
            Wire.Reply r = w.send("hi").readResponse();
            assertEquals(200, r.status());
            assertEquals("hi", r.body());
            assertTrue(!r.hasField("connection: close"), r.head());
            assertEquals(200, w.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().status());
        }
    }

    /**
     * Each rejected request: the error status, Connection: close, and nothing after it — in particular no answer
     * to the bytes that followed (a smuggled second request would get one).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            CL and TE                | POST /echo HTTP/1.1\\r\\nHost: t\\r\\nContent-Length: 4\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\nGET /hello HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n | 400
            differing CL             | POST /echo HTTP/1.1\\r\\nHost: t\\r\\nContent-Length: 1\\r\\nContent-Length: 2\\r\\n\\r\\nxGET /hello HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n | 400
            TE not chunked-final     | POST /echo HTTP/1.1\\r\\nHost: t\\r\\nTransfer-Encoding: chunked, identity\\r\\n\\r\\n0\\r\\n\\r\\n | 400
            space before colon       | GET /hello HTTP/1.1\\r\\nHost: t\\r\\nX-A : 1\\r\\n\\r\\n | 400
            obs-fold                 | GET /hello HTTP/1.1\\r\\nHost: t\\r\\nX-A: 1\\r\\n 2\\r\\n\\r\\n | 400
            bare LF                  | GET /hello HTTP/1.1\\nHost: t\\n\\n | 400
            missing Host             | GET /hello HTTP/1.1\\r\\n\\r\\n | 400
            HTTP/2.0                 | GET /hello HTTP/2.0\\r\\nHost: t\\r\\n\\r\\n | 505
            invalid chunk size       | POST /echo HTTP/1.1\\r\\nHost: t\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\n | 400
            request-line over limit  | GET /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n | 414
            body over limit (CL)     | POST /echo HTTP/1.1\\r\\nHost: t\\r\\nContent-Length: 33\\r\\n\\r\\n | 413
            body over limit (chunks) | POST /echo HTTP/1.1\\r\\nHost: t\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n21\\r\\n | 413
            expectation unknown      | POST /echo HTTP/1.1\\r\\nHost: t\\r\\nContent-Length: 1\\r\\nExpect: magic\\r\\n\\r\\nx | 417
            """)
    void rejectedRequestGetsItsStatusCloseAndNothingMore(String rule, String raw, int status) throws Exception {
        try (Wire w = new Wire(server.address())) {
            String all = w.send(raw.trim().replace("\\r", "\r").replace("\\n", "\n")).readToEnd();
            assertEquals(List.of(status), Wire.statuses(all), rule + ": " + all);
            assertTrue(all.contains("\r\nConnection: close\r\n"), rule + ": " + all);
        }
    }

    @Test
    void limitsAreExactOneByteUnderAndOver() throws Exception {
        String under = "/" + "a".repeat(64 - "GET / HTTP/1.1".length()); // request-line of exactly 64 bytes
        try (Wire w = new Wire(server.address())) {
            assertEquals(404, w.send("GET " + under + " HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().status());
        }
        try (Wire w = new Wire(server.address())) {
            String all = w.send("GET " + under + "a HTTP/1.1\r\nHost: t\r\n\r\n").readToEnd();
            assertEquals(List.of(414), Wire.statuses(all));
        }
        try (Wire w = new Wire(server.address())) {
            assertEquals(32, w.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 32\r\n\r\n" + "x".repeat(32))
                    .readResponse().body().length());
        }
    }

    @Test
    void aRequestDeliveredOneByteAtATimeIsAnsweredTheSame() throws Exception {
        try (Wire w = new Wire(server.address())) {
            Wire.Reply r = w.sendBytewise("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3\r\nabc\r\n0\r\n\r\n").readResponse();
            assertEquals("abc", r.body());
        }
    }

    @Test
    void halfCloseAfterAFullRequestStillGetsTheResponse() throws Exception {
        try (Wire w = new Wire(server.address())) {
            w.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nok");
            w.shutdownOutput();
            String all = w.readToEnd();
            assertTrue(all.startsWith("HTTP/1.1 200 OK\r\n") && all.endsWith("\r\n\r\nok"), all);
        }
    }

    @Test
    void aSlowHeadIsCutWith408WhileOthersAreServed() throws Exception {
        try (Wire slow = new Wire(server.address()); Wire fast = new Wire(server.address())) {
            slow.send("GET /hello HTTP/1.1\r\nHo"); // and nothing more: the 500 ms head deadline runs
            long start = System.nanoTime();
            while (System.nanoTime() - start < Duration.ofMillis(800).toNanos()) {
                assertEquals(200, fast.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().status());
            }
            assertEquals(List.of(408), Wire.statuses(slow.readToEnd()));
        }
    }

    /** Property: a connection that ends gives its read buffer back to the pool (none allocated per connection). */
    @Test
    void aClosedConnectionGivesItsReadBufferBack() throws Exception {
        var fresh = new dev.weft.server.BufferPool();
        for (int i = 0; i < 8; i++) {
            dev.weft.server.BufferPool.SHARED.release(fresh.acquire()); // some free buffers, so a lost one shows
        }
        // the connections of earlier tests may still be finishing (their buffers coming back): wait until none is
        dev.weft.poller.TestThreads.awaitTrue(() -> server.stats().active() == 0, "no connection left");
        int before = dev.weft.server.BufferPool.SHARED.free();
        for (int i = 0; i < 5; i++) {
            try (Wire w = new Wire(server.address())) {
                // the server closes after its response: when the client sees the end, serve() has returned
                String all = w.send("GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").readToEnd();
                assertEquals(List.of(200), Wire.statuses(all));
            }
        }
        assertEquals(before, dev.weft.server.BufferPool.SHARED.free());
    }

    /** Property: a bodiless request reads an empty body on every exchange of a connection, between ones with bodies. */
    @Test
    void emptyBodiesStayEmptyAcrossAConnectionsExchanges() throws Exception {
        try (Wire w = new Wire(server.address())) {
            String empty = "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n";
            assertEquals("", w.send(empty).readResponse().body());
            assertEquals("", w.send(empty).readResponse().body());
            assertEquals("abc", w.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc")
                    .readResponse().body());
            assertEquals("", w.send("POST /echo HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().body());
        }
    }

    /** Property: a response sent before the request body arrives leaves the body intact, and the connection usable. */
    @Test
    void aBodyReadAfterItsResponseWasSentArrivesIntact() throws Exception {
        try (Wire w = new Wire(server.address())) {
            w.send("POST /answer-first HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n");
            assertEquals("answered", w.readResponse().body());
            w.send("0123456789");
            assertEquals("0123456789", READ_AFTER.poll(10, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals("Hello, World!", w.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().body());
        }
    }
}

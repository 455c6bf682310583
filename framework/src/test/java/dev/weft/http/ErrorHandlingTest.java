package dev.weft.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.poller.NoFdLeaks;
import dev.weft.testing.HttpServerTest;
import dev.weft.testing.SetUpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * No silent failures (issue 11, items 3, 4, 6, 8): every unhandled exception — an Error too — is logged once
 * and answered; exception handlers by type; error responses keep the filters' fields; handler bugs after the
 * response began are logged; a bad query escape is 400.
 */
@ExtendWith(NoFdLeaks.class)
@HttpServerTest
class ErrorHandlingTest {
    static final AtomicInteger errorRuns = new AtomicInteger();

    static class NotFound extends RuntimeException {
        NotFound(String what) {
            super(what);
        }
    }

    static class GoneForGood extends NotFound {
        GoneForGood(String what) {
            super(what);
        }
    }

    @SetUpServer
    static void routes(HttpServer.Builder server) {
        server.filter((req, res, next) -> {
                    res.header("X-Request-Id", "r-1");
                    next.proceed();
                })
                .get("/boom", (req, res) -> {
                    res.header("X-Half-Built", "yes");
                    throw new IllegalStateException("boom");
                })
                .get("/error", (req, res) -> {
                    errorRuns.incrementAndGet();
                    throw new AssertionError("an Error from a handler");
                })
                .get("/json-without-codec", (req, res) -> res.json(List.of(1)))
                .get("/things/{id}", (req, res) -> {
                    res.header("X-Half-Built", "yes");
                    throw req.pathParam("id").equals("old") ? new GoneForGood("old") : new NotFound(req.pathParam("id"));
                })
                .get("/handler-fails", (req, res) -> {
                    throw new UnsupportedOperationException("first");
                })
                .get("/twice", (req, res) -> {
                    res.send("once");
                    res.send("twice");
                })
                .get("/mid-stream", (req, res) -> {
                    var out = res.stream();
                    out.write("partial".getBytes());
                    out.flush();
                    throw new IllegalStateException("failed mid-stream");
                })
                .get("/before-flush", (req, res) -> {
                    res.header("X-Half-Built", "yes").stream().write("never sent".getBytes());
                    throw new IllegalStateException("failed before anything went out");
                })
                .get("/search", (req, res) -> res.send("q=" + req.queryParam("q")))
                .error(NotFound.class, (req, res, e) -> res.status(404).send("no thing " + e.getMessage()))
                .error(GoneForGood.class, (req, res, e) -> res.status(410).send("gone: " + e.getMessage()))
                .error(UnsupportedOperationException.class, (req, res, e) -> {
                    throw new IllegalStateException("the error handler fails too");
                });
    }

    @Test
    void anUnhandledExceptionIsLoggedOnceWithRouteMethodPathAndStackAndAnswered500(InetSocketAddress address)
            throws Exception {
        try (LogCapture log = new LogCapture("dev.weft.http"); Wire w = new Wire(address)) {
            Wire.Reply r = w.send("GET /boom HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
            assertEquals(500, r.status());
            LogRecord record = only(log.await(Level.SEVERE, 1));
            assertTrue(record.getMessage().contains("GET /boom (route /boom)"), record.getMessage());
            assertEquals("boom", record.getThrown().getMessage());
            assertTrue(record.getThrown().getStackTrace().length > 0);
            assertEquals("q=x", w.send("GET /search?q=x HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().body(),
                    "the connection lives on");
            assertEquals(1, log.atLeast(Level.SEVERE).size(), "logged once");
        }
    }

    @Test
    void aGetWhoseHandlerThrowsAnErrorIsAnswered500AndRunsOnceUnderTheJdkClient(URI uri) throws Exception {
        errorRuns.set(0);
        try (LogCapture log = new LogCapture("dev.weft.http"); HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri.resolve("/error")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(500, r.statusCode());
            assertEquals("close", r.headers().firstValue("connection").orElse(""), "an Error ends the connection");
            assertEquals(1, errorRuns.get(), "answered, so the client did not retry the GET");
            LogRecord record = only(log.await(Level.SEVERE, 1));
            assertTrue(record.getThrown() instanceof AssertionError);
        }
    }

    @Test
    void weftsOwnMessagesReachTheLog(InetSocketAddress address) throws Exception {
        try (LogCapture log = new LogCapture("dev.weft.http"); Wire w = new Wire(address)) {
            assertEquals(500, w.send("GET /json-without-codec HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().status());
            assertTrue(only(log.await(Level.SEVERE, 1)).getThrown().getMessage().contains("no JsonCodec configured"));
        }
    }

    @Test
    void theMostSpecificErrorHandlerAnswersAndTheFiltersFieldsStayWhileTheHandlersGo(InetSocketAddress address)
            throws Exception {
        try (LogCapture log = new LogCapture("dev.weft.http"); Wire w = new Wire(address)) {
            Wire.Reply missing = w.send("GET /things/7 HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
            assertEquals(404, missing.status());
            assertEquals("no thing 7", missing.body());
            Wire.Reply gone = w.send("GET /things/old HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
            assertEquals(410, gone.status(), "GoneForGood's handler, not its superclass's");
            for (Wire.Reply r : List.of(missing, gone, w.send("GET /boom HTTP/1.1\r\nHost: t\r\n\r\n").readResponse())) {
                assertTrue(r.hasField("x-request-id: r-1"), "the filter's field is kept: " + r.head());
                assertFalse(r.head().toLowerCase().contains("x-half-built"), "the handler's is dropped: " + r.head());
            }
            assertEquals(1, log.await(Level.SEVERE, 1).size(), "only the unhandled /boom is logged");
        }
    }

    @Test
    void anErrorHandlerThatThrowsGivesALogged500(InetSocketAddress address) throws Exception {
        try (LogCapture log = new LogCapture("dev.weft.http"); Wire w = new Wire(address)) {
            assertEquals(500, w.send("GET /handler-fails HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().status());
            LogRecord record = only(log.await(Level.SEVERE, 1));
            assertEquals("the error handler fails too", record.getThrown().getMessage());
            assertEquals("first", record.getThrown().getSuppressed()[0].getMessage());
        }
    }

    @Test
    void sendingTwiceIsLoggedOnceAsAHandlerBugAndTheFirstResponseStands(InetSocketAddress address) throws Exception {
        try (LogCapture log = new LogCapture("dev.weft.http"); Wire w = new Wire(address)) {
            String all = w.send("GET /twice HTTP/1.1\r\nHost: t\r\n\r\n").readToEnd();
            assertEquals(List.of(200), Wire.statuses(all), all);
            assertTrue(all.endsWith("once"), all);
            LogRecord record = only(log.await(Level.SEVERE, 1));
            assertTrue(record.getMessage().contains("handler bug in GET /twice"), record.getMessage());
            assertTrue(record.getThrown() instanceof IllegalStateException);
        }
    }

    @Test
    void throwingMidStreamIsLoggedAndCutsTheBodyWithoutItsLastChunk(InetSocketAddress address) throws Exception {
        try (LogCapture log = new LogCapture("dev.weft.http"); Wire w = new Wire(address)) {
            String all = w.send("GET /mid-stream HTTP/1.1\r\nHost: t\r\n\r\n").readToEnd();
            assertTrue(all.startsWith("HTTP/1.1 200 "), all);
            assertTrue(all.endsWith("7\r\npartial\r\n"), "no last chunk: the client sees a cut body: " + all);
            assertTrue(only(log.await(Level.SEVERE, 1)).getMessage().contains("handler bug in GET /mid-stream"));
        }
    }

    @Test
    void throwingAfterStreamBeganButBeforeAnythingWentOutIsAClean500(InetSocketAddress address) throws Exception {
        try (LogCapture log = new LogCapture("dev.weft.http"); Wire w = new Wire(address)) {
            Wire.Reply r = w.send("GET /before-flush HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
            assertEquals(500, r.status());
            assertFalse(r.body().contains("never sent"), r.body());
            assertFalse(r.head().toLowerCase().contains("x-half-built"), r.head());
            assertEquals(1, log.await(Level.SEVERE, 1).size());
        }
    }

    @Test
    void aMalformedQueryEscapeIs400AndNotLogged(InetSocketAddress address) throws Exception {
        try (LogCapture log = new LogCapture("dev.weft.http"); Wire w = new Wire(address)) {
            Wire.Reply r = w.send("GET /search?q=%zz HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
            assertEquals(400, r.status());
            assertTrue(r.body().contains("malformed percent-encoding in the query"), r.body());
            assertEquals("q=a b", w.send("GET /search?q=a%20b HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().body());
            assertEquals(0, log.atLeast(Level.WARNING).size(), "a client's fault, not a server bug");
        }
    }

    @Test
    void nullBuilderOptionsAreRejectedAtTheCallNamingTheOption() {
        HttpServer.Builder b = HttpServer.builder();
        assertEquals("errorStatus", assertThrows(NullPointerException.class, () -> b.errorStatus(null)).getMessage());
        assertEquals("limits", assertThrows(NullPointerException.class, () -> b.limits(null)).getMessage());
        assertEquals("filter", assertThrows(NullPointerException.class, () -> b.filter(null)).getMessage());
        assertEquals("json", assertThrows(NullPointerException.class, () -> b.json(null)).getMessage());
        assertEquals("observer", assertThrows(NullPointerException.class, () -> b.observer(null)).getMessage());
        assertEquals("handler", assertThrows(NullPointerException.class, () -> b.get("/x", null)).getMessage());
        assertEquals("error handler",
                assertThrows(NullPointerException.class, () -> b.error(RuntimeException.class, null)).getMessage());
        assertEquals("rules", assertThrows(NullPointerException.class, () -> b.group("/g", null)).getMessage());
    }

    private static LogRecord only(List<LogRecord> records) {
        assertEquals(1, records.size(), () -> records.stream().map(LogRecord::getMessage).toList().toString());
        assertNotNull(records.getFirst());
        return records.getFirst();
    }
}

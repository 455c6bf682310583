package dev.weft.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.poller.NoFdLeaks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a handler does with (or without) the body never lets the bytes after a request be misread, and never
 * makes the server answer a request twice or answer one it should not. Found by review; each case reproduced
 * a defect before its fix.
 */
@ExtendWith(NoFdLeaks.class)
class HttpRobustnessTest {
    private static HttpServer server;

    @BeforeAll
    static void start() throws Exception {
        server = HttpServer.builder()
                .post("/swallow", (req, res) -> {
                    try {
                        req.bodyBytes();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e); // the body's error escapes as something else
                    }
                    res.send("read");
                })
                .post("/ignore", (req, res) -> res.send("ignored"))
                .get("/secret", (req, res) -> res.send("SMUGGLED"))
                .get("/nothing", (req, res) -> {
                    try (var out = res.status(204).stream()) {
                        out.write("x".getBytes());
                    }
                })
                .get("/leak", (req, res) -> {
                    res.header("X-Leak", "half-built");
                    throw new IllegalStateException("boom");
                })
                .get("/odd-status", (req, res) -> {
                    throw new ArithmeticException();
                })
                .get("/users/{id}", (req, res) -> res.send("id=" + req.pathParam("id")))
                .errorStatus(e -> e instanceof ArithmeticException ? 42 : null)
                .limits(new HttpLimits(1024, 4096, 50, 1 << 20, Duration.ofSeconds(5), Duration.ofSeconds(5), 4096))
                .port(0).start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aBrokenChunkedBodyIsNeverReadTwiceSoWhatFollowsItIsNeverAnswered() throws Exception {
        try (Wire w = new Wire(server.address())) {
            String all = w.send("POST /swallow HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n"
                    + "GET /secret HTTP/1.1\r\nHost: t\r\n\r\n").readToEnd();
            assertEquals(List.of(400), Wire.statuses(all), "the body's own fault, though the handler wrapped it");
            assertTrue(all.contains("\r\nConnection: close\r\n"), all);
            assertFalse(all.contains("SMUGGLED"), all);
        }
    }

    @Test
    void aBadBodyFoundAfterTheResponseClosesWithoutASecondResponse() throws Exception {
        try (Wire w = new Wire(server.address())) {
            String all = w.send("POST /ignore HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n\r\n"
                    + "GET /secret HTTP/1.1\r\nHost: t\r\n\r\n").readToEnd();
            assertEquals(List.of(200), Wire.statuses(all), all);
            assertFalse(all.contains("SMUGGLED"), all);
        }
    }

    @Test
    void aStreamed204HasNoBodyAndNoFraming() throws Exception {
        try (Wire w = new Wire(server.address())) {
            Wire.Reply r = w.send("GET /nothing HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
            assertEquals(204, r.status());
            assertFalse(r.head().toLowerCase().contains("transfer-encoding"), r.head());
            assertEquals("id=7", w.send("GET /users/7 HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().body(),
                    "no stray bytes before the next response");
        }
    }

    @Test
    void anUnreadBodyTooLargeToDrainIsAnnouncedAndTheResponseArrivesWhole() throws Exception {
        try (Wire w = new Wire(server.address())) {
            w.send("POST /ignore HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(50_000));
            Wire.Reply r = w.readResponse();
            assertEquals("ignored", r.body());
            assertTrue(r.hasField("connection: close"), r.head());
        }
    }

    @Test
    void anErrorResponseDropsWhatTheHandlerHadSetAndOddStatusesBecome500() throws Exception {
        try (Wire w = new Wire(server.address())) {
            Wire.Reply r = w.send("GET /leak HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
            assertEquals(500, r.status());
            assertFalse(r.head().toLowerCase().contains("x-leak"), r.head());
            assertEquals(500, w.send("GET /odd-status HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().status());
        }
    }

    @Test
    void aMalformedPercentEncodingInThePathIs400AndThePlusSignStays() throws Exception {
        try (Wire w = new Wire(server.address())) {
            assertEquals(400, w.send("GET /users/%zz HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().status());
            assertEquals("id=a+b c", w.send("GET /users/a+b%20c HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().body());
        }
    }
}

package dev.weft.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.poller.NoFdLeaks;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A whole response on a connection that closes after it ends with the connection's FIN in its last segment
 * (MSG_MORE, then close), and a handler that keeps running after sending one does not keep it from the client.
 * Segments are counted on the client's socket ({@link TcpSegments}).
 */
@ExtendWith(NoFdLeaks.class)
class LastSegmentTest {
    private static final CountDownLatch CLIENT_HAS_IT = new CountDownLatch(1);
    private static final AtomicBoolean HANDLER_RETURNED = new AtomicBoolean();
    private static HttpServer server;

    @BeforeAll
    static void start() throws Exception {
        server = HttpServer.builder()
                .get("/whole", (req, res) -> res.send("Hello, World!"))
                .get("/streamed", (req, res) -> {
                    try (var out = res.stream()) {
                        out.write("Hello, World!".getBytes(StandardCharsets.US_ASCII));
                    }
                })
                .get("/then-work", (req, res) -> {
                    res.send("early");
                    CLIENT_HAS_IT.await(30, TimeUnit.SECONDS); // "work" that lasts until the client has the response
                    HANDLER_RETURNED.set(true);
                })
                .port(0)
                .start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /**
     * Property: the FIN rides in the response's last segment — the client receives one segment without data
     * fewer for a whole response than for a streamed one (written before the handler returns, FIN on its own).
     * Minimum of several exchanges each: an occasional extra acknowledgement does not decide it.
     */
    @Test
    void aClosingResponsesFinTravelsWithItsLastBytes() throws Exception {
        int whole = Integer.MAX_VALUE;
        int streamed = Integer.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            whole = Math.min(whole, TcpSegments.withoutData(server.address(), "/whole", "Hello, World!"));
            streamed = Math.min(streamed, TcpSegments.withoutData(server.address(), "/streamed", "Hello, World!"));
        }
        assertEquals(streamed - 1, whole, "segments without data: whole " + whole + ", streamed " + streamed);
    }

    /** Property: a response held for the FIN still reaches the client while its handler is running. */
    @Test
    void aHandlerStillRunningDoesNotHoldItsResponseBack() throws Exception {
        try (Wire w = new Wire(server.address())) {
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

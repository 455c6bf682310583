package dev.weft.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.poller.NoFdLeaks;
import dev.weft.poller.sys.Sockets;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A whole response on a connection that closes after it ends with the connection's FIN in its last segment
 * (MSG_MORE, then close), and a handler that keeps running after sending one does not keep it from the client.
 * Segments are counted on the client's socket (TCP_INFO), found through /proc by its local port.
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
            whole = Math.min(whole, segmentsWithoutData("/whole"));
            streamed = Math.min(streamed, segmentsWithoutData("/streamed"));
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

    /** One exchange with "Connection: close", read to the server's FIN: segments received without data. */
    private static int segmentsWithoutData(String path) throws IOException {
        try (Socket s = new Socket(server.address().getAddress(), server.address().getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(reply.startsWith("HTTP/1.1 200") && reply.contains("Hello, World!"), reply);
            int[] segments = tcpInfoSegmentsIn(fdOf(s));
            return segments[0] - segments[1];
        }
    }

    /**
     * struct tcp_info (linux/tcp.h, fields only ever appended): tcpi_segs_in at byte 140, tcpi_data_segs_in at
     * 152 (Linux 4.6 and later).
     */
    private static int[] tcpInfoSegmentsIn(int fd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(256);
            int length = Sockets.get(fd, Sockets.IPPROTO_TCP, Sockets.TCP_INFO, info);
            assumeTrue(length >= 156, "tcp_info without tcpi_data_segs_in");
            return new int[] {info.get(ValueLayout.JAVA_INT, 140), info.get(ValueLayout.JAVA_INT, 152)};
        }
    }

    /** This process's fd for a connected java.net.Socket: its inode from /proc/net/tcp(6), then /proc/self/fd. */
    private static int fdOf(Socket s) throws IOException {
        String local = String.format(":%04X", s.getLocalPort());
        String remote = String.format(":%04X", s.getPort());
        String inode = null;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) { // the JDK's sockets are often IPv6 ones
            for (String line : Files.readAllLines(Path.of(table))) {
                List<String> f = List.of(line.trim().split("\\s+"));
                if (f.size() > 9 && f.get(1).endsWith(local) && f.get(2).endsWith(remote)) {
                    inode = f.get(9);
                }
            }
        }
        assertTrue(inode != null, "no /proc/net/tcp line for the client's socket");
        String link = "socket:[" + inode + "]";
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(p).toString().equals(link)) {
                        return Integer.parseInt(p.getFileName().toString());
                    }
                } catch (IOException gone) {
                    // an fd closed while we looked (another test's)
                }
            }
        }
        throw new AssertionError("no fd of this process links to " + link);
    }
}

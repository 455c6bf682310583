package dev.weft.http;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.poller.sys.Sockets;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Counts the TCP segments a client receives in one exchange, from its socket's TCP_INFO (Linux). Shared with
 * framework/helidon's tests through the test-jar.
 */
public final class TcpSegments {
    private TcpSegments() {}

    /**
     * One GET with "Connection: close", read to the server's FIN: the segments the client received without data
     * (SYN-ACK, acknowledgements, a FIN of its own). The response must contain {@code expected}.
     */
    public static int withoutData(InetSocketAddress server, String path, String expected) throws IOException {
        try (Socket s = new Socket(server.getAddress(), server.getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(reply.startsWith("HTTP/1.1 200") && reply.contains(expected), reply);
            int[] segments = segmentsIn(fdOf(s));
            return segments[0] - segments[1];
        }
    }

    /**
     * struct tcp_info (linux/tcp.h, fields only ever appended): tcpi_segs_in at byte 140, tcpi_data_segs_in at
     * 152 (Linux 4.6 and later).
     */
    private static int[] segmentsIn(int fd) throws IOException {
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

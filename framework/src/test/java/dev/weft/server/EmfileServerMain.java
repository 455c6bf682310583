package dev.weft.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The server {@link EmfileTest} runs in a child JVM under a low fd limit: one acceptor, one poll set, no
 * TCP_DEFER_ACCEPT, no practical connection cap (so running out of fds, not the cap, is what stops accepting).
 *
 * <p>Protocol: a client that sends the 5 bytes {@code STATS} gets one line of counters back
 * ({@code accepted=… active=… closed=… rejected=… acceptBackoffEpisodes=…\n}); any other bytes are echoed.
 * Prints {@code PORT <n>} on stdout once listening; closes the server and exits when stdin reaches end of file.
 */
public final class EmfileServerMain {
    static final byte[] STATS = "STATS".getBytes(StandardCharsets.US_ASCII);

    private static volatile Server server;

    private EmfileServerMain() {}

    public static void main(String[] args) throws IOException {
        server = Server.builder().port(0).acceptors(1).pollerSets(1).deferAccept(false).maxConnections(100_000)
                .start(EmfileServerMain::serve);
        // Nothing else is preloaded: what the server's failure paths need must be loaded by its own start-up.
        System.out.println("PORT " + server.address().getPort());
        System.out.flush();
        InputStream stdin = System.in;
        while (stdin.read() >= 0) {
            // the parent closes stdin to stop us
        }
        server.close();
        System.err.println("closed: " + statsLine().strip());
    }

    /** STATS answers the counters; any other bytes are echoed (a read that is a prefix of STATS waits for more). */
    private static void serve(Connection connection) throws IOException {
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        for (;;) {
            connection.awaitReadable();
            int n = connection.read(buffer, 0, buffer.length);
            if (n < 0) {
                return;
            }
            pending.write(buffer, 0, n);
            byte[] bytes = pending.toByteArray();
            if (Arrays.equals(bytes, STATS)) {
                byte[] line = statsLine().getBytes(StandardCharsets.US_ASCII);
                connection.write(line, 0, line.length);
            } else if (bytes.length < STATS.length && Arrays.equals(bytes, 0, bytes.length, STATS, 0, bytes.length)) {
                continue; // "STA" so far: wait for the rest
            } else {
                connection.write(bytes, 0, bytes.length);
            }
            pending.reset();
        }
    }

    static String statsLine() {
        ServerStats s = server.stats();
        return "accepted=" + s.accepted() + " active=" + s.active() + " closed=" + s.closed() + " rejected="
                + s.rejected() + " acceptBackoffEpisodes=" + s.acceptBackoffEpisodes() + "\n";
    }
}

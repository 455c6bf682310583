package dev.weft.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.poller.NoFdLeaks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * EMFILE survival: a server in a child JVM under {@code ulimit -n 128} is run out of fds by more clients than
 * it can hold; its acceptor backs off while the connection it already has is still served, and once the
 * clients go away it accepts again by itself, every queued connection included.
 *
 * <p>The child starts as a real process does: from this test's class path (jars or class directories, as the
 * build has them), with nothing loaded but what the server's own start-up loads — no log line, no time-zone
 * data, no class of the failure paths touched beforehand (issue 10, defect A: the acceptor's first back-off
 * warning opened tzdb.dat with no fd left, and the Error ended the acceptor for good).
 */
@ExtendWith(NoFdLeaks.class)
class EmfileTest {
    /** The child's fd limit; the JVM itself holds a few dozen of them. */
    private static final int FD_LIMIT = 128;
    /** Clients opened at once: more than the child can hold, fewer than its listen backlog (none is dropped). */
    private static final int EXTRA_CLIENTS = 200;
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(30);

    @Test
    void runningOutOfFdsPausesAcceptingOnlyAndAcceptingResumesWhenFdsAreFreed() throws Exception {
        Path dir = Files.createTempDirectory("weft-emfile-test");
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder("bash", "-c", "ulimit -n " + FD_LIMIT + " && exec \"$0\" \"$@\"",
                java, "--enable-native-access=ALL-UNNAMED", "-ea", "-cp", System.getProperty("java.class.path"),
                EmfileServerMain.class.getName())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        List<Socket> extras = new ArrayList<>();
        try {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    awaitPort(child, out));
            try (Socket survivor = Clients.connect(address)) {
                // a. The survivor is served before the fds run out.
                assertEcho(survivor, "before");
                Map<String, Long> before = stats(survivor);
                assertEquals(0, before.get("acceptBackoffEpisodes"), "no back-off yet: " + before);

                // b. More clients than the child has fds. Each connect completes from the listen backlog even
                // when the server cannot accept it, so exhaustion shows in the server's own counter.
                for (int i = 0; i < EXTRA_CLIENTS; i++) {
                    Socket s = Clients.connect(address);
                    extras.add(s);
                    s.getOutputStream().write('x');
                }
                Map<String, Long> exhausted = awaitStats(survivor, s -> s.get("acceptBackoffEpisodes") >= 1,
                        "the acceptor never ran out of fds");

                // c. Out of fds, the connection the server already has is still served, round trip after round
                // trip, and the clients it could not take are still queued (all of them are still open).
                for (int i = 0; i < 10; i++) {
                    assertEcho(survivor, "during " + i);
                }
                Map<String, Long> during = stats(survivor);
                assertTrue(during.get("accepted") < 1 + EXTRA_CLIENTS,
                        "the server could not have accepted every client under ulimit -n " + FD_LIMIT + ": " + during);
                assertEquals(0, during.get("rejected"), "nothing was refused by the connection cap: " + during);

                // d. The clients go; accepting resumes by itself: a new connection is answered, and every
                // connection that waited in the backlog was accepted and finished (none lost).
                for (Socket s : extras) {
                    s.close();
                }
                extras.clear();
                try (Socket fresh = Clients.connect(address)) {
                    assertEcho(fresh, "after");
                    Map<String, Long> after = awaitStats(survivor,
                            s -> s.get("accepted") == 2 + EXTRA_CLIENTS && s.get("active") == 2,
                            "every queued connection accepted and finished, the survivor and the new one open");
                    assertTrue(after.get("accepted") > exhausted.get("accepted"), "accepting resumed: " + after);
                    assertEcho(survivor, "still");
                    System.out.println("EMFILE survival: before [" + before + "] exhausted [" + exhausted
                            + "] during [" + during + "] after [" + after + "]");
                }
            }

            // e. End of stdin: the child closes its server and exits cleanly.
            child.getOutputStream().close();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not exit after its stdin closed");
            assertEquals(0, child.exitValue(), "the child's exit code");

            // f. The back-off was logged — with no fd left, through a formatter that needed the time-zone data
            // preloaded at start — and no thread died of it (issue 10, defect A: the log line's Error used to end
            // the acceptor).
            String log = readQuietly(err);
            assertTrue(log.contains("accept is out of resources (EMFILE); backing off"),
                    "the back-off was not logged:\n" + log);
            assertTrue(log.contains("accept resumed"), "the resumption was not logged:\n" + log);
            assertFalse(log.contains("Exception in thread"), "a thread died:\n" + log);
        } catch (Throwable t) {
            t.addSuppressed(new AssertionError("child stderr:\n" + readQuietly(err)));
            throw t;
        } finally {
            for (Socket s : extras) {
                s.close();
            }
            if (child.isAlive()) {
                child.destroyForcibly();
                child.waitFor(30, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            Files.deleteIfExists(dir);
        }
    }

    /** Waits (bounded) for the child's "PORT n" line; fails at once if the child ends first. */
    private static int awaitPort(Process child, Path out) throws IOException {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        for (;;) {
            for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
                if (line.startsWith("PORT ")) {
                    return Integer.parseInt(line.substring(5).strip());
                }
            }
            if (!child.isAlive()) {
                fail("the child exited with " + child.exitValue() + " before listening");
            }
            assertTrue(System.nanoTime() < deadline, "the child never printed its port");
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    private static void assertEcho(Socket s, String text) throws IOException {
        byte[] message = text.getBytes(StandardCharsets.US_ASCII);
        s.getOutputStream().write(message);
        assertArrayEquals(message, Clients.readExactly(s, message.length), "echo of \"" + text + "\"");
    }

    /** One STATS round trip: the child's counters by name. */
    private static Map<String, Long> stats(Socket s) throws IOException {
        s.getOutputStream().write(EmfileServerMain.STATS);
        InputStream in = s.getInputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0 || line.size() > 1_000) {
                throw new IOException("no stats line, got \"" + line.toString(StandardCharsets.US_ASCII) + "\"");
            }
            line.write(b);
        }
        Map<String, Long> stats = new TreeMap<>();
        for (String field : line.toString(StandardCharsets.US_ASCII).split(" ")) {
            int eq = field.indexOf('=');
            stats.put(field.substring(0, eq), Long.parseLong(field.substring(eq + 1)));
        }
        return stats;
    }

    /** Polls the counters over {@code s} until {@code condition} holds (bounded); every poll is a served round trip. */
    private static Map<String, Long> awaitStats(Socket s, Predicate<Map<String, Long>> condition, String what)
            throws IOException {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        for (;;) {
            Map<String, Long> stats = stats(s);
            if (condition.test(stats)) {
                return stats;
            }
            assertTrue(System.nanoTime() < deadline, what + ": " + stats);
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return "(unreadable: " + e + ")";
        }
    }
}

package dev.weft.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.poller.LogCapture;
import dev.weft.poller.NoFdLeaks;
import dev.weft.poller.PollerMode;
import dev.weft.poller.PollerTesting;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The server's failure paths (issue 10): a connection whose thread cannot start (defect 3), an acceptor that
 * cannot start (defect 4), a poll set that dies (poller defect 2), every set dying (the server fails loudly).
 * Nothing may leave a process that looks alive but has stopped serving.
 */
@ExtendWith(NoFdLeaks.class)
class ServerFailureTest {

    /**
     * Defect 3: the per-connection thread fails to start (OutOfMemoryError). The connection is closed and
     * counted, its slot freed (so shutdown does not wait the grace for it), and the acceptor backs off and
     * keeps accepting — even with a log handler that throws on every record (the back-off's warning must not
     * end the acceptor either: defect A's guard).
     */
    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void aConnectionWhoseThreadCannotStartIsClosedCountedAndAcceptingGoesOn(PollerMode mode) throws Exception {
        AtomicInteger connectionStarts = new AtomicInteger();
        ThreadStarts failFirstConnection = thread -> {
            if (thread.getName().startsWith("weft-conn-") && connectionStarts.incrementAndGet() == 1) {
                throw new OutOfMemoryError("injected: unable to create a thread");
            }
            thread.start();
        };
        try (BrokenLogHandler broken = new BrokenLogHandler(Acceptor.class.getName());
             Server server = Server.builder().port(0).acceptors(1).pollerSets(1).pollerMode(mode)
                     .shutdownGrace(Duration.ofSeconds(30)).threadStarts(failFirstConnection).start(Handlers.ECHO)) {
            try (Socket first = Clients.connect(server.address())) {
                first.getOutputStream().write(1);
                assertEquals(-1, readOrReset(first), "the connection that got no thread is closed");
            }
            assertArrayEquals(new byte[] {2}, Clients.echo(server.address(), new byte[] {2}), "still accepting");
            ServerStats stats = server.stats();
            assertEquals(1, stats.dropped(), stats.toString());
            assertEquals(1, stats.acceptBackoffEpisodes(), stats.toString());
            TcpServerTest.awaitActive(server, 0);
            assertTrue(broken.calls.get() > 0, "the acceptor logged (and the handler threw) at least once");
            long start = System.nanoTime();
            server.close();
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15),
                    "close() waited for a connection nobody serves");
        }
    }

    /**
     * Defect 4: the second acceptor's start fails. start() throws that failure, and leaves nothing: the first
     * acceptor's thread ended, the listeners closed (the port can be bound again), the poller closed (the
     * class's fd check).
     */
    @Test
    void anAcceptorThatCannotStartLeavesNothingBehind() throws Exception {
        int port = freePort();
        List<Thread> started = new CopyOnWriteArrayList<>();
        OutOfMemoryError injected = new OutOfMemoryError("injected: unable to create a thread");
        ThreadStarts failSecondAcceptor = thread -> {
            if (thread.getName().equals("weft-acceptor-1")) {
                throw injected;
            }
            started.add(thread);
            thread.start();
        };
        ServerBuilder builder = Server.builder().port(port).acceptors(2).pollerSets(2).threadStarts(failSecondAcceptor);
        OutOfMemoryError thrown = assertThrows(OutOfMemoryError.class, () -> builder.start(Handlers.ECHO));
        assertSame(injected, thrown);
        assertEquals(1, started.size());
        assertTrue(started.getFirst().join(Duration.ofSeconds(20)), "the started acceptor is still running");
        try (ServerSocket again = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            assertEquals(port, again.getLocalPort(), "the listeners were closed");
        }
    }

    /**
     * Poller defect 2 at the server: poll set 0 dies. Its death is logged and counted, every new connection is
     * registered in the live set and served there (the listeners are in no set: both acceptors go on), and the
     * server has not failed.
     */
    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void whenAPollSetDiesEveryConnectionIsServedByTheLiveSet(PollerMode mode) throws Exception {
        try (LogCapture pollerLog = new LogCapture("dev.weft.poller.Poller");
             Server server = Server.builder().port(0).acceptors(2).pollerSets(2).pollerMode(mode)
                     .start(Handlers.ECHO)) {
            PollerTesting.killSets(server.poller(), 0);
            for (int i = 0; i < 20; i++) { // the kernel spreads them over both listeners
                byte[] message = {(byte) i};
                assertArrayEquals(message, Clients.echo(server.address(), message), "connection " + i);
            }
            assertEquals(1, server.poller().stats().failedSets());
            assertNull(server.failure(), "one set still serves");
            assertEquals(1, pollerLog.count(Level.SEVERE, "its poller thread died"), pollerLog.text());
        }
    }

    /** Every poll set dead: the server says so once, stops accepting (refused, not hanging), and still closes. */
    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void whenEveryPollSetDiesTheServerFailsLoudly(PollerMode mode) throws Exception {
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        try (LogCapture serverLog = new LogCapture(Server.class.getName());
             LogCapture pollerLog = new LogCapture("dev.weft.poller.Poller")) {
            Server server = Server.builder().port(0).acceptors(2).pollerSets(2).pollerMode(mode)
                    .onFailure(reported::add).start(Handlers.ECHO);
            InetSocketAddress address = server.address();
            try (Socket before = Clients.connect(address)) {
                before.getOutputStream().write(1);
                Clients.readExactly(before, 1);
                PollerTesting.killSets(server.poller(), 0, 1);
                assertEquals(-1, readOrReset(before), "its connection ended with its set");
            } finally {
                awaitFailed(server);
                server.close();
            }
            assertEquals(1, reported.size(), "onFailure called once");
            assertSame(server.failure(), reported.getFirst());
            assertNotNull(server.poller().failure());
            assertTrue(server.stats().failed());
            assertEquals(1, serverLog.count(Level.SEVERE, "no longer accepts connections"), serverLog.text());
            assertThrows(ConnectException.class, () -> new Socket(address.getAddress(), address.getPort()).close(),
                    "a failed server refuses connections instead of queueing them");
            assertTrue(pollerLog.count(Level.SEVERE, "weft poller failed") == 1, pollerLog.text());
        }
    }

    private static void awaitFailed(Server server) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!server.stats().failed()) {
            assertTrue(System.nanoTime() < deadline, "the server never failed");
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /** One read: -1 at end of stream, or a reset (the kernel may answer our unread byte with RST). */
    static int readOrReset(Socket s) throws IOException {
        try {
            return s.getInputStream().read();
        } catch (java.net.SocketException reset) {
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A log handler that throws on every record, installed on one logger for the test. */
    private static final class BrokenLogHandler extends LogCapture {
        final AtomicInteger calls = new AtomicInteger();

        BrokenLogHandler(String name) {
            super(name);
        }

        @Override
        public void publish(LogRecord record) {
            calls.incrementAndGet();
            throw new Error("injected: a log handler that cannot write");
        }
    }
}

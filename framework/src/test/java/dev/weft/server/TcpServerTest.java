package dev.weft.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.poller.NoFdLeaks;
import dev.weft.poller.TestThreads;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The TCP server's behaviour over real sockets on 127.0.0.1, in every shipped configuration. */
@ExtendWith(NoFdLeaks.class)
class TcpServerTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.weft.server.ServerModes#all")
    void echoRoundTrip(ServerModes.Mode mode) throws Exception {
        try (Server server = mode.builder().start(Handlers.ECHO)) {
            byte[] message = "hello, weft".getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(message, Clients.echo(server.address(), message));
        }
    }

    /** A part of an array, a prefix of a segment and a prefix before close send those bytes, counted as sent. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.weft.server.ServerModes#all")
    void partsAndPrefixesSendExactlyTheirBytes(ServerModes.Mode mode) throws Exception {
        ConnectionHandler parts = connection -> {
            connection.write("xxHELLOyy".getBytes(StandardCharsets.US_ASCII), 2, 5);
            connection.write(java.lang.foreign.MemorySegment.ofArray(", weft!!!".getBytes(StandardCharsets.US_ASCII)),
                    6);
            connection.writeBeforeClose(java.lang.foreign.MemorySegment.ofArray(
                    "; bye---".getBytes(StandardCharsets.US_ASCII)), 5);
        };
        try (Server server = mode.builder().start(parts)) {
            try (Socket s = Clients.connect(server.address())) {
                assertEquals("HELLO, weft; bye", new String(Clients.readToEnd(s), StandardCharsets.US_ASCII));
            }
            awaitActive(server, 0);
            assertEquals(16, server.stats().bytesOut());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.weft.server.ServerModes#all")
    void manyShortConnectionsAreAllAnsweredAndLeaveNoFdOpen(ServerModes.Mode mode) throws Exception {
        int clients = 4;
        int perClient = TestThreads.rounds(250);
        try (Server server = mode.builder().start(Handlers.ECHO)) {
            try (TestThreads threads = new TestThreads()) {
                for (int c = 0; c < clients; c++) {
                    int id = c;
                    threads.platform("client-" + c, () -> {
                        for (int i = 0; i < perClient; i++) {
                            byte[] message = ("client " + id + " request " + i).getBytes(StandardCharsets.UTF_8);
                            assertArrayEquals(message, Clients.echo(server.address(), message));
                        }
                    });
                }
            }
            awaitActive(server, 0);
            ServerStats stats = server.stats();
            assertEquals(clients * perClient, stats.accepted());
            assertEquals(clients * perClient, stats.closed());
            assertEquals(0, server.poller().stats().liveItems(), "no item left (listeners are never registered)");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.weft.server.ServerModes#all")
    void peerHalfCloseAfterSendingStillGetsTheResponse(ServerModes.Mode mode) throws Exception {
        ConnectionHandler readAllThenAnswer = connection -> {
            byte[] request = connection.input().readAllBytes(); // until the peer's FIN
            connection.write(("got " + request.length).getBytes(StandardCharsets.UTF_8), 0, 4 + digits(request.length));
        };
        try (Server server = mode.builder().start(readAllThenAnswer);
             Socket s = Clients.connect(server.address())) {
            s.getOutputStream().write(new byte[10_000]);
            s.shutdownOutput();
            assertEquals("got 10000", new String(Clients.readToEnd(s), StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.weft.server.ServerModes#all")
    void peerResetMidWriteEndsOnlyThatConnection(ServerModes.Mode mode) throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        ConnectionHandler flood = connection -> {
            connection.awaitReadable();
            connection.read(new byte[1], 0, 1);
            writing.countDown();
            byte[] chunk = new byte[64 * 1024];
            for (;;) {
                connection.write(chunk, 0, chunk.length); // until the reset makes it fail
            }
        };
        try (Server server = mode.builder().start(flood)) {
            try (Socket s = Clients.connect(server.address())) {
                s.getOutputStream().write(1);
                assertTrue(writing.await(20, TimeUnit.SECONDS));
                s.setSoLinger(true, 0); // close sends RST
            }
            awaitAccepted(server, 1);
            awaitActive(server, 0);
            assertEquals(1, server.stats().closed());
            try (Socket s = Clients.connect(server.address())) { // still serving
                s.getOutputStream().write(1);
                assertEquals(64 * 1024, Clients.readExactly(s, 64 * 1024).length);
                s.setSoLinger(true, 0);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.weft.server.ServerModes#all")
    void peerResetMidReadEndsOnlyThatConnection(ServerModes.Mode mode) throws Exception {
        try (Server server = mode.builder().start(Handlers.ECHO)) {
            try (Socket s = Clients.connect(server.address())) {
                s.getOutputStream().write("partial".getBytes(StandardCharsets.UTF_8));
                Clients.readExactly(s, 7);
                s.setSoLinger(true, 0);
            }
            awaitAccepted(server, 1);
            awaitActive(server, 0);
            assertArrayEquals(new byte[] {42}, Clients.echo(server.address(), new byte[] {42}));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.weft.server.ServerModes#all")
    void idleTimeoutCutsOnlyTheIdleConnection(ServerModes.Mode mode) throws Exception {
        try (Server server = mode.builder().idleTimeout(Duration.ofMillis(300)).start(Handlers.ECHO);
             Socket idle = Clients.connect(server.address())) {
            idle.getOutputStream().write(1);           // one exchange, then silence
            Clients.readExactly(idle, 1);
            long start = System.nanoTime();
            while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(900)) {
                // a busy neighbour, served the whole time (each round trip resets only its own clock)
                assertArrayEquals(new byte[] {7}, Clients.echo(server.address(), new byte[] {7}));
            }
            assertEquals(-1, idle.getInputStream().read(), "the idle connection was closed by the server");
            awaitActive(server, 0);
            assertEquals(1, server.stats().timeouts());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.weft.server.ServerModes#all")
    void readTimeoutCutsAPeerThatStallsMidExchange(ServerModes.Mode mode) throws Exception {
        ConnectionHandler twoBytesAtATime = connection -> {
            byte[] request = new byte[2];
            for (;;) {
                int got = 0;
                while (got < 2) { // the first read waits under idleTimeout, the second under readTimeout
                    int n = connection.read(request, got, 2 - got);
                    if (n < 0) {
                        return;
                    }
                    got += n;
                }
                connection.write(request, 0, 2);
            }
        };
        try (Server server = mode.builder().idleTimeout(Duration.ofSeconds(30)).readTimeout(Duration.ofMillis(300))
                .start(twoBytesAtATime);
             Socket s = Clients.connect(server.address())) {
            s.getOutputStream().write(new byte[] {1, 2});
            Clients.readExactly(s, 2);               // a whole exchange: fine
            s.getOutputStream().write(new byte[] {3}); // half a request, then nothing
            assertEquals(-1, s.getInputStream().read(), "cut by the read timeout, long before the idle timeout");
            awaitActive(server, 0);
            assertEquals(1, server.stats().timeouts());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.weft.server.ServerModes#all")
    void writeTimeoutCutsAPeerThatNeverReads(ServerModes.Mode mode) throws Exception {
        ConnectionHandler floodOrEcho = connection -> {
            connection.awaitReadable();
            byte[] first = new byte[1];
            connection.read(first, 0, 1);
            if (first[0] == 5) {
                connection.write(first, 0, 1); // the neighbour: a plain echo
                return;
            }
            byte[] chunk = new byte[64 * 1024];
            for (;;) {
                connection.write(chunk, 0, chunk.length);
            }
        };
        try (Server server = mode.builder().writeTimeout(Duration.ofMillis(300)).start(floodOrEcho);
             Socket stalled = Clients.connect(server.address())) {
            stalled.setReceiveBufferSize(4096);
            stalled.getOutputStream().write(1); // and never read
            awaitAccepted(server, 1);
            awaitActive(server, 0);
            assertEquals(1, server.stats().timeouts());
            assertArrayEquals(new byte[] {5}, Clients.echo(server.address(), new byte[] {5}), "others still served");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.weft.server.ServerModes#all")
    void connectionsOverTheCapAreClosedAtOnceAndCounted(ServerModes.Mode mode) throws Exception {
        try (Server server = mode.builder().maxConnections(2).start(Handlers.ECHO);
             Socket a = Clients.connect(server.address());
             Socket b = Clients.connect(server.address())) {
            a.getOutputStream().write(1);
            b.getOutputStream().write(2);
            Clients.readExactly(a, 1);
            Clients.readExactly(b, 1); // both admitted and served
            try (Socket c = Clients.connect(server.address())) {
                c.getOutputStream().write(3); // with TCP_DEFER_ACCEPT the server accepts only after data
                InputStream in = c.getInputStream();
                int r;
                try {
                    r = in.read();
                } catch (SocketException reset) {
                    r = -1; // closed with our byte unread: the kernel may answer with RST
                }
                assertEquals(-1, r, "the third connection is closed without an answer");
            }
            assertEquals(1, server.stats().rejected());
            a.close();
            awaitActive(server, 1);
            assertArrayEquals(new byte[] {4}, Clients.echo(server.address(), new byte[] {4}), "a slot freed up");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.weft.server.ServerModes#all")
    void gracefulCloseLetsAnInFlightExchangeFinish(ServerModes.Mode mode) throws Exception {
        CountDownLatch received = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ConnectionHandler slow = connection -> {
            connection.awaitReadable();
            connection.read(new byte[1], 0, 1);
            received.countDown();
            release.await();
            connection.write(new byte[] {9}, 0, 1);
        };
        Server server = mode.builder().shutdownGrace(Duration.ofSeconds(20)).start(slow);
        try (Socket s = Clients.connect(server.address()); TestThreads threads = new TestThreads()) {
            s.getOutputStream().write(1);
            assertTrue(received.await(20, TimeUnit.SECONDS));
            Thread closer = threads.platform("close", server::close);
            awaitListenersClosed(server);
            assertTrue(closer.isAlive(), "close() waits for the in-flight exchange");
            release.countDown();
            assertEquals(9, s.getInputStream().read(), "the in-flight response still went out");
        }
        assertEquals(0, server.stats().active());
        assertThrows(IOException.class, () -> Clients.connect(server.address()), "no longer accepting");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.weft.server.ServerModes#all")
    void closeWithThousandsOfOpenConnectionsEndsThemAllAndLeavesNoThread(ServerModes.Mode mode) throws Exception {
        int n = 2_000;
        Socket[] clients = new Socket[n];
        Server server = mode.builder().shutdownGrace(Duration.ofMillis(200)).start(Handlers.ECHO);
        try {
            for (int i = 0; i < n; i++) {
                clients[i] = Clients.connect(server.address());
                clients[i].getOutputStream().write(1);
            }
            for (Socket c : clients) {
                Clients.readExactly(c, 1); // every connection admitted and parked in the idle wait
            }
            assertEquals(n, server.stats().active());
            server.close();
            assertEquals(0, server.stats().active());
            assertEquals(n, server.stats().closed());
            assertTrue(server.poller().isClosed());
            for (Socket c : clients) {
                assertEquals(-1, c.getInputStream().read(), "closed by the server");
            }
        } finally {
            server.close();
            for (Socket c : clients) {
                if (c != null) {
                    c.close();
                }
            }
        }
    }

    private static int digits(int n) {
        return String.valueOf(n).length();
    }

    /** Waits (bounded) for the active count: connections end on their own threads after the client sees EOF. */
    static void awaitActive(Server server, int expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (server.stats().active() != expected) {
            assertTrue(System.nanoTime() < deadline, "active stayed " + server.stats().active());
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    static void awaitAccepted(Server server, long expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (server.stats().accepted() < expected) {
            assertTrue(System.nanoTime() < deadline, "accepted stayed " + server.stats().accepted());
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    private static void awaitListenersClosed(Server server) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (server.poller().stats().liveItems() > 1) { // the listeners' items go first; one connection stays
            assertTrue(System.nanoTime() < deadline, "listeners never closed");
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}

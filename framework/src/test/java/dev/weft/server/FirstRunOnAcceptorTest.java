package dev.weft.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.poller.Doze;
import dev.weft.poller.NoFdLeaks;
import dev.weft.poller.PollerMode;
import dev.weft.poller.sys.Fds;
import dev.weft.poller.sys.Sockets;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A connection thread's first run on its acceptor ({@link ConnectionThreads}) and the watch that takes a held
 * acceptor's listener over ({@link AcceptorWatch}). The build opens java.lang to weft (pom.xml's weft.jvm.flags),
 * so first runs run inline here; the first test fails if they silently do not.
 */
@ExtendWith(NoFdLeaks.class)
class FirstRunOnAcceptorTest {

    /**
     * A connection's first run is on the thread that accepted it (no carrier woken), and its runs after a park are
     * on its poll set's poller thread (CARRIER mode, the default) or on the JDK's scheduler (VIRTUAL mode); with
     * firstRunOnAcceptor(false) the first run is not on the acceptor either.
     */
    @Test
    void theFirstRunIsOnTheAcceptorAndLaterRunsOnThePollerThread() throws Exception {
        assertEquals(null, ConnectionThreads.inlineUnavailableReason(), "java.lang is not open to weft here");
        for (PollerMode mode : new PollerMode[] {PollerMode.CARRIER, PollerMode.VIRTUAL}) {
            for (boolean inline : new boolean[] {true, false}) {
                List<String> carriers = runsOfOneConnection(mode, inline);
                assertEquals(inline, carriers.get(0).equals("weft-acceptor-0"), mode + " first run: " + carriers);
                assertTrue(carriers.get(1).startsWith(mode == PollerMode.CARRIER ? "weft-poller-0" : "ForkJoinPool"),
                        mode + " later run: " + carriers);
            }
        }
    }

    /** The carriers of a connection's first run and of its run after a park. */
    private static List<String> runsOfOneConnection(PollerMode mode, boolean inline) throws Exception {
        List<String> carriers = new CopyOnWriteArrayList<>();
        AtomicReference<Thread> handlerThread = new AtomicReference<>();
        try (Server server = Server.builder().port(0).acceptors(1).pollerSets(1).pollerMode(mode)
                .firstRunOnAcceptor(inline).start(connection -> {
                    handlerThread.set(Thread.currentThread());
                    byte[] one = new byte[1];
                    connection.read(one, 0, 1); // there already (TCP_DEFER_ACCEPT): no park
                    carriers.add(carrierOf(Thread.currentThread()));
                    connection.read(one, 0, 1); // parks until the test sends the second byte
                    carriers.add(carrierOf(Thread.currentThread()));
                    connection.write(one, 0, 1);
                });
             Socket client = Clients.connect(server.address())) {
            client.getOutputStream().write('a');
            awaitTrue(() -> handlerThread.get() != null && carriers.size() == 1
                    && handlerThread.get().getState() == Thread.State.WAITING, "the handler never parked");
            client.getOutputStream().write('b');
            assertEquals('b', client.getInputStream().read());
            assertTrue(handlerThread.get().isVirtual());
        }
        return carriers;
    }

    /**
     * A first run that holds its acceptor (here it spins until the test lets it go: no park hands the thread
     * back) does not stop accepting: a fresh acceptor takes its listener over, the takeover is counted, and the
     * held acceptor's thread ends once the run it holds is done.
     */
    @Test
    void aFirstRunThatHoldsItsAcceptorHasItsListenerTakenOver() throws Exception {
        AtomicBoolean spinning = new AtomicBoolean();
        AtomicBoolean letGo = new AtomicBoolean();
        try (Server server = Server.builder().port(0).acceptors(1).pollerSets(1).start(connection -> {
            byte[] one = new byte[1];
            if (connection.read(one, 0, 1) < 0) {
                return;
            }
            if (one[0] == 'H') {
                spinning.set(true);
                while (!letGo.get()) {
                    Thread.onSpinWait(); // computes: holds whatever thread it runs on
                }
            }
            connection.write(one, 0, 1);
        });
             Socket held = Clients.connect(server.address())) {
            Thread firstAcceptor = AcceptorTest.awaitInAccept4("weft-acceptor-0");
            held.getOutputStream().write('H');
            awaitTrue(spinning::get, "the handler never ran");
            try {
                byte[] echoed = Clients.echo(server.address(), "x".getBytes(StandardCharsets.US_ASCII));
                assertArrayEquals("x".getBytes(StandardCharsets.US_ASCII), echoed, "B was not served");
                // counted after the successor starts, so B may be served first; B's may take one too
                awaitTrue(() -> server.stats().acceptorTakeovers() >= 1, "no takeover counted: " + server.stats());
                assertTrue(firstAcceptor.isAlive(), "the held acceptor's thread is still running its first run");
            } finally {
                letGo.set(true);
            }
            assertEquals('H', held.getInputStream().read());
            firstAcceptor.join(TimeUnit.SECONDS.toMillis(20));
            assertFalse(firstAcceptor.isAlive(), "the released acceptor went on accepting");
            byte[] again = Clients.echo(server.address(), "y".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals("y".getBytes(StandardCharsets.US_ASCII), again, "the successor stopped serving");
        }
    }

    /**
     * The acceptor watch of a server nobody connects to sleeps untimed; a first run that then holds its acceptor
     * wakes it (the acceptor does, as the dispatch begins), and the listener is taken over as if it had never dozed.
     */
    @Test
    void aDozingWatchWakesForAFirstRunThatHoldsItsAcceptor() throws Exception {
        AtomicBoolean spinning = new AtomicBoolean();
        AtomicBoolean letGo = new AtomicBoolean();
        try (Server server = Server.builder().port(0).acceptors(1).pollerSets(1).firstRunOnAcceptor(true)
                .start(connection -> {
                    if (!spinning.getAndSet(true)) {
                        while (!letGo.get()) {
                            Thread.onSpinWait(); // the first connection's first run computes: holds its acceptor
                        }
                    }
                    byte[] one = new byte[1];
                    if (connection.read(one, 0, 1) > 0) {
                        connection.write(one, 0, 1);
                    }
                })) {
            awaitTrue(server::acceptorWatchDozing, "the acceptor watch of an idle server dozes");
            try (Socket held = Clients.connect(server.address())) {
                awaitTrue(spinning::get, "the handler never ran");
                try {
                    byte[] echoed = Clients.echo(server.address(), "x".getBytes(StandardCharsets.US_ASCII));
                    assertArrayEquals("x".getBytes(StandardCharsets.US_ASCII), echoed, "B was not served");
                    awaitTrue(() -> server.stats().acceptorTakeovers() >= 1, "no takeover: " + server.stats());
                } finally {
                    letGo.set(true);
                }
                held.getOutputStream().write('H');
                assertEquals('H', held.getInputStream().read());
            }
        }
    }

    /**
     * The watch itself, tick by tick (its thread not started): an acceptor seen in the same dispatch at three ticks is
     * replaced in the list by a started successor on the same listener and released; once the listener is closed,
     * a held acceptor is only released, so a close does not wait for the run that holds it.
     */
    @Test
    void theWatchReplacesAHeldAcceptorAndOnlyReleasesOneOnAClosedListener() throws Exception {
        CountDownLatch mayReturn = new CountDownLatch(1);
        CountDownLatch taking = new CountDownLatch(1);
        Acceptor.Admission holding = new Acceptor.Admission() {
            @Override
            public Connection admit(int fd) throws IOException {
                Fds.close(fd);
                taking.countDown();
                awaitUninterruptibly(mayReturn); // holds the acceptor's thread while it takes a connection on
                return null;
            }

            @Override
            public void dispatch(Connection connection, ConnectionThreads threads) {
                throw new AssertionError("nothing is admitted");
            }
        };
        ListeningSocket listener = Listener.openGroup(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1,
                64, false, AcceptedSocketOptions.KERNEL_DEFAULTS).getFirst();
        ServerMetrics metrics = new ServerMetrics();
        List<Acceptor> acceptors = new CopyOnWriteArrayList<>();
        Doze doze = new Doze();
        Acceptor first = new Acceptor("weft-acceptor-w", listener, holding, metrics, ThreadStarts.DEFAULT, true,
                doze);
        acceptors.add(first);
        AcceptorWatch watch = new AcceptorWatch(acceptors, metrics, ThreadStarts.DEFAULT, doze);
        try (Socket client = Clients.connect(Sockets.localAddress(listener.fd()))) {
            first.start();
            taking.await();
            assertTrue(watch.tick(), "an acceptor inside a dispatch: the next look comes after 2 ms, not 10");
            assertSame(first, acceptors.getFirst(), "one tick is not enough to call it held");
            watch.tick();
            assertSame(first, acceptors.getFirst(), "held at two ticks: the watch reads its thread's scheduling");
            watch.tick();
            Acceptor successor = acceptors.getFirst();
            assertNotSame(first, successor, "held at three ticks, blocked rather than waiting for a CPU: replaced");
            assertEquals("weft-acceptor-w.1", successor.name());
            assertSame(listener, successor.listener());
            assertTrue(first.awaitStopped(TimeUnit.SECONDS.toMillis(20)), "released: not waited for, though held"); 
            assertEquals(1, metrics.snapshot(0, false).acceptorTakeovers());

            // the successor is held too; then the listener closes: released, not replaced
            try (Socket second = Clients.connect(Sockets.localAddress(listener.fd()))) {
                awaitTrue(() -> (successor.runs() & 1) != 0, "the successor never took the connection on");
                watch.tick();
                watch.tick();
                watch.tick();
                Acceptor third = acceptors.getFirst();
                assertNotSame(successor, third);
                listener.close();
                third.wake();
                assertTrue(third.awaitStopped(TimeUnit.SECONDS.toMillis(20)), "the third acceptor outlived the close");
                assertTrue(successor.awaitStopped(0), "the held successor was not released");
                // third is not held (its accept4 saw the close): two more ticks change nothing
                assertFalse(watch.tick(), "no acceptor inside a dispatch: the next look comes after 10 ms");
                watch.tick();
                assertSame(third, acceptors.getFirst());
            }
        } finally {
            listener.close();
            mayReturn.countDown();
            for (Acceptor a : acceptors) {
                a.wake();
                a.awaitStopped(TimeUnit.SECONDS.toMillis(20));
            }
            first.awaitStopped(TimeUnit.SECONDS.toMillis(20));
            watch.close();
        }
    }

    private static String carrierOf(Thread virtual) {
        String s = virtual.toString(); // VirtualThread[#21,weft-conn-7]/runnable@weft-acceptor-0
        return s.substring(s.lastIndexOf('@') + 1);
    }

    private static void awaitTrue(BooleanSupplier condition, String message) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, message);
            Thread.onSpinWait();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException e) {
                // the test ends it
            }
        }
    }
}

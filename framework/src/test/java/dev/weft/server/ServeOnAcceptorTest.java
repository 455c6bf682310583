package dev.weft.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.poller.NoFdLeaks;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * serveOnAcceptor's hazard is gone: a handler served on the accepting thread that blocks on something other than
 * its connection (here a lock) has the accept loop taken from it within the documented bound, so other clients
 * are still accepted and served.
 *
 * <pre>
 *   client A ──"L"──► acceptor thread ── handler: lock.lock()  (held by the test: blocked, not on I/O)
 *   client B ──"x"──► (same listener, one acceptor) ── must be accepted by a new accept loop thread
 * </pre>
 */
@ExtendWith(NoFdLeaks.class)
class ServeOnAcceptorTest {
    @Test
    void aHandlerBlockedOnALockDoesNotStopAccepting() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        lock.lock();
        try (Server server = Server.builder().port(0).acceptors(1).pollerSets(1).serveOnAcceptor(true)
                .start(connection -> {
                    byte[] one = new byte[1];
                    if (connection.read(one, 0, 1) < 0) {
                        return;
                    }
                    if (one[0] == 'L') {
                        lock.lock(); // blocks the accepting thread on something that is not its connection
                        lock.unlock();
                    }
                    connection.write(one, 0, 1);
                });
             Socket a = Clients.connect(server.address())) {
            a.getOutputStream().write('L');
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!lock.hasQueuedThreads()) {
                assertTrue(System.nanoTime() < deadline, "the handler never reached the lock");
                Thread.onSpinWait(); // until A's handler, on the accepting thread, is really blocked on the lock
            }
            long start = System.nanoTime();
            byte[] echoed = Clients.echo(server.address(), "x".getBytes(StandardCharsets.US_ASCII));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertArrayEquals("x".getBytes(StandardCharsets.US_ASCII), echoed, "B was not served");
            assertTrue(tookMillis < 10_000, "B waited " + tookMillis + " ms"); // bound 100 ms; CI slack
            lock.unlock();
            assertEquals('L', a.getInputStream().read());
        } finally {
            if (lock.isHeldByCurrentThread()) {
                lock.unlock();
            }
        }
    }

    @Test
    void aHandOffWhoseThreadCannotStartIsRetriedAndAcceptingGoesOn() throws Exception {
        // The connection about to park hands the accept loop on; that thread's start fails (out of memory):
        // the connection is still served on this thread, and the watchdog starts the accept loop next tick.
        AtomicInteger acceptorStarts = new AtomicInteger();
        ThreadStarts failFirstHandOff = thread -> {
            if (thread.getName().startsWith("weft-acceptor-") && acceptorStarts.incrementAndGet() == 2) {
                throw new OutOfMemoryError("injected: unable to create a thread");
            }
            thread.start();
        };
        try (Server server = Server.builder().port(0).acceptors(1).pollerSets(1).serveOnAcceptor(true)
                .threadStarts(failFirstHandOff).start(Handlers.ECHO);
             Socket first = Clients.connect(server.address())) {
            first.getOutputStream().write(1);
            assertEquals(1, first.getInputStream().read()); // then its handler parks: the hand-off (which fails)
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(new byte[] {2}, Clients.echo(server.address(), new byte[] {2}), "still accepting");
            }
            first.getOutputStream().write(3);
            assertEquals(3, first.getInputStream().read(), "the first connection is still served");
            assertTrue(acceptorStarts.get() >= 3, "the watchdog started the accept loop again");
        }
    }

    @Test
    void aHandlerThatLeavesItsThreadInterruptedDoesNotStopAccepting() throws Exception {
        // Served on the accepting thread, a handler that restores an interrupt and never parks leaves the thread
        // interrupted; the accept loop clears it, or every accept wait would end at once (a spinning acceptor).
        try (Server server = Server.builder().port(0).acceptors(1).pollerSets(1).serveOnAcceptor(true)
                .start(connection -> {
                    byte[] one = new byte[1];
                    if (connection.read(one, 0, 1) > 0) {
                        connection.write(one, 0, 1);
                    }
                    Thread.currentThread().interrupt(); // e.g. catch (InterruptedException e) { interrupt(); }
                })) {
            for (int i = 0; i < 20; i++) {
                assertArrayEquals(new byte[] {(byte) i}, Clients.echo(server.address(), new byte[] {(byte) i}));
            }
            assertEquals(0, server.stats().acceptBackoffEpisodes(), server.stats().toString());
        }
    }
}

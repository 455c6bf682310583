package dev.weft.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.poller.Doze;
import dev.weft.poller.NoFdLeaks;
import dev.weft.poller.sys.Fds;
import dev.weft.poller.sys.Sockets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The accepting platform threads: asleep in accept4 on a blocking listener, woken by the kernel for a connection
 * and by the listener's close for shutdown; never held by a handler that parks; backing off without outliving a
 * close.
 */
@ExtendWith(NoFdLeaks.class)
class AcceptorTest {
    /** accept4's syscall number, as /proc/<pid>/task/<tid>/syscall shows it. */
    private static final int ACCEPT4 = "aarch64".equals(System.getProperty("os.arch")) ? 242 : 288;

    /**
     * A handler that blocks on something other than its connection (here a lock) does not hold up accepting:
     * it runs on its connection's own virtual thread, which parks on the lock and so leaves the acceptor (its
     * first run's carrier) at once — no takeover needed.
     *
     * <pre>
     *   client A ──"L"──► acceptor ──► A's thread: lock.lock()  (held by the test: blocked, not on I/O)
     *   client B ──"x"──► the same, only acceptor ──► B's thread: must be served meanwhile
     * </pre>
     */
    @Test
    void aHandlerBlockedOnALockDoesNotStopAccepting() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        lock.lock();
        try (Server server = Server.builder().port(0).acceptors(1).pollerSets(1)
                .start(connection -> {
                    byte[] one = new byte[1];
                    if (connection.read(one, 0, 1) < 0) {
                        return;
                    }
                    if (one[0] == 'L') {
                        lock.lock(); // blocks this handler on something that is not its connection
                        lock.unlock();
                    }
                    connection.write(one, 0, 1);
                });
             Socket a = Clients.connect(server.address())) {
            a.getOutputStream().write('L');
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!lock.hasQueuedThreads()) {
                assertTrue(System.nanoTime() < deadline, "the handler never reached the lock");
                Thread.onSpinWait(); // until A's handler is really blocked on the lock
            }
            byte[] echoed = Clients.echo(server.address(), "x".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals("x".getBytes(StandardCharsets.US_ASCII), echoed, "B was not served");
            lock.unlock();
            assertEquals('L', a.getInputStream().read());
        } finally {
            if (lock.isHeldByCurrentThread()) {
                lock.unlock();
            }
        }
    }

    /**
     * close(2) alone would neither wake an accept4 asleep on the listener nor stop it listening: the server's
     * close wakes an acceptor that is really asleep in accept4, its thread ends, and the port refuses
     * connections from then on.
     */
    @Test
    void closeWakesAnAcceptorAsleepInAccept4AndThePortRefuses() throws Exception {
        Server server = Server.builder().port(0).acceptors(1).pollerSets(1).start(Handlers.ECHO);
        InetSocketAddress address = server.address();
        Thread acceptor;
        try {
            acceptor = awaitInAccept4("weft-acceptor-0");
        } finally {
            server.close();
        }
        assertFalse(acceptor.isAlive(), "close() returned with the acceptor still running");
        assertThrows(ConnectException.class, () -> new Socket(address.getAddress(), address.getPort()).close(),
                "a closed server's port refuses");
    }

    /**
     * A back-off pause (here one of ten minutes, after a failed admission) is cut short by the listener's close
     * and {@link Acceptor#wake}: the loop ends instead of sleeping the pause out.
     */
    @Test
    void aBackOffPauseEndsAtTheListenersClose() throws Exception {
        AtomicInteger admissions = new AtomicInteger();
        Acceptor.Admission failing = new Acceptor.Admission() {
            @Override
            public Connection admit(int fd) throws IOException {
                admissions.incrementAndGet();
                Fds.close(fd);
                throw new IOException("injected: cannot register");
            }

            @Override
            public void dispatch(Connection connection, ConnectionThreads threads) {
                throw new AssertionError("nothing is admitted");
            }
        };
        ListeningSocket listener = Listener.openGroup(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1,
                64, false, AcceptedSocketOptions.KERNEL_DEFAULTS).getFirst();
        long tenMinutes = TimeUnit.MINUTES.toNanos(10);
        Acceptor acceptor = new Acceptor("weft-acceptor-t", listener, failing, new ServerMetrics(),
                ThreadStarts.DEFAULT, true, new Doze(), tenMinutes, tenMinutes);
        try (Socket client = Clients.connect(Sockets.localAddress(listener.fd()))) {
            acceptor.start();
            Thread thread = findThread("weft-acceptor-t");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (admissions.get() < 1 || LockSupport.getBlocker(thread) != acceptor
                    || thread.getState() != Thread.State.TIMED_WAITING) {
                assertTrue(System.nanoTime() < deadline, "the acceptor never paused");
                Thread.onSpinWait(); // until it is really parked in the pause after the failure
            }
            listener.close();
            acceptor.wake();
            acceptor.awaitStopped(TimeUnit.SECONDS.toMillis(30));
            assertFalse(thread.isAlive(), "the acceptor slept its pause out after its listener closed");
            assertEquals(1, admissions.get());
        } finally {
            listener.close();
            acceptor.wake();
            acceptor.awaitStopped(TimeUnit.SECONDS.toMillis(30));
        }
    }

    /** The live thread named {@code name}, once it is asleep in accept4 (its /proc entry says so). */
    static Thread awaitInAccept4(String name) throws IOException {
        Thread thread = findThread(name);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!inAccept4(name)) {
            assertTrue(System.nanoTime() < deadline, name + " never slept in accept4");
            Thread.onSpinWait();
        }
        return thread;
    }

    private static Thread findThread(String name) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (;;) {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().equals(name) && t.isAlive()) {
                    return t;
                }
            }
            assertTrue(System.nanoTime() < deadline, "no thread named " + name);
            Thread.onSpinWait();
        }
    }

    /** Whether the native thread called {@code name} (15 characters at most) is asleep in accept4. */
    private static boolean inAccept4(String name) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.anyMatch(task -> {
                try {
                    return Files.readString(task.resolve("comm")).strip().equals(name)
                            && Files.readString(task.resolve("syscall")).startsWith(ACCEPT4 + " ")
                            && Files.readString(task.resolve("stat")).contains(") S ");
                } catch (NoSuchFileException gone) {
                    return false;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}

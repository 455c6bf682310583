package dev.weft.server;

import dev.weft.poller.Carrier;
import dev.weft.poller.Diagnostics;
import dev.weft.poller.PollFile;
import dev.weft.poller.Poller;
import dev.weft.poller.PollerMode;
import dev.weft.poller.sys.Errno;
import dev.weft.poller.sys.Fds;
import dev.weft.poller.sys.Sockets;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * The connections a server serves: admission under the cap (over it: the over-capacity response, then close),
 * registration, the handler's run on its own virtual thread and the cleanup after it, and the drain that
 * shutdown waits on. The acceptors' side of the server ({@link Acceptor.Admission}).
 *
 * <pre>
 * Locking and lifetime
 *
 *   active     AtomicInteger: connections admitted and not yet finished; admission CASes it below the cap.
 *   open       concurrent set of open connections: shutdown wakes their readers and closes what the grace left.
 *   drainLock  guards nothing but the drained condition, signalled when active drops to 0 while draining.
 *   draining   volatile, false -> true once (Server.close): admission refused, idle reads end.
 *
 *   Every admitted connection is finished exactly once — by its handler's end (serve), or at once if its
 *   thread cannot be started (drop): closed, removed from open, its slot released.
 * </pre>
 */
final class Connections implements Acceptor.Admission {
    private static final System.Logger LOG = Diagnostics.guard(System.getLogger(Server.class.getName()));
    /** Input of a refused connection read and discarded before its close, so the close sends FIN, not RST. */
    private static final int REJECT_DRAIN_BYTES = 4096;

    private final ServerConfig config;
    private final ConnectionHandler handler;
    private final ServerMetrics metrics;
    private final Poller poller;
    private final List<Carrier> carriers; // the poller's, one per set; empty unless CARRIER mode
    private final byte[] overCapacityResponse; // null: refused connections are just closed
    private final BooleanSupplier drainingFlag = this::isDraining;
    private final AtomicInteger active = new AtomicInteger();
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final ReentrantLock drainLock = new ReentrantLock();
    private final Condition drained = drainLock.newCondition();
    private volatile boolean draining;

    Connections(ServerConfig config, ConnectionHandler handler, ServerMetrics metrics, Poller poller,
                byte[] overCapacityResponse) {
        this.config = config;
        this.handler = handler;
        this.metrics = metrics;
        this.poller = poller;
        this.carriers = poller.config().mode() != PollerMode.CARRIER ? List.of()
                : IntStream.range(0, poller.setCount()).mapToObj(poller::carrier).toList();
        this.overCapacityResponse = overCapacityResponse;
    }

    // ---- admission (acceptor threads) ----

    /**
     * Over the cap, or draining: answered with the over-capacity response (if any), closed, counted as rejected,
     * null. Otherwise registered once, here (one EPOLL_CTL_ADD, no EPOLL_CTL_DEL ever), and returned. A failed
     * registration closes the fd, counts it as dropped and throws: the acceptor backs off.
     */
    @Override
    public Connection admit(int fd) throws IOException {
        PollFile file;
        try {
            file = PollFile.ofSocket(fd);
        } catch (Throwable e) {
            closeQuietly(fd);
            throw e;
        }
        if (draining || !reserveSlot()) {
            reject(file);
            return null;
        }
        try {
            Connection connection = new Connection(file, poller.register(file), config, metrics, drainingFlag);
            open.add(connection);
            return connection;
        } catch (Throwable e) {
            file.close();
            releaseSlot();
            metrics.dropped();
            throw e;
        }
    }

    /**
     * The refusal: one non-blocking write of the response (MSG_MORE: the FIN rides in its segment), FIN, a
     * non-blocking read of what came, close.
     */
    private void reject(PollFile file) {
        metrics.rejected(); // counted before the close the client observes
        try {
            if (overCapacityResponse != null && file.pin()) {
                try {
                    Sockets.send(file.fd(), MemorySegment.ofArray(overCapacityResponse), overCapacityResponse.length,
                            Sockets.MSG_MORE | Sockets.MSG_NOSIGNAL, Errno.capture()); // all, or part, or none
                    Sockets.shutdown(file.fd(), Sockets.SHUT_WR);
                    Sockets.recv(file.fd(), MemorySegment.ofArray(new byte[REJECT_DRAIN_BYTES]), 0, Errno.capture());
                } finally {
                    file.unpin();
                }
            }
        } catch (Throwable e) {
            // the client went away, or no memory for the buffer: it gets the close alone
        } finally {
            file.close();
        }
    }

    @Override
    public List<Carrier> carriers() {
        return carriers;
    }

    @Override
    public void dispatch(Connection connection, ConnectionThreads threads) {
        try {
            threads.start("weft-conn-", connection.fd(), connection.setIndex(), () -> serve(connection));
        } catch (Throwable e) {
            finish(connection); // never left registered and counted in active (issue 10, poller defect 3)
            metrics.dropped();
            throw e;
        }
    }

    // ---- serving (connection threads) ----

    /** Runs the handler to its end, then finishes the connection whatever happened. */
    private void serve(Connection connection) {
        String cause = "handler returned";
        try {
            metrics.accepted();
            recordAccepted(connection);
            handler.handle(connection);
        } catch (SocketTimeoutException e) {
            metrics.timedOut();
            cause = "timeout";
        } catch (IOException e) {
            cause = e.getClass().getSimpleName(); // the peer reset or went away, or shutdown closed it
        } catch (Throwable e) {
            cause = "handler failed";
            LOG.log(Level.WARNING, "connection handler failed", e);
        } finally {
            // Cleanup first and unconditionally: under fd exhaustion anything optional (an event, a log line)
            // may fail, and must never keep a connection's fd open.
            finish(connection);
            try {
                connection.recordClose(cause);
            } catch (Throwable e) {
                // diagnostics only
            }
        }
    }

    private void recordAccepted(Connection connection) {
        try {
            ConnectionEvents.accepted(connection.fd(), active.get());
        } catch (Throwable e) {
            // diagnostics only
        }
    }

    private void finish(Connection connection) {
        connection.close();
        open.remove(connection);
        metrics.closed();
        releaseSlot();
    }

    private boolean reserveSlot() {
        for (;;) {
            int n = active.get();
            if (n >= config.maxConnections()) {
                return false;
            }
            if (active.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    private void releaseSlot() {
        if (active.decrementAndGet() == 0 && draining) {
            drainLock.lock();
            try {
                drained.signalAll();
            } finally {
                drainLock.unlock();
            }
        }
    }

    int active() {
        return active.get();
    }

    // ---- shutdown (the closing thread) ----

    boolean isDraining() {
        return draining;
    }

    /** From now on: no admission, and a read that would wait between exchanges returns end of stream. */
    void beginDrain() {
        draining = true;
    }

    /** Makes every parked reader look again: idle ones see the drain and end; the others wait on. */
    void wakeReaders() {
        open.forEach(Connection::wakeReader);
    }

    /** Closes every connection still open (their parked handlers wake with FileClosedException). */
    void closeAll() {
        open.forEach(Connection::close);
    }

    /** Waits up to {@code timeout} for every admitted connection to finish; true if they did. */
    boolean awaitDrained(Duration timeout) {
        long remaining = timeout.toNanos();
        drainLock.lock();
        try {
            while (active.get() > 0) {
                if (remaining <= 0) {
                    return false;
                }
                try {
                    remaining = drained.awaitNanos(remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return active.get() == 0;
                }
            }
            return true;
        } finally {
            drainLock.unlock();
        }
    }

    private static void closeQuietly(int fd) {
        try {
            Fds.close(fd);
        } catch (Throwable e) {
            // nothing more to do for an fd we could not even wrap
        }
    }
}

package dev.weft.server;

import dev.weft.poller.Item;
import dev.weft.poller.PollFile;
import dev.weft.poller.Poller;
import dev.weft.poller.PollerConfig;
import dev.weft.poller.sys.Sockets;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The virtual-thread TCP server: accepting virtual threads (one SO_REUSEPORT listener each, or one shared
 * listener: {@link AcceptMode}), and one virtual thread per connection, all parked on a weft {@link Poller}
 * (with {@code serveOnAcceptor}, a connection starts on the thread that accepted it: see Acceptor).
 *
 * <pre>
 * Locking and lifetime
 *
 *   active       AtomicInteger: connections admitted and not yet finished; admission CASes it below the cap.
 *   connections  concurrent set of open connections, for shutdown to close what the grace period left.
 *   drainLock    guards nothing but the drained condition, signalled when active drops to 0 while stopping.
 *   stopping     volatile, false -> true once; closeLock makes close() run once.
 *
 *   Start: poller, listeners (each registered in one set), acceptor threads.
 *   close(): stop accepting (close the listeners: parked acceptors wake with FILE_CLOSED, and join them); wait
 *   up to shutdownGrace for active to reach 0; close every connection still open (its parked handler wakes
 *   with FileClosedException); wait for the handlers to finish; close the poller (joins its threads).
 * </pre>
 */
public final class Server implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Server.class.getName());
    /** How long close() waits for handlers after closing their connections (a handler stuck in CPU work). */
    private static final Duration HANDLER_EXIT_WAIT = Duration.ofSeconds(5);

    private final ServerConfig config;
    private final ConnectionHandler handler;
    private final ServerMetrics metrics = new ServerMetrics();
    private final Poller poller;
    private final List<PollFile> listeners = new ArrayList<>();
    private final List<Acceptor> acceptors = new ArrayList<>();
    private final InetSocketAddress boundAddress;
    private final AtomicInteger active = new AtomicInteger();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final ReentrantLock drainLock = new ReentrantLock();
    private final Condition drained = drainLock.newCondition();
    private final Object closeLock = new Object();
    private volatile boolean stopping;

    private Server(ServerConfig config, ConnectionHandler handler) throws IOException {
        // Now, while fds are plentiful: the close path and the accept back-off must not load classes or read
        // logging configuration (both may need an fd) at the moment accept has run out of them.
        ConnectionEvents.load();
        LOG.isLoggable(Level.WARNING);
        this.config = config;
        this.handler = handler;
        this.poller = Poller.open(new PollerConfig(config.pollerSets(), config.pollerMode(),
                PollerConfig.DEFAULT_MAX_EVENTS));
        try {
            InetSocketAddress address = config.address();
            int listenerCount = config.acceptMode() == AcceptMode.REUSEPORT ? config.acceptors() : 1;
            for (int i = 0; i < listenerCount; i++) {
                PollFile listener = Listener.open(address, config.backlog(), config.deferAccept());
                listeners.add(listener);
                if (i == 0) {
                    address = Sockets.localAddress(listener.fd()); // port 0: the others join the chosen port
                }
            }
            this.boundAddress = address;
            for (int i = 0; i < config.acceptors(); i++) {
                PollFile listener = listeners.get(i % listeners.size());
                Item item = poller.register(listener, i % poller.setCount()); // shared: one item per set
                acceptors.add(new Acceptor("weft-acceptor-" + i, item, admission, metrics));
            }
        } catch (IOException | RuntimeException e) {
            listeners.forEach(PollFile::close);
            poller.close();
            throw e;
        }
        acceptors.forEach(Acceptor::start);
    }

    /** Starts a server; it is accepting when this returns. */
    public static Server start(ServerConfig config, ConnectionHandler handler) throws IOException {
        if (handler == null) {
            throw new IllegalArgumentException("handler must not be null");
        }
        return new Server(config, handler);
    }

    public static ServerBuilder builder() {
        return new ServerBuilder();
    }

    /** The address the listeners are bound to (the chosen port when the config asked for port 0). */
    public InetSocketAddress address() {
        return boundAddress;
    }

    public ServerConfig config() {
        return config;
    }

    public ServerStats stats() {
        return metrics.snapshot(active.get());
    }

    /** The poller's registry, for diagnostics and leak checks. */
    public Poller poller() {
        return poller;
    }

    /**
     * Admits one accepted fd: over the cap it is closed at once (the client sees the connection end before any
     * byte) and counted as rejected; otherwise it is registered once, here, and served on a new virtual thread.
     * Per-connection registration pattern (../shared/seed): one EPOLL_CTL_ADD now, no EPOLL_CTL_DEL ever.
     */
    private Connection admit(int fd) {
        PollFile file = PollFile.ofNonBlocking(fd);
        if (stopping || !reserveSlot()) {
            metrics.rejected(); // counted before the close the client observes
            file.close();
            return null;
        }
        Connection connection;
        try {
            connection = new Connection(file, poller.register(file), config, metrics);
        } catch (IOException | RuntimeException e) {
            file.close();
            releaseSlot();
            LOG.log(Level.WARNING, "could not register an accepted connection: " + e);
            return null;
        }
        metrics.accepted();
        connections.add(connection);
        ConnectionEvents.accepted(fd, active.get());
        return connection;
    }

    private final Acceptor.Admission admission = new Acceptor.Admission() {
        @Override
        public Connection admit(int fd) {
            return Server.this.admit(fd);
        }

        @Override
        public void serve(Connection connection) {
            Server.this.serve(connection);
        }

        @Override
        public boolean serveOnAcceptor() {
            return config.serveOnAcceptor();
        }
    };

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
        if (active.decrementAndGet() == 0 && stopping) {
            drainLock.lock();
            try {
                drained.signalAll();
            } finally {
                drainLock.unlock();
            }
        }
    }

    private void serve(Connection connection) {
        String cause = "handler returned";
        try {
            handler.handle(connection);
        } catch (SocketTimeoutException e) {
            metrics.timedOut();
            cause = "timeout";
        } catch (IOException e) {
            cause = e.getClass().getSimpleName(); // the peer reset or went away, or shutdown closed it
        } catch (Exception | Error e) {
            cause = "handler failed: " + e;
            LOG.log(Level.WARNING, "connection handler failed", e);
        } finally {
            // Cleanup first and unconditionally: under fd exhaustion anything optional (an event, a log line)
            // may fail, and must never keep a connection's fd open.
            connection.close();
            connections.remove(connection);
            metrics.closed();
            releaseSlot();
            try {
                connection.recordClose(cause);
            } catch (RuntimeException | LinkageError e) {
                // diagnostics only
            }
        }
    }

    /** Graceful stop with the configured grace period. */
    @Override
    public void close() {
        close(config.shutdownGrace());
    }

    /**
     * Stops accepting, lets open connections finish for up to {@code grace}, closes the rest, waits for their
     * handlers, and closes the poller. Idempotent; returns when no server thread is left.
     */
    public void close(Duration grace) {
        synchronized (closeLock) {
            if (stopping && listeners.isEmpty()) {
                return;
            }
            stopping = true;
            listeners.forEach(PollFile::close);
            listeners.clear();
            acceptors.forEach(Server::awaitStoppedUninterruptibly);
            if (!awaitDrained(grace)) {
                connections.forEach(Connection::close);
                if (!awaitDrained(HANDLER_EXIT_WAIT)) {
                    LOG.log(Level.WARNING, active.get() + " connection handlers did not finish after their "
                            + "connections were closed; closing the poller anyway");
                }
            }
            poller.close();
        }
    }

    private boolean awaitDrained(Duration timeout) {
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

    private static void awaitStoppedUninterruptibly(Acceptor acceptor) {
        boolean interrupted = false;
        while (true) {
            try {
                acceptor.awaitStopped(TimeUnit.SECONDS.toMillis(30));
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.weft.server;

import dev.weft.poller.Diagnostics;
import dev.weft.poller.Doze;
import dev.weft.poller.Poller;
import dev.weft.poller.PollerConfig;
import dev.weft.poller.PollerMode;
import dev.weft.poller.sys.Sockets;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The virtual-thread TCP server: accepting platform threads asleep in accept4 (on one shared listener, or one
 * SO_REUSEPORT listener each: {@link AcceptMode}; see Acceptor), and one virtual thread per connection, parked on a
 * weft {@link Poller}.
 *
 * <pre>
 * Locking and lifetime
 *
 *   listeners, boundAddress, connections, poller, watch: final once the constructor returns.
 *   acceptors     CopyOnWriteArrayList: filled by the constructor; afterwards only the watch replaces an entry
 *                 (a held acceptor by its successor: AcceptorWatch), until close() has joined it.
 *   closeStarted  AtomicBoolean: the caller whose CAS sets it does the whole close, with no lock held (nothing
 *                 is freed or closed under a lock, docs/design.md §3); later callers wait for closeDone.
 *   failure       AtomicReference, set once: the server failed (a thread it depends on could not go on).
 *
 *   Start: poller, listeners (a reuse-port group formed by this server alone: Listener), acceptor threads, the
 *   acceptor watch (when first runs run on acceptors). If any step fails, what was acquired is released
 *   (listeners closed, the watch stopped, started acceptors awaited, the poller closed) and the failure thrown.
 *   close(): drain (admission refused; an idle read returns end of stream), close the listeners (an acceptor
 *   asleep in accept4 or in a back-off wakes and ends; one held by a first run is released by the watch; wait
 *   for them, stop the watch, wait for any successor), wake every parked reader (the idle ones end
 *   at once), wait up to shutdownGrace for the exchanges in progress, close every connection still open (its
 *   parked handler wakes with FileClosedException), wait for the handlers, close the poller (joins its threads).
 *   fail(cause), from the poller's failure callback or the thread that found out: logged once at ERROR, the
 *   listeners closed (no new connection is taken: a client gets a refusal instead of a hang; if the
 *   constructor has not published them yet, it closes them as it does, seeing failure set), failure() and
 *   stats().failed() say so, onFailure is called. Connections in progress go on as far as they can; close()
 *   still works.
 * </pre>
 */
public final class Server implements AutoCloseable {
    private static final System.Logger LOG = Diagnostics.guard(System.getLogger(Server.class.getName()));
    /** How long close() waits for handlers after closing their connections (a handler stuck in CPU work). */
    private static final Duration HANDLER_EXIT_WAIT = Duration.ofSeconds(5);
    /** Set by the first server of the JVM that asked for first runs on its acceptors and could not have them. */
    private static final AtomicBoolean INLINE_UNAVAILABLE_LOGGED = new AtomicBoolean();
    /** The largest over-capacity response: it must fit a fresh socket's send buffer in one write. */
    static final int MAX_OVER_CAPACITY_RESPONSE_BYTES = 4096;

    /** The options that are not values of {@link ServerConfig}. */
    record Extras(byte[] overCapacityResponse, Consumer<? super Throwable> onFailure, ThreadStarts threadStarts) {
        static final Extras NONE = new Extras(null, failure -> { }, ThreadStarts.DEFAULT);
    }

    private final ServerConfig config;
    private final Extras extras;
    private final ServerMetrics metrics = new ServerMetrics();
    private final Poller poller;
    private final Connections connections;
    private volatile List<ListeningSocket> listeners; // set once, as the constructor ends (fail() may run before)
    private final List<Acceptor> acceptors = new CopyOnWriteArrayList<>();
    private final AcceptorWatch watch; // null when connection threads start on the JDK's scheduler
    private final InetSocketAddress boundAddress;
    private final AtomicBoolean closeStarted = new AtomicBoolean();
    private final CountDownLatch closeDone = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private Server(ServerConfig config, ConnectionHandler handler, Extras extras) throws IOException {
        preload();
        this.config = config;
        this.extras = extras;
        PollerMode mode = config.pollerMode() == PollerMode.CARRIER && !ConnectionThreads.inlineAvailable()
                ? PollerMode.VIRTUAL : config.pollerMode(); // carriers need a scheduler of weft's own
        this.poller = Poller.open(new PollerConfig(config.pollerSets(), mode,
                PollerConfig.DEFAULT_MAX_EVENTS), this::fail);
        this.connections = new Connections(config, handler, metrics, poller, extras.overCapacityResponse());
        List<ListeningSocket> opened = List.of();
        boolean inline = config.firstRunOnAcceptor() && ConnectionThreads.inlineAvailable();
        if ((config.firstRunOnAcceptor() || config.pollerMode() == PollerMode.CARRIER)
                && !ConnectionThreads.inlineAvailable()) {
            logInlineUnavailableOnce();
        }
        Doze watchDoze = new Doze(); // the acceptors wake the watch with it
        this.watch = inline ? new AcceptorWatch(acceptors, metrics, extras.threadStarts(), watchDoze) : null;
        try {
            int listenerCount = config.acceptMode() == AcceptMode.REUSEPORT ? config.acceptors() : 1;
            opened = Listener.openGroup(config.address(), listenerCount, config.backlog(), config.deferAccept(),
                    config.acceptedSocketOptions());
            this.boundAddress = Sockets.localAddress(opened.getFirst().fd());
            for (int i = 0; i < config.acceptors(); i++) {
                ListeningSocket listener = opened.get(i % opened.size());
                acceptors.add(new Acceptor("weft-acceptor-" + i, listener, connections, metrics,
                        extras.threadStarts(), inline, watchDoze));
            }
            for (Acceptor acceptor : acceptors) {
                acceptor.start(); // inside the try: a failed start releases everything (issue 10, defect 4)
            }
            if (watch != null) {
                watch.start();
            }
            this.listeners = opened;
            if (failure.get() != null) {
                stopAccepting(); // the poller failed while this ran: fail() saw no listeners to close
            }
        } catch (Throwable e) {
            try {
                opened.forEach(ListeningSocket::close); // the started acceptors' accept4 returns: they end
                acceptors.forEach(Server::awaitStoppedUninterruptibly);
                stopWatch();
                poller.close();
            } catch (Throwable cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * Loads now, while fds are plentiful, what the failure paths and the log lines of the server's threads will
     * need when they are not (issue 10, defect A): the logging backend and its formatter's time-zone data, the
     * JFR event classes, and the server's own classes (from a class directory, each would need an fd to load,
     * and a class that fails to load fails its call site for ever).
     */
    private static void preload() {
        Diagnostics.preload(LOG, Acceptor.LOG);
        ConnectionEvents.load();
        Class<?>[] serving = {Connection.class, Connections.class, ConnectionStreams.In.class,
                ConnectionStreams.Out.class, ServerStats.class, Acceptor.Admission.class};
        assert serving.length > 0;
    }

    /**
     * Starts a server; it is accepting when this returns.
     *
     * @param config  the options
     * @param handler serves each connection, on its own virtual thread
     * @return the running server
     * @throws java.net.BindException if another socket holds the address
     * @throws IOException            if the poller or a listener cannot be opened (nothing is left behind)
     */
    public static Server start(ServerConfig config, ConnectionHandler handler) throws IOException {
        return start(config, handler, Extras.NONE);
    }

    static Server start(ServerConfig config, ConnectionHandler handler, Extras extras) throws IOException {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        if (handler == null) {
            throw new IllegalArgumentException("handler must not be null");
        }
        return new Server(config, handler, extras);
    }

    /**
     * A builder for a server, with the documented defaults.
     *
     * @return a new builder
     */
    public static ServerBuilder builder() {
        return new ServerBuilder();
    }

    /**
     * The address the listeners are bound to: the chosen port when the config asked for port 0.
     *
     * @return the bound address
     */
    public InetSocketAddress address() {
        return boundAddress;
    }

    /**
     * The configuration the server was started with.
     *
     * @return the configuration
     */
    public ServerConfig config() {
        return config;
    }

    /**
     * The server's counters now.
     *
     * @return a snapshot
     */
    public ServerStats stats() {
        return metrics.snapshot(connections.active(), failure.get() != null);
    }

    /** Whether the acceptor watch sleeps untimed until an acceptor takes a connection; false without one (tests). */
    boolean acceptorWatchDozing() {
        return watch != null && watch.dozing();
    }

    /**
     * Why the server failed — a thread it depends on (a poller thread, the master poller, the timeout sweeper)
     * could not go on, so it stopped accepting — or null while it is healthy. docs/operations.md says what to do.
     *
     * @return the cause, or null
     */
    public Throwable failure() {
        return failure.get();
    }

    /**
     * The server's poller: its registry dump and counters, for diagnostics and leak checks.
     *
     * @return the poller
     */
    public Poller poller() {
        return poller;
    }

    /** The server cannot serve any more: say so once, stop taking connections, tell the owner. */
    private void fail(Throwable cause) {
        if (closeStarted.get() || !failure.compareAndSet(null, cause)) {
            return;
        }
        LOG.log(Level.ERROR, () -> "weft server on " + boundAddress + " failed: it no longer accepts connections "
                + "(restart it; see docs/operations.md)", cause);
        if (listeners != null) { // null while the constructor runs: it checks failure once it has set them
            stopAccepting();
        }
        try {
            extras.onFailure().accept(cause);
        } catch (Throwable ignored) {
            // the owner's callback must not throw; nothing more to do here
        }
    }

    /** Graceful stop with the configured grace period: see {@link #close(Duration)}. */
    @Override
    public void close() {
        close(config.shutdownGrace());
    }

    /**
     * Stops accepting, ends idle connections at once, lets exchanges in progress finish for up to {@code grace},
     * closes the rest, waits for their handlers, and closes the poller. Idempotent: a second caller waits until
     * the first has finished. Returns when no server thread is left.
     *
     * @param grace how long exchanges in progress may take to finish
     */
    public void close(Duration grace) {
        if (!closeStarted.compareAndSet(false, true)) {
            awaitUninterruptibly(closeDone);
            return;
        }
        try {
            connections.beginDrain();
            stopAccepting();
            acceptors.forEach(Server::awaitStoppedUninterruptibly); // a held one: the watch releases it
            stopWatch();
            acceptors.forEach(Server::awaitStoppedUninterruptibly); // a successor started as the listeners closed
            connections.wakeReaders(); // after the acceptors: no connection is admitted behind this
            if (!connections.awaitDrained(grace)) {
                connections.closeAll();
                if (!connections.awaitDrained(HANDLER_EXIT_WAIT)) {
                    LOG.log(Level.WARNING, "{0} connection handlers did not finish after their connections were "
                            + "closed; closing the poller anyway", Integer.toString(connections.active()));
                }
            }
            poller.close();
        } finally {
            closeDone.countDown();
        }
    }

    /**
     * Closes every listener (new connections are refused from now on; an acceptor sleeping in accept4 wakes) and
     * cuts short any acceptor's back-off pause, so every accept loop ends. Never throws.
     */
    private void stopAccepting() {
        for (ListeningSocket listener : listeners) {
            try {
                listener.close();
            } catch (Throwable e) {
                // keep closing the others
            }
        }
        for (Acceptor acceptor : acceptors) {
            acceptor.wake();
        }
    }

    private void stopWatch() {
        if (watch != null) {
            uninterruptibly(watch::close);
        }
    }

    /** Once per JVM: why connection threads start on the JDK's scheduler although the config asked otherwise. */
    private static void logInlineUnavailableOnce() {
        if (INLINE_UNAVAILABLE_LOGGED.compareAndSet(false, true)) {
            LOG.log(Level.INFO, "connection threads run on the JDK''s scheduler, not on the acceptor and the poller "
                    + "threads ({0}); a CARRIER poller runs as VIRTUAL; --add-opens java.base/java.lang=ALL-UNNAMED "
                    + "allows it (framework/README.md)",
                    ConnectionThreads.inlineUnavailableReason());
        }
    }

    private static void awaitStoppedUninterruptibly(Acceptor acceptor) {
        uninterruptibly(() -> acceptor.awaitStopped(TimeUnit.SECONDS.toMillis(30)));
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        uninterruptibly(latch::await);
    }

    /** Waits through interrupts (shutdown must finish what it started), then restores the interrupt status. */
    private static void uninterruptibly(Wait wait) {
        boolean interrupted = false;
        while (true) {
            try {
                wait.run();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private interface Wait {
        void run() throws InterruptedException;
    }
}

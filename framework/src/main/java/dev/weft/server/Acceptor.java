package dev.weft.server;

import dev.weft.poller.BlockingIo;
import dev.weft.poller.Diagnostics;
import dev.weft.poller.FileClosedException;
import dev.weft.poller.Item;
import dev.weft.poller.PollFile;
import dev.weft.poller.SetClosedException;
import dev.weft.poller.WaitResult;
import dev.weft.poller.sys.Errno;
import dev.weft.poller.sys.ErrnoException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * One accepting virtual thread on one listener's item. Accepts until the listener closes; hands each new fd to
 * the server. Nothing but the listener's close ends it (issue 10, defects A and 3): running out of fds or memory
 * (EMFILE, ENFILE, ENOBUFS, ENOMEM), a connection whose registration or thread start fails, any other
 * {@code Throwable} — a log line whose formatter cannot open the time-zone database, a class that cannot be
 * loaded — each makes it back off (5 ms doubling to 1 s, cut short by a new connection or by shutdown), log once
 * per episode (through {@link Diagnostics}, which cannot throw), keep the existing connections served, and
 * resume when accepting works again — as nginx, Tomcat and libuv do. If the listener's poll set dies, the
 * listener is registered in a live one and accepting goes on there.
 *
 * <pre>
 * Each accepted connection gets a new virtual thread — or, with serveOnAcceptor, is served right here until it
 * would first block; then a replacement acceptor thread takes over the accept loop and this thread carries on
 * as the connection's (see Connection.beforeFirstBlock). A handler that blocks on something other than its
 * connection (a lock, another service, CPU work) never reaches that point: the server's watchdog, run every
 * sweeper tick (50 ms), sees the acceptor serving for longer than TAKEOVER_NANOS and hands the accept loop to a
 * new thread itself — so a listener is never left unaccepted for more than TAKEOVER_NANOS + one tick (100 ms).
 *
 * Threading: run() is the body of the current acceptor thread, {@code owner}; listener and backoffNanos are
 * touched only by it (a hand-off passes them on through Thread.start). owner: volatile, written by start().
 * loopEnded: volatile, written once by the owner as the accept loop ends.
 * servingSince: CAS only. IDLE (0) while the owner is not serving a connection; the episode's start (odd
 *   nanoTime) while it serves one on this thread; TAKEN once the loop was handed on. Exactly one of three
 *   CASes wins an episode: the owner ending it (start -> IDLE: it keeps the loop), the connection about to
 *   park (start -> TAKEN: it starts the new loop thread), the watchdog (start -> TAKEN: likewise).
 * restartPending: volatile; a hand-off whose thread could not start: the watchdog starts one every tick.
 * </pre>
 */
final class Acceptor implements Runnable {
    static final System.Logger LOG = Diagnostics.guard(System.getLogger(Acceptor.class.getName()));
    /** How long a connection may be served on its accepting thread before the watchdog moves accepting on. */
    static final long TAKEOVER_NANOS = 50_000_000L;
    private static final long IDLE = 0;
    private static final long TAKEN = Long.MIN_VALUE;
    private static final VarHandle SERVING_SINCE;

    static {
        try {
            SERVING_SINCE = MethodHandles.lookup().findVarHandle(Acceptor.class, "servingSince", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    private static final long FIRST_BACKOFF_NANOS = 5_000_000L;
    private static final long MAX_BACKOFF_NANOS = 1_000_000_000L;
    private static final String BACKOFF_MESSAGE = "an acceptor could not take a connection; it backs off, existing "
            + "connections are still served";

    /** What the acceptor does with an accepted fd. */
    interface Admission {
        /** Registers the connection; null when it was refused (cap, shutdown) and closed; throws if it failed. */
        Connection admit(int fd) throws IOException;

        /** Serves it to the end on the calling thread. */
        void serve(Connection connection);

        /** Serves it on a new thread; throws (the connection closed and counted) if the thread cannot start. */
        void dispatch(Connection connection);

        /** Serve on the accepting thread first (else: a new virtual thread per connection at once). */
        boolean serveOnAcceptor();

        /** The server is closing or has failed: a listener that cannot be accepted from just ends the loop. */
        boolean stopped();

        /** A registration of {@code listener} in a live set; null if none will take it (then end the loop). */
        Item relocate(PollFile listener) throws IOException;
    }

    private final String name;
    private final PollFile listenerFile;
    private final Admission admission;
    private final ServerMetrics metrics;
    private final ThreadStarts threadStarts;
    private Item listener;                // the owner thread only
    private volatile Thread owner;
    private volatile boolean loopEnded;   // written once by the owner as the accept loop ends (not on hand-off)
    private volatile long servingSince;   // CAS only: IDLE, an episode's start, or TAKEN (see the header)
    private volatile boolean restartPending; // written by whoever hands off, and the watchdog
    private volatile boolean tookOverOnce;   // the watchdog logged its first take-over
    private long backoffNanos;            // the owner thread only; 0 outside an episode

    Acceptor(String name, Item listener, Admission admission, ServerMetrics metrics, ThreadStarts threadStarts) {
        this.name = name;
        this.listener = listener;
        this.listenerFile = listener.file();
        this.admission = admission;
        this.metrics = metrics;
        this.threadStarts = threadStarts;
    }

    /** Starts (or, from a connection about to block, restarts) the accept loop on a new virtual thread. */
    void start() {
        Thread t = Thread.ofVirtual().name(name).unstarted(this);
        Thread previous = owner;
        owner = t;
        try {
            threadStarts.start(t);
        } catch (RuntimeException | Error e) {
            owner = previous; // the loop stays with the thread that has it: never no accepting thread
            throw e;
        }
    }

    /**
     * Waits, at most {@code millis}, for the accept loop to end — not for a thread: one that handed the loop
     * off lives on as a connection's, and its end is no business of shutdown's. Returns at once if the
     * acceptor never started.
     */
    void awaitStopped(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!loopEnded && System.nanoTime() < deadline) {
            Thread t = owner;
            if (t == null) {
                return;
            }
            t.join(10);
            if (!t.isAlive() && owner == t) {
                return; // it ended without saying so: nothing is accepting any more either way
            }
        }
    }

    @Override
    public void run() {
        try {
            acceptLoop();
        } finally {
            if (owner == Thread.currentThread()) {
                loopEnded = true;
            }
        }
    }

    private void acceptLoop() {
        for (;;) {
            try {
                if (!acceptOne()) {
                    return;
                }
            } catch (Throwable failed) {
                // Whatever it was — a failed registration or thread start (the connection was closed and
                // counted), an out-of-memory, a class that could not be loaded — the acceptor carries on.
                if (!backOff(failed)) {
                    return;
                }
            }
        }
    }

    /** One accept and what follows; false when the loop must end (listener closed, or handed off). */
    private boolean acceptOne() throws IOException {
        int fd;
        try {
            fd = BlockingIo.accept(listener, BlockingIo.NO_TIMEOUT);
        } catch (FileClosedException closed) {
            return false; // the listener closed: shutdown, or the server failed
        } catch (SetClosedException setDied) {
            return moveListener();
        } catch (ErrnoException e) {
            return onAcceptFailure(e);
        }
        return take(fd);
    }

    /** Admits and serves (or dispatches) one connection; false when the accept loop was handed off (the
     * thread was the connection's from its first park on). */
    private boolean take(int fd) throws IOException {
        if (backoffNanos != 0) {
            backoffNanos = 0;
            LOG.log(Level.INFO, "{0}: accept resumed on fd {1}", name, Integer.toString(listenerFile.fd()));
        }
        Connection connection = admission.admit(fd);
        if (connection == null) {
            return true;
        }
        if (!admission.serveOnAcceptor()) {
            admission.dispatch(connection);
            return true;
        }
        long since = System.nanoTime() | 1; // odd: never IDLE or TAKEN
        servingSince = since;
        connection.beforeFirstBlock(() -> handOffBeforePark(since)); // hand the accept loop on, once
        Throwable failed = null;
        try {
            admission.serve(connection);
        } catch (Throwable t) {
            failed = t; // settled below like any end: a thread that handed off must not loop again (two loops)
        }
        if (!SERVING_SINCE.compareAndSet(this, since, IDLE)) {
            return false; // handed off: this thread was the connection's
        }
        Thread.interrupted(); // a handler's interrupt is the connection's business: the accept loop goes on
        return failed == null || backOff(failed);
    }

    /**
     * Run by a connection served here, just before its first park: the accept loop moves to a new thread —
     * if this connection's episode still has it (a stale hand-off must not take a later episode's).
     */
    private void handOffBeforePark(long since) {
        if (SERVING_SINCE.compareAndSet(this, since, TAKEN)) {
            restart();
        }
    }

    /**
     * The server's watchdog, every sweeper tick: a connection served on the accepting thread for longer than
     * {@link #TAKEOVER_NANOS} (its handler blocks on something other than its connection, or computes) gets the
     * accept loop taken from it. Never throws.
     */
    void watch(long now) {
        if (restartPending) {
            restart();
            return;
        }
        long since = servingSince;
        if (since != IDLE && since != TAKEN && now - since >= TAKEOVER_NANOS
                && SERVING_SINCE.compareAndSet(this, since, TAKEN)) {
            if (!tookOverOnce) {
                tookOverOnce = true;
                LOG.log(Level.INFO, "{0}: a connection served on the accepting thread held it for over 50 ms (its "
                        + "handler waits on something else, or computes); a new thread took over accepting "
                        + "(serveOnAcceptor; logged once)", name);
            }
            restart();
        }
    }

    /** Starts the accept loop on a new thread; if that fails, the watchdog tries again next tick. */
    private void restart() {
        restartPending = false; // before the start: the new loop's own failed hand-off may set it again
        try {
            start();
        } catch (Throwable e) {
            restartPending = true;
            LOG.log(Level.WARNING, BACKOFF_MESSAGE, e);
        }
    }

    /** The listener's set died: accept through another; false when the loop should end instead. */
    private boolean moveListener() {
        if (admission.stopped()) {
            return false;
        }
        Item moved;
        try {
            moved = admission.relocate(listenerFile);
        } catch (Throwable e) {
            return backOff(e); // and try again
        }
        if (moved == null) {
            LOG.log(Level.WARNING, "{0}: its poll set died and no live set takes its listener; it stops (a shared "
                    + "listener is still accepted from by the other acceptors)", name);
            return false;
        }
        listener = moved;
        LOG.log(Level.WARNING, "{0}: its poll set died; it now accepts through set {1}", name,
                Integer.toString(moved.setIndex()));
        return true;
    }

    /** Returns false when the acceptor should stop (the listener closed during the back-off). */
    private boolean onAcceptFailure(ErrnoException e) {
        if (!e.isResourceExhaustion()) {
            // ECONNABORTED and friends: that connection is gone; the listener is fine.
            if (e.errno() != Errno.ECONNABORTED) {
                LOG.log(Level.WARNING, "{0}: accept failed, continuing: {1}", name, e.getMessage());
            }
            return true;
        }
        return backOff(e);
    }

    /**
     * One step of a back-off episode: the first step logs (once per episode) and counts it; then the acceptor
     * sleeps on the listener itself, so a new connection or a shutdown ends the pause early. Never throws.
     *
     * @return false when the acceptor should stop (the listener closed meanwhile)
     */
    private boolean backOff(Throwable cause) {
        if (backoffNanos == 0) {
            backoffNanos = FIRST_BACKOFF_NANOS;
            try {
                metrics.acceptBackoffEpisode();
                if (cause instanceof ErrnoException e && e.isResourceExhaustion()) {
                    LOG.log(Level.WARNING, "{0}: accept is out of resources ({1}); backing off, existing connections "
                            + "are still served", name, Errno.name(e.errno()));
                } else {
                    LOG.log(Level.WARNING, BACKOFF_MESSAGE, cause);
                }
            } catch (Throwable e) {
                // a counter that cannot grow, a name that cannot be built: nothing changes here
            }
        } else {
            backoffNanos = Math.min(backoffNanos * 2, MAX_BACKOFF_NANOS);
        }
        try {
            WaitResult r = listener.awaitInput(backoffNanos);
            return r != WaitResult.FILE_CLOSED && (r != WaitResult.SET_CLOSED || !admission.stopped());
        } catch (Throwable armFailed) {
            // could not add input interest (out of memory too?): sleep the back-off plainly instead
            try {
                LockSupport.parkNanos(backoffNanos);
            } catch (Throwable ignored) {
                // go round again at once
            }
            return listenerFile.isOpen();
        }
    }
}

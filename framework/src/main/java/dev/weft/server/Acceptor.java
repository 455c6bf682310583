package dev.weft.server;

import dev.weft.poller.Carrier;
import dev.weft.poller.CpuWait;
import dev.weft.poller.Diagnostics;
import dev.weft.poller.Doze;
import dev.weft.poller.sys.EPoll;
import dev.weft.poller.sys.Errno;
import dev.weft.poller.sys.ErrnoException;
import dev.weft.poller.sys.Tasks;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One accepting platform thread on one listening socket. It sleeps in accept4 ({@link ListeningSocket}),
 * registers each new connection (the one EPOLL_CTL_ADD) and starts the connection's virtual thread — so a
 * connection that finds the server idle wakes this thread straight from the kernel, and no virtual thread ever
 * waits for a listener (issue 13: 13 → 8 syscalls per sequential connection, nginx 7). The connection thread's
 * first run — until it finishes or first parks — runs on this thread, mounted on it as on a carrier
 * ({@link ConnectionThreads}: 8 → 5); a first run that holds it (computing, or blocked outside the JDK's and weft's
 * parking) is left to finish here while {@link AcceptorWatch} starts a fresh acceptor on the same listener and
 * {@link #release releases} this one, whose loop ends when that run does.
 *
 * <p>Nothing but the listener's close (or a takeover) ends it (issue 10, defects A and 3): running out of fds or
 * memory (EMFILE, ENFILE, ENOBUFS, ENOMEM), a connection whose registration or thread start fails, any other
 * {@code Throwable} — a log line whose formatter cannot open the time-zone database, a class that cannot be
 * loaded — each makes it back off (5 ms doubling to 1 s, cut short by {@link #wake} at shutdown), log once per
 * episode (through {@link Diagnostics}, which cannot throw), keep the existing connections served, and resume
 * when accepting works again — as nginx, Tomcat and libuv do.
 *
 * <pre>
 * Threading: run() is the body of thread, started once by start(); backoffNanos and errno are touched only by
 * it. thread: volatile, written once by start(), read by wake() and awaitStopped(). runs: written only by the
 * thread (opaque: +1 as it takes a connection on, +1 once admission and dispatch returned; odd while a first
 * run may hold it; the odd write is volatile and followed by the watch's Doze wake, so a dozing watch wakes to
 * watch it), read by the watch. released: volatile, set once by the watch. watchSeen, cpuWait: the watch only.
 * tid: volatile, written once by the thread as it starts.
 * left: counted down when the loop ends, when start() fails, or on release(); awaitStopped() waits for it.
 * </pre>
 */
final class Acceptor implements Runnable {
    static final System.Logger LOG = Diagnostics.guard(System.getLogger(Acceptor.class.getName()));
    private static final long FIRST_BACKOFF_NANOS = 5_000_000L;
    private static final long MAX_BACKOFF_NANOS = 1_000_000_000L;

    /** What the acceptor does with an accepted fd. */
    interface Admission {
        /** Registers the connection; null when it was refused (cap, shutdown) and closed; throws if it failed. */
        Connection admit(int fd) throws IOException;

        /**
         * Serves it on a new virtual thread from {@code threads}, whose first run may be on the calling thread;
         * throws (the connection closed and counted) if it cannot start.
         */
        void dispatch(Connection connection, ConnectionThreads threads);

        /** The poller's carriers, one per set; empty unless it runs in CARRIER mode. */
        default List<Carrier> carriers() {
            return List.of();
        }
    }

    private final String name;
    private final ListeningSocket listener;
    private final Admission admission;
    private final ServerMetrics metrics;
    private final ThreadStarts threadStarts;
    private final boolean inlineFirstRuns;
    private final Doze watch;             // the AcceptorWatch's: woken as a dispatch begins
    private final long firstBackoffNanos;
    private final long maxBackoffNanos;
    private final MemorySegment errno = Arena.ofAuto().allocate(EPoll.captureLayout()); // the thread only
    private volatile Thread thread;       // written once, by start()
    private long backoffNanos;            // the thread only; 0 outside an episode
    private long runs;                    // written by the thread only (opaque, RUNS); odd while dispatching
    private volatile boolean released;    // set once, by release()
    private long watchSeen = -1;          // the watch only: runs at its last tick
    private final CpuWait cpuWait = new CpuWait(); // the watch only: whether a held run only waits for a CPU
    private volatile int tid;             // the thread's kernel id, written as it starts (0 before)
    private final CountDownLatch left = new CountDownLatch(1);

    private static final VarHandle RUNS;

    static {
        try {
            RUNS = MethodHandles.lookup().findVarHandle(Acceptor.class, "runs", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    Acceptor(String name, ListeningSocket listener, Admission admission, ServerMetrics metrics,
             ThreadStarts threadStarts, boolean inlineFirstRuns, Doze watch) {
        this(name, listener, admission, metrics, threadStarts, inlineFirstRuns, watch, FIRST_BACKOFF_NANOS,
                MAX_BACKOFF_NANOS);
    }

    /** With other back-off pauses (tests: a pause long enough that only a wake can end it in time). */
    Acceptor(String name, ListeningSocket listener, Admission admission, ServerMetrics metrics,
             ThreadStarts threadStarts, boolean inlineFirstRuns, Doze watch, long firstBackoffNanos,
             long maxBackoffNanos) {
        this.inlineFirstRuns = inlineFirstRuns;
        this.watch = watch;
        this.firstBackoffNanos = firstBackoffNanos;
        this.maxBackoffNanos = maxBackoffNanos;
        this.name = name;
        this.listener = listener;
        this.admission = admission;
        this.metrics = metrics;
        this.threadStarts = threadStarts;
    }

    /** Starts the accept loop on its platform thread (a daemon, as virtual threads are). */
    void start() {
        Thread t = Thread.ofPlatform().daemon().name(name).unstarted(this);
        thread = t;
        try {
            threadStarts.start(t);
        } catch (Throwable e) {
            left.countDown(); // it never ran: nothing to wait for
            throw e;
        }
    }

    /** Cuts a back-off pause short: called once the listener is closed, so the loop sees it and ends. */
    void wake() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Waits, at most {@code millis}, for the accept loop to end, or for this acceptor to be released (its thread
     * then finishes a connection's first run, which the server's drain waits for as for any connection); at once
     * if it never started.
     *
     * @return false if it was still in its loop when the time ran out
     */
    boolean awaitStopped(long millis) throws InterruptedException {
        Thread t = thread;
        if (t == null) {
            return true;
        }
        if (!left.await(millis, TimeUnit.MILLISECONDS)) {
            return false;
        }
        if (released) {
            return true; // its thread finishes a first run: a connection, which the drain waits for
        }
        t.join(millis); // the loop has ended: the thread is about to
        return !t.isAlive();
    }

    String name() {
        return name;
    }

    /** The listener this accepts on (a successor takes over the same one). */
    ListeningSocket listener() {
        return listener;
    }

    /** A fresh acceptor on the same listener, not started, to take over from this one. */
    Acceptor successor(String successorName) {
        return new Acceptor(successorName, listener, admission, metrics, threadStarts, inlineFirstRuns, watch,
                firstBackoffNanos, maxBackoffNanos);
    }

    /** The watch's read of the dispatch count: odd while a connection is being dispatched on this thread. */
    long runs() {
        return (long) RUNS.getOpaque(this);
    }

    /** For the watch alone: {@link #runs} as it saw it at its last tick (-1 before the first). */
    long watchSeen() {
        return watchSeen;
    }

    void watchSeen(long seen) {
        watchSeen = seen;
    }

    /** For the watch alone: tells a first run that holds this thread from a thread that waits for a CPU. */
    CpuWait cpuWait() {
        return cpuWait;
    }

    /** The thread's kernel id; 0 before it started. */
    int tid() {
        return tid;
    }

    /** Ends the loop after the dispatch in progress (a successor has taken the listener over). */
    void release() {
        released = true;
        left.countDown();
    }

    @Override
    public void run() {
        try {
            tid = Tasks.gettid();
            ConnectionThreads threads = ConnectionThreads.forThisAcceptor(inlineFirstRuns, admission.carriers(),
                    threadStarts);
            while (!released && acceptOne(threads)) {
                // until the listener closes, or a successor takes over
            }
        } finally {
            left.countDown();
        }
    }

    /** One accept and what follows; false when the loop must end (the listener closed). */
    private boolean acceptOne(ConnectionThreads threads) {
        try {
            int fd = listener.accept(errno);
            if (fd == ListeningSocket.CLOSED) {
                return false; // shutdown, or the server failed
            }
            take(fd, threads);
            return true;
        } catch (ErrnoException e) {
            return onAcceptFailure(e);
        } catch (Throwable failed) {
            // Whatever it was — a failed registration or thread start (the connection was closed and counted),
            // an out-of-memory, a class that could not be loaded — the acceptor carries on.
            return backOff(failed);
        }
    }

    /** Admits one connection and starts its thread (whose first run may run here). */
    private void take(int fd, ConnectionThreads threads) throws IOException {
        if (backoffNanos != 0) {
            backoffNanos = 0;
            LOG.log(Level.INFO, "{0}: accept resumed on fd {1}", name, Integer.toString(listener.fd()));
        }
        long before = runs; // this thread is the only writer
        RUNS.setVolatile(this, before + 1); // odd: the watch may see a first run holding this thread
        watch.wake(); // after the volatile write: a dozing watch sees the odd count or is woken
        try {
            Connection connection = admission.admit(fd);
            if (connection != null) {
                admission.dispatch(connection, threads);
            }
        } finally {
            RUNS.setOpaque(this, before + 2);
        }
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
     * One step of a back-off episode: the first step logs (once per episode) and counts it; then the thread
     * sleeps the pause, which {@link #wake} cuts short at shutdown. Never throws.
     *
     * @return false when the acceptor should stop (the listener closed meanwhile)
     */
    private boolean backOff(Throwable cause) {
        if (backoffNanos == 0) {
            backoffNanos = firstBackoffNanos;
            try {
                metrics.acceptBackoffEpisode();
                if (cause instanceof ErrnoException e && e.isResourceExhaustion()) {
                    LOG.log(Level.WARNING, "{0}: accept is out of resources ({1}); backing off, existing connections "
                            + "are still served", name, Errno.name(e.errno()));
                } else {
                    LOG.log(Level.WARNING, "an acceptor could not take a connection; it backs off, existing "
                            + "connections are still served", cause);
                }
            } catch (Throwable e) {
                // a counter that cannot grow, a name that cannot be built: nothing changes here
            }
        } else {
            backoffNanos = Math.min(backoffNanos * 2, maxBackoffNanos);
        }
        if (listener.isOpen()) { // a wake() before this park leaves its permit: the park returns at once
            LockSupport.parkNanos(this, backoffNanos);
        }
        return listener.isOpen();
    }
}

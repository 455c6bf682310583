package dev.weft.server;

import dev.weft.poller.Diagnostics;
import dev.weft.poller.Doze;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps accepting going when a connection's first run holds its acceptor ({@link ConnectionThreads}). It reads
 * each acceptor's dispatch count every {@link #BUSY_LOOK_NANOS} while some acceptor is inside a dispatch, every
 * {@link #IDLE_LOOK_NANOS} while none is; one that shows the same odd count at three looks in a row has spent at
 * least two looks inside one dispatch — a first run that computes, or blocks its platform thread in native code
 * or file I/O — unless its thread spent the last look mostly waiting for a CPU ({@link CpuWait}: a busy core held
 * it up, not its run; the watch then waits another look). The watch then starts a fresh acceptor on the same
 * listener, puts it in the held one's place in the server's list, and releases the held one: its thread finishes
 * that run and ends. So a listener whose acceptor is held accepts again 4 to 6 ms after the holding run began (14
 * at most, after an idle spell), plus a thread start, and the held run goes on beside it on another core. Each
 * takeover is counted ({@link ServerStats#acceptorTakeovers()}); the first is logged, at INFO: a fresh process's
 * first requests, loading classes, often take one. Once the listener is closed (the server's close) a held
 * acceptor is only released: its run is a connection the drain waits for.
 *
 * <p>After {@link #DOZE_AFTER_LOOKS} idle looks in which no acceptor took a connection, the watch sleeps untimed
 * ({@link Doze}) until an acceptor begins a dispatch and wakes it: a server no client connects to has no watch
 * waking up, and one that accepts is watched as before.
 *
 * <pre>
 * Threading: one platform daemon thread per server that runs first runs inline; started by start(), ended by
 * close() (which joins it). acceptors: the server's CopyOnWriteArrayList; only this thread replaces entries, and
 * only until close() returned. stopping: volatile. successors, logged, failing, quietLooks: this thread only (or
 * a test that calls tick() on a watch it did not start). doze: shared with the acceptors, which wake it.
 *
 * Failures: a tick that throws (no memory for a thread) is logged once per run of failures and the next tick
 * tries again — the held acceptor is still held, so it is taken over then. A successor that fails to start is
 * not installed; the held acceptor stays in the list, unreleased, and the next tick retries.
 * </pre>
 */
final class AcceptorWatch {
    /** Between looks while some acceptor is inside a dispatch: a run seen at three looks held it twice this. */
    static final long BUSY_LOOK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** Between looks while no acceptor is inside a dispatch. */
    static final long IDLE_LOOK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Idle looks (10 ms apart) in which no acceptor took a connection before the watch dozes: 100 ms. */
    static final int DOZE_AFTER_LOOKS = 10;
    private static final long DOZE = -1;
    private static final System.Logger LOG = Diagnostics.guard(System.getLogger(AcceptorWatch.class.getName()));

    private final List<Acceptor> acceptors;
    private final ServerMetrics metrics;
    private final ThreadStarts threadStarts;
    private final Doze doze;
    private final Thread thread;
    private volatile boolean stopping;
    private int successors;         // this thread only: names the successors
    private boolean logged;         // this thread only: the first takeover was logged
    private boolean failing;        // this thread only: the last tick failed (logged once per run of failures)
    private int quietLooks;         // this thread only: idle looks in a row in which no acceptor took a connection

    AcceptorWatch(List<Acceptor> acceptors, ServerMetrics metrics, ThreadStarts threadStarts, Doze doze) {
        this.acceptors = acceptors;
        this.doze = doze;
        this.metrics = metrics;
        this.threadStarts = threadStarts;
        this.thread = Thread.ofPlatform().daemon().name("weft-acceptor-watch").unstarted(this::run);
    }

    void start() {
        threadStarts.start(thread);
    }

    /** Stops the watch and waits for its thread: no acceptor is replaced once this returns. */
    void close() throws InterruptedException {
        stopping = true;
        LockSupport.unpark(thread);
        if (thread.getState() != Thread.State.NEW) {
            thread.join();
        }
    }

    private void run() {
        long wait = IDLE_LOOK_NANOS;
        while (!stopping) {
            if (wait == DOZE) {
                doze.sleep(this::noneDispatching);
            } else {
                LockSupport.parkNanos(this, wait);
            }
            if (stopping) {
                return;
            }
            wait = IDLE_LOOK_NANOS; // after a failed look too: the next one is due in a while
            try {
                if (tick()) {
                    wait = BUSY_LOOK_NANOS;
                } else if (quietLooks >= DOZE_AFTER_LOOKS && noneDispatching()) {
                    wait = DOZE;
                }
                failing = false;
            } catch (Throwable e) {
                if (!failing) {
                    failing = true;
                    LOG.log(Level.WARNING, "the acceptor watch failed a tick; it tries again", e);
                }
            }
        }
    }

    /**
     * One look at every acceptor; replaces each that has been held since the last look.
     *
     * @return whether some acceptor was inside a dispatch (the next look comes sooner)
     */
    boolean tick() {
        boolean busy = false;
        boolean took = false;
        for (int i = 0; i < acceptors.size(); i++) {
            Acceptor acceptor = acceptors.get(i);
            long runs = acceptor.runs();
            boolean held = (runs & 1) != 0 && runs == acceptor.watchSeen();
            busy |= (runs & 1) != 0;
            took |= runs != acceptor.watchSeen();
            acceptor.watchSeen(runs);
            if (held) {
                if (!acceptor.listener().isOpen()) {
                    acceptor.release(); // closing: nothing to take over; the server's close need not wait for it
                } else if (!acceptor.cpuWait().waitOneLook(acceptor.tid(), runs, System.nanoTime())) {
                    takeOver(i, acceptor);
                } // else its thread waited for a CPU, not for its run: the next look (2 ms) decides
            }
        }
        quietLooks = busy || took ? 0 : quietLooks + 1;
        return busy;
    }

    /** Whether no acceptor is inside a dispatch now (the last look before dozing). */
    private boolean noneDispatching() {
        for (Acceptor acceptor : acceptors) {
            if ((acceptor.runs() & 1) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether the watch sleeps untimed until an acceptor takes a connection (tests). */
    boolean dozing() {
        return doze.dozing() && thread.getState() == Thread.State.WAITING;
    }

    private void takeOver(int index, Acceptor held) {
        String base = held.name().replaceFirst("\\.\\d+$", ""); // weft-acceptor-0.3 -> weft-acceptor-0
        Acceptor successor = held.successor(base + "." + ++successors);
        successor.start(); // throws if it cannot: the held one stays, and the next tick tries again
        acceptors.set(index, successor);
        held.release();
        metrics.acceptorTakeover();
        if (!logged) {
            logged = true;
            LOG.log(Level.INFO, "a connection''s first run held {0} for over {1} ms; {2} took its listener over "
                    + "(a fresh process''s first requests load classes; if acceptorTakeovers keeps growing, handlers "
                    + "compute or block in native code or file I/O before their first park). Only this first one "
                    + "is logged", held.name(), Long.toString(TimeUnit.NANOSECONDS.toMillis(2 * BUSY_LOOK_NANOS)),
                    successor.name());
        }
    }
}

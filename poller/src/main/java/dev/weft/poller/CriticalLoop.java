package dev.weft.poller;

import java.lang.System.Logger.Level;
import java.util.concurrent.locks.LockSupport;

/**
 * The failure policy of a thread the poller cannot do without (a set's poller thread, the master poller, the
 * timeout sweeper): every iteration of its loop is guarded; a failed one — whatever it threw, an
 * {@code OutOfMemoryError} included — is logged once per run of failures (through {@link Diagnostics}, which
 * cannot throw), followed by a short back-off (1 ms doubling to 64 ms), and the loop goes on. Only
 * {@link #GIVE_UP_AFTER} failures in a row (about 0.7 s of nothing but failures) make the thread give up; its
 * owner then fails loudly (a dead set, a dead poller) instead of leaving a thread that looks alive and does
 * nothing (issue 10, defects A and B).
 *
 * <pre>
 * Threading: one instance per critical thread, used only by that thread; failures is also read racily by the
 * registry dump.
 * </pre>
 */
final class CriticalLoop {
    /** Consecutive failed iterations after which the thread gives up. */
    static final int GIVE_UP_AFTER = 16;
    private static final long FIRST_BACKOFF_NANOS = 1_000_000L;
    private static final long MAX_BACKOFF_NANOS = 64_000_000L;
    private static final System.Logger LOG = Diagnostics.guard(System.getLogger(Poller.class.getName()));

    private final String failedMessage; // built up front: a failing iteration must not have to build strings
    private int consecutive;            // owner thread only
    private long backoffNanos;          // owner thread only
    private volatile long failures;     // written by the owner thread only

    CriticalLoop(String threadName) {
        this.failedMessage = threadName + ": an iteration failed; the thread carries on";
    }

    /** Called after an iteration that completed: ends a run of failures. */
    void succeeded() {
        consecutive = 0;
        backoffNanos = 0;
    }

    /**
     * Called after an iteration that threw {@code t}: logs the first failure of a run, backs off, and tells the
     * thread whether to go on. Never throws.
     *
     * @return true to run the next iteration, false to give up (the caller then fails its set or poller loudly)
     */
    boolean survive(Throwable t) {
        consecutive++;
        failures++;
        if (consecutive >= GIVE_UP_AFTER) {
            return false;
        }
        if (consecutive == 1) {
            LOG.log(Level.WARNING, failedMessage, t);
        }
        backoffNanos = backoffNanos == 0 ? FIRST_BACKOFF_NANOS : Math.min(backoffNanos * 2, MAX_BACKOFF_NANOS);
        try {
            LockSupport.parkNanos(this, backoffNanos);
        } catch (Throwable parkFailed) {
            // out of memory even for a timer: go on without the pause
        }
        return true;
    }

    /** Failed iterations since the thread started. */
    long failures() {
        return failures;
    }
}

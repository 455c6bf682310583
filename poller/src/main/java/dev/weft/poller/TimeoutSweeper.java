package dev.weft.poller;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps the long timeouts of a poller's waiters without a timer task per wait. A waiter whose timeout is at
 * least {@link #COARSE_FROM_NANOS} parks untimed and publishes its timeout in its item, without reading the clock;
 * every {@link #TICK_NANOS} this thread walks each set's token table (the array the poller thread already reads),
 * fixes the deadline of each wait that began since the last sweep (from a clock read after it saw the wait), and
 * unparks the waiters whose deadline has passed. A wait then ends between its timeout and two ticks after it —
 * never earlier. Shorter timeouts keep LockSupport.parkNanos, exact to the scheduler's resolution.
 *
 * <p>After {@link #DOZE_AFTER_SWEEPS} sweeps in a row that found no coarse wait, the thread sleeps untimed
 * ({@link Doze}); the next coarse wait wakes it as it begins ({@link PollSet#coarseWaitBegan}, after publishing
 * its timeout), so a poller with no connection waiting costs no wake-up — and one with connections sweeps on.
 *
 * <p>Why: with thousands of connections each read and write carries an idle/read/write timeout; parkNanos on a
 * virtual thread schedules (and mostly cancels) one timer task per wait. Here a wait costs two volatile writes
 * and no clock read (keep-alive's wait for the next request is one per request), and a sweep of 10,000 items
 * costs a few tens of microseconds, 20 times a second.
 *
 * <pre>
 * Threading: one platform daemon thread per Poller (a TickThread). The sweep reads slot tables and item fields
 * lock-free (acquire), touches no fd and takes no reference: it can run on a set being closed and only unparks
 * threads. quietSweeps: the sweeper's thread only. The Doze is shared with the sets, whose waiters wake it.
 *
 * Failures (issue 10, defect B: an OutOfMemoryError used to end this thread, and no idle, read, write or head
 * timeout fired again): each sweep is guarded (the TickThread's CriticalLoop); a failed one is logged once per
 * run and the next tick sweeps again — a missed tick only delays a timeout. After CriticalLoop.GIVE_UP_AFTER
 * failed sweeps in a row the sweeper reports its death (onDeath), and the Poller fails loudly: its timeouts no
 * longer hold.
 * </pre>
 */
final class TimeoutSweeper implements AutoCloseable {
    /** A sweep runs this often: the most a coarse wait can overrun its deadline. */
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** Timeouts at least this long are kept by the sweeper (a tick is then at most 5 % of the timeout). */
    static final long COARSE_FROM_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Sweeps in a row that found no coarse wait before the sweeper dozes: 100 ms. */
    static final int DOZE_AFTER_SWEEPS = 2;

    private final PollSet[] sets;
    private final TickThread thread;
    private int quietSweeps; // sweeps in a row that found no coarse wait

    TimeoutSweeper(PollSet[] sets, Doze doze, Faults faults, Consumer<Throwable> onDeath) {
        this.sets = sets;
        this.thread = new TickThread("weft-timeouts", -2, Faults.Step.SWEEP, faults, TICK_NANOS, this::sweep, doze,
                () -> sweepAll() == 0, onDeath);
    }

    void start() {
        thread.start();
    }

    /** One sweep; returns the time to the next ({@link TickThread#DOZE}: no coarse wait to keep). */
    private long sweep() {
        quietSweeps = sweepAll() == 0 ? quietSweeps + 1 : 0;
        return quietSweeps >= DOZE_AFTER_SWEEPS ? TickThread.DOZE : TICK_NANOS;
    }

    /** Sweeps every set; returns the coarse waits seen. */
    private int sweepAll() {
        long now = System.nanoTime();
        assert now > 0 : "Item's deadline slots take nanoTime for positive (CLOCK_MONOTONIC): " + now;
        int waits = 0;
        for (PollSet set : sets) {
            waits += set.expireDeadlines(now);
        }
        return waits;
    }

    /** Whether the sweeper sleeps untimed until a coarse wait begins (tests). */
    boolean dozing() {
        return thread.dozing();
    }

    /** Sweeps that failed since start (survived or not). */
    long failures() {
        return thread.failures();
    }

    @Override
    public void close() {
        thread.close();
    }
}

package dev.weft.poller;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps the long timeouts of a poller's waiters without a timer task per wait. A waiter whose timeout is at
 * least {@link #COARSE_FROM_NANOS} parks untimed and publishes its deadline in its item; every
 * {@link #TICK_NANOS} this thread walks each set's token table (the array the poller thread already reads) and
 * unparks the waiters whose deadline has passed. A wait then ends between its deadline and one tick later —
 * never earlier. Shorter timeouts keep LockSupport.parkNanos, exact to the scheduler's resolution.
 *
 * <p>Why: with thousands of connections each read and write carries an idle/read/write timeout; parkNanos on a
 * virtual thread schedules (and mostly cancels) one timer task per wait. Here a wait costs two volatile writes,
 * and a sweep of 10,000 items costs a few tens of microseconds, 20 times a second.
 *
 * <pre>
 * Threading: one platform daemon thread per Poller. stopping: volatile, set once by close(). The sweep reads
 * slot tables and item fields lock-free (acquire), touches no fd and takes no reference: it can run on a set
 * being closed and only unparks threads.
 * </pre>
 */
final class TimeoutSweeper implements AutoCloseable {
    /** A sweep runs this often: the most a coarse wait can overrun its deadline. */
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** Timeouts at least this long are kept by the sweeper (a tick is then at most 5 % of the timeout). */
    static final long COARSE_FROM_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final PollSet[] sets;
    private final Thread thread;
    private volatile boolean stopping;

    TimeoutSweeper(PollSet[] sets) {
        this.sets = sets;
        this.thread = Thread.ofPlatform().daemon().name("weft-timeouts").unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    private void run() {
        while (!stopping) {
            LockSupport.parkNanos(this, TICK_NANOS);
            long now = System.nanoTime();
            for (PollSet set : sets) {
                set.expireDeadlines(now);
            }
        }
    }

    @Override
    public void close() {
        stopping = true;
        LockSupport.unpark(thread);
        boolean interrupted = false;
        while (true) {
            try {
                thread.join(); // at once if it never started
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

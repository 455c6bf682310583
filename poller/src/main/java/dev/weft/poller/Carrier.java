package dev.weft.poller;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The run queue of one poll set's platform poller thread in {@link PollerMode#CARRIER}: the tasks handed to it
 * (a virtual thread's runs, when the thread was built with this carrier as its scheduler) run on the poller
 * thread between two polls, and the poller blocks in epoll_wait only when the queue is empty. A thread the
 * poller unparks is queued here by the poller itself and runs on it with no hand-off: no futex, no master, no
 * re-arm — a keep-alive request costs its read, its write and a share of one epoll_wait, as in an event loop.
 *
 * <p>The hazard of any event loop: a task that neither finishes nor parks (it computes, or blocks the thread in
 * native code or file I/O) holds every connection of the set, and keeps them off the other cores. The poller's
 * {@link CarrierWatch} looks at {@link #runs} every 2 ms while a task runs; the same odd count at three looks (and
 * a thread that did not just wait for a CPU: {@link CpuWait}) and it hands the loop to another thread
 * ({@link #handOver}), which carries on polling and running the queue while the held one finishes its task and
 * leaves.
 *
 * <p>After 100 ms in which no task ran and every loop blocked in epoll_wait, the watch dozes ({@link Doze}); a
 * loop wakes it as it returns from epoll_wait ({@link #awake}), before it runs anything.
 *
 * <pre>
 * Locking and lifetime
 *
 *   queue      lock-free MPMC; offered by any thread, taken by the loop's thread (and, across exit, by a
 *              submitter taking its own task back).
 *   sleeping   volatile, CAS. The loop sets it before its last look at the queue and blocks only if the queue is
 *              still empty; a submitter offers first, then reads it and, if it CASes it true -> false, writes the
 *              set's eventfd. Both sides write, then read, a volatile: at least one sees the other, so a task is
 *              never left in the queue of a blocked poller.
 *              The watch dozes only after it saw sleeping set on every carrier (Doze's handshake: awake() writes
 *              sleeping false, then wakes the watch's Doze).
 *   loopTid    volatile, written by each thread as it enters the loop, read by the watch (CpuWait): a look
 *              right after a takeover may still read the held thread's id, and only defers or not once.
 *   exited     volatile, set once by the loop's thread as it leaves; submit() then refuses, and a task offered
 *              across the exit is either run by the loop's last drain or taken back and refused — never both.
 *   runs       +1 (opaque) by the loop's thread before a task; after it, the loop's thread CASes it +1 again.
 *              The watch CASes a held (odd) count +1 to hand the loop over: the held thread's CAS then fails and
 *              it leaves without touching the loop's state; the successor goes on from the new even count (the
 *              count only grows, so the held thread's expected value never comes back).
 * </pre>
 */
public final class Carrier {
    private static final VarHandle SLEEPING;
    private static final VarHandle RUNS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SLEEPING = lookup.findVarHandle(Carrier.class, "sleeping", boolean.class);
            RUNS = lookup.findVarHandle(Carrier.class, "runs", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Tasks run per round before the poller looks at its epoll fd again (a yielding thread cannot starve I/O). */
    static final int BATCH = 256;

    private final PollSet set;
    private final Doze watch; // the CarrierWatch's: woken as the loop wakes
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private volatile boolean sleeping; // CAS (SLEEPING)
    private volatile boolean exited;
    private volatile long runs;        // see the header (RUNS)
    private volatile int loopTid;      // the kernel id of the loop's current thread, written as it enters (0: none yet)

    Carrier(PollSet set, Doze watch) {
        this.set = set;
        this.watch = watch;
    }

    /**
     * Queues {@code task} to run on this set's poller thread, waking it if it is blocked in epoll_wait.
     *
     * @param task what to run (a virtual thread's continuation, typically)
     * @return false if the carrier has stopped (its set closed or died): the caller must run the task elsewhere
     */
    public boolean submit(Runnable task) {
        if (exited) {
            return false;
        }
        queue.offer(task);
        if (exited && queue.remove(task)) {
            return false; // the loop left without seeing it: the caller runs it elsewhere
        }
        if (sleeping && (boolean) SLEEPING.compareAndSet(this, true, false)) {
            set.wake();
        }
        return true;
    }

    /**
     * Called by the loop before it polls: true if the queue is empty and the loop may block (sleeping is then
     * set), false if it must only look (timeout 0).
     */
    boolean mayBlock() {
        if (!queue.isEmpty()) {
            return false;
        }
        sleeping = true;
        if (!queue.isEmpty()) {
            sleeping = false;
            return false;
        }
        return true;
    }

    /** Called by the loop after it polled, before it runs anything: a dozing watch wakes to watch it. */
    void awake() {
        sleeping = false;
        watch.wake();
    }

    /**
     * Runs up to {@link #BATCH} queued tasks on the loop's thread.
     *
     * @return false if the loop was handed to another thread while a task ran: the caller must leave at once
     */
    boolean runBatch() {
        for (int i = 0; i < BATCH; i++) {
            Runnable task = queue.poll();
            if (task == null) {
                return true;
            }
            if (!run(task)) {
                return false;
            }
        }
        return true;
    }

    /** Runs one task; false if the loop was handed over meanwhile. A task's own failure is rethrown after. */
    private boolean run(Runnable task) {
        long before = runs; // even; only the loop's thread writes an even count
        RUNS.setOpaque(this, before + 1);
        Throwable failed = null;
        try {
            task.run();
        } catch (Throwable e) {
            failed = e;
        }
        if (!RUNS.compareAndSet(this, before + 1, before + 2)) {
            return false;
        }
        if (failed instanceof RuntimeException r) {
            throw r;
        } else if (failed != null) {
            throw (Error) failed; // Runnable.run throws nothing checked
        }
        return true;
    }

    /**
     * Called by the loop's thread as it leaves: refuses further tasks and runs those already queued (each may
     * park again; its next run is then refused here and goes elsewhere).
     */
    void exit() {
        exited = true;
        Runnable task;
        while ((task = queue.poll()) != null) {
            try {
                if (!run(task)) {
                    return; // handed over while closing: the successor drains the rest
                }
            } catch (RuntimeException | Error e) {
                // the continuation's own failure, on a thread about to end: keep draining
            }
        }
    }

    /** Called by a thread as it enters the loop (the first, or a successor): its kernel thread id. */
    void entered(int tid) {
        loopTid = tid;
    }

    /** The kernel id of the thread that entered the loop last; 0 before any did. */
    int loopTid() {
        return loopTid;
    }

    /** The run count: odd while a task runs, +2 per task run. What the watch compares across looks. */
    long runs() {
        return runs;
    }

    /**
     * Takes the loop from the thread whose task has been running since count {@code held}: true if that task
     * is still running (its thread will leave when it returns, and the caller's successor must now run the
     * loop), false if it returned meanwhile (the loop is still its thread's).
     */
    boolean handOver(long held) {
        return RUNS.compareAndSet(this, held, held + 1);
    }

    /** Whether the loop is about to block, or blocked, in epoll_wait (tests). */
    boolean sleeping() {
        return sleeping;
    }

    /** Whether the loop has left for good (the set closed or died). */
    boolean exited() {
        return exited;
    }
}

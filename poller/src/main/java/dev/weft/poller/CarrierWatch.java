package dev.weft.poller;

import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Finds a carrier held by one task ({@link Carrier}'s hazard) and hands its set's loop to a fresh platform
 * thread, on a thread of its own ({@code weft-carrier-watch}). It looks at every carrier every
 * {@link #BUSY_LOOK_NANOS} while some task is running, every {@link #IDLE_LOOK_NANOS} while none is; a task
 * running at three looks in a row has held its carrier for at least 4 ms and has the loop taken from it — unless
 * its thread spent the last look's interval mostly waiting for a CPU ({@link CpuWait}: a busy core, not its
 * task, held it up, and a successor would wait for the same core), when the watch waits another look. So a
 * computing or blocking task keeps its set's other connections waiting 4 to 6 ms (14 at most, after an idle
 * spell), and they go on on another core meanwhile, as they would on the JDK's scheduler.
 *
 * <p>After {@link #DOZE_AFTER_LOOKS} idle looks in which no task ran, with every loop blocked in epoll_wait, the
 * watch sleeps untimed ({@link Doze}) until a loop returns from epoll_wait ({@link Carrier#awake}): an idle
 * server's watch costs nothing, and one that serves looks as before.
 *
 * <p>The successor is started before the loop is taken from the held thread and waits for the verdict: if the
 * held task returned meanwhile, the hand-over fails, the successor ends at once and nothing changed; if the
 * start itself fails (no memory for a thread), the held thread keeps the loop, the watch's CriticalLoop logs the
 * failure and the next look tries again. Each loop thread holds its own reference to the set.
 *
 * <pre>
 * Threading: look() runs on the watch's thread only (a TickThread), the one writer of every field here (seen,
 * ran, cpuWaits, quietLooks, logged, successors: that thread only); takeovers is also read by stats
 * (volatile). The doze is shared with the carriers, which wake it. The first takeover is logged at INFO (once
 * per watch), the rest only counted. If the watch itself gives up (CriticalLoop), the poller fails loudly
 * (onDeath): a held set would no longer be recovered.
 * </pre>
 */
final class CarrierWatch implements AutoCloseable {
    private static final System.Logger LOG = Diagnostics.guard(System.getLogger(Poller.class.getName()));

    /** Between looks while some task runs: a task seen at three looks has held its carrier twice this at least. */
    static final long BUSY_LOOK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** Between looks while no task runs. */
    static final long IDLE_LOOK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Idle looks (10 ms apart) with no task run before the watch dozes: 100 ms. */
    static final int DOZE_AFTER_LOOKS = 10;

    private final PollSet[] sets;
    private final Carrier[] carriers;
    private final long[] seen;        // per set: the running count at the last look, or -1
    private final long[] ran;         // per set: the run count at the last look
    private final CpuWait[] cpuWaits; // per set: whether a held run's thread only waits for a CPU
    private int quietLooks;           // idle looks in a row with no task run
    private final Function<PollSet, Runnable> loop; // the body of a poller thread for a set
    private final Faults faults;
    private final TickThread thread;
    private volatile long takeovers;  // written by the watch's thread only; read by stats
    private boolean logged;           // the watch's thread only
    private long successors;          // the watch's thread only

    CarrierWatch(PollSet[] sets, Carrier[] carriers, Doze doze, Function<PollSet, Runnable> loop, Faults faults,
            Consumer<Throwable> onDeath) {
        this.sets = sets;
        this.carriers = carriers;
        this.seen = new long[sets.length];
        Arrays.fill(seen, -1);
        this.ran = new long[sets.length];
        this.cpuWaits = new CpuWait[sets.length];
        Arrays.setAll(cpuWaits, i -> new CpuWait());
        this.loop = loop;
        this.faults = faults;
        this.thread = new TickThread("weft-carrier-watch", -3, Faults.Step.WATCH, faults, IDLE_LOOK_NANOS,
                this::look, doze, this::allBlocked, onDeath);
    }

    void start() {
        thread.start();
    }

    /** One look at every carrier; returns the time to the next ({@link TickThread#DOZE}: none is due). */
    private long look() {
        boolean busy = false;
        boolean anyRan = false;
        for (PollSet set : sets) {
            Carrier carrier = carriers[set.index];
            long runs = carrier.runs();
            anyRan |= runs != ran[set.index];
            ran[set.index] = runs;
            long running = (runs & 1) == 1 ? runs : -1;
            long last = seen[set.index];
            seen[set.index] = running;
            if (running < 0 || carrier.exited()) {
                continue;
            }
            busy = true;
            if (running == last && !cpuWaits[set.index].waitOneLook(carrier.loopTid(), running, System.nanoTime())) {
                takeOver(set, carrier, running);
            }
        }
        quietLooks = busy || anyRan ? 0 : quietLooks + 1;
        if (busy) {
            return BUSY_LOOK_NANOS;
        }
        return quietLooks >= DOZE_AFTER_LOOKS && allBlocked() ? TickThread.DOZE : IDLE_LOOK_NANOS;
    }

    /** Whether every loop is blocked in epoll_wait (or about to) with nothing queued, or has left. */
    private boolean allBlocked() {
        for (Carrier carrier : carriers) {
            if (!carrier.sleeping() && !carrier.exited()) {
                return false;
            }
        }
        return true;
    }

    private void takeOver(PollSet set, Carrier carrier, long held) {
        CompletableFuture<Boolean> verdict = new CompletableFuture<>();
        Thread successor = Thread.ofPlatform().daemon().name("weft-poller-" + set.index + "." + (++successors))
                .unstarted(() -> {
                    if (verdict.join()) {
                        loop.apply(set).run();
                    } else {
                        set.release(1);
                    }
                });
        if (!set.tryAcquire()) {
            return; // the set is freed: nothing left to poll
        }
        try {
            faults.start(successor, set.index);
        } catch (Throwable e) {
            set.release(1); // the held thread keeps the loop; the watch logs this and the next look tries again
            throw e;
        }
        Thread heldThread = set.pollerThread();
        set.pollerThread(successor); // first: close() must wait for whichever thread ends up running the loop
        if (carrier.handOver(held)) {
            verdict.complete(true);
            takeovers++; // one writer: no lost update
            if (!logged) {
                logged = true;
                LOG.log(Level.INFO, "weft poll set {0}: a task held its carrier {1} for 4 ms or more; {2} took "
                        + "its loop over (further takeovers are only counted)",
                        set.index, heldThread.getName(), successor.getName());
            }
        } else {
            set.pollerThread(heldThread); // its task returned meanwhile: the loop is still its
            verdict.complete(false);
        }
    }

    /** Carriers taken over since the poller opened. */
    long takeovers() {
        return takeovers;
    }

    /** Whether the watch sleeps untimed until a loop wakes (tests). */
    boolean dozing() {
        return thread.dozing();
    }

    /** Looks that failed since start. */
    long failures() {
        return thread.failures();
    }

    @Override
    public void close() {
        thread.close();
    }
}

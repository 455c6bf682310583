package dev.weft.poller;

import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Finds a carrier held by one task ({@link Carrier}'s hazard) and hands its set's loop to a fresh platform
 * thread. Runs on the timeout sweeper's thread, after each sweep (every 50 ms): a task running at two looks in a
 * row — between 50 and 100 ms — has its loop taken over, so a set polls and runs its other threads again within
 * 100 ms of a task that computes or blocks its carrier.
 *
 * <p>The successor is started before the loop is taken from the held thread and waits for the verdict: if the
 * held task returned meanwhile, the hand-over fails, the successor ends at once and nothing changed; if the
 * start itself fails (no memory for a thread), the held thread keeps the loop, the sweeper logs the failure
 * (its CriticalLoop) and the next tick tries again.
 * Each loop thread holds its own reference to the set.
 *
 * <pre>
 * Threading: look() runs on the sweeper's thread only, the one writer of every field here; takeovers is also
 * read by stats (volatile). The first takeover is logged at INFO (once per watch), the rest only counted.
 * </pre>
 */
final class CarrierWatch {
    private static final System.Logger LOG = Diagnostics.guard(System.getLogger(Poller.class.getName()));

    private final PollSet[] sets;
    private final Carrier[] carriers;
    private final Function<PollSet, Runnable> loop; // the body of a poller thread for a set
    private final Faults faults;
    private volatile long takeovers; // written by the sweeper's thread only; read by stats
    private boolean logged;          // the sweeper's thread only
    private long successors;         // the sweeper's thread only

    CarrierWatch(PollSet[] sets, Carrier[] carriers, Function<PollSet, Runnable> loop, Faults faults) {
        this.sets = sets;
        this.carriers = carriers;
        this.loop = loop;
        this.faults = faults;
    }

    /** One look at every carrier; called by the sweeper after each sweep. */
    void look() {
        for (PollSet set : sets) {
            Carrier carrier = carriers[set.index];
            long held = carrier.heldSinceLastLook();
            if (held >= 0 && !carrier.exited()) {
                takeOver(set, carrier, held);
            }
        }
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
            set.release(1); // the held thread keeps the loop; the sweeper logs this and the next tick tries again
            throw e;
        }
        Thread heldThread = set.pollerThread();
        set.pollerThread(successor); // first: close() must wait for whichever thread ends up running the loop
        if (carrier.handOver(held)) {
            verdict.complete(true);
            takeovers++; // one writer: no lost update
            if (!logged) {
                logged = true;
                LOG.log(Level.INFO, "weft poll set {0}: a task held its carrier {1} for 50-100 ms; {2} took its "
                        + "loop over (further takeovers are only counted)",
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
}

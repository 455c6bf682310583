package dev.weft.poller;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * What a {@link Poller} says when one of its threads gives up (design.md §12): a set's poller thread (that set is
 * dead; the poller goes on with the others), the master, the sweeper or the carrier watch (the poller has failed),
 * or the last live set's thread (the poller has failed). Each death is logged once at ERROR; the poller's failure
 * is recorded once and reported to its owner once.
 *
 * <pre>
 * Threading: called by the dying threads themselves, after they have closed what they own.
 *   deadSets  AtomicInteger: sets whose poller thread gave up.
 *   failure   AtomicReference, set once (CAS): the poller can no longer serve; the thread whose CAS set it logs
 *             and calls onFailure. A closing poller (closing says so) does not fail.
 * </pre>
 */
final class PollerDeaths {
    private static final System.Logger LOG = Diagnostics.guard(System.getLogger(Poller.class.getName()));

    private final int setCount;
    private final BooleanSupplier closing;
    private final Consumer<? super Throwable> onFailure;
    private final AtomicInteger deadSets = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    PollerDeaths(int setCount, BooleanSupplier closing, Consumer<? super Throwable> onFailure) {
        this.setCount = setCount;
        this.closing = closing;
        this.onFailure = onFailure;
    }

    /** The poller thread of set {@code index} gave up ({@code cause} null: it ended because the set closed). */
    void setDied(int index, Throwable cause) {
        if (cause == null) {
            return;
        }
        try {
            int dead = deadSets.incrementAndGet();
            LOG.log(Level.ERROR, () -> "weft poll set " + index + ": its poller thread died; its registrations were "
                    + "released (waiters woke with SET_CLOSED) and new ones go to the " + (setCount - dead)
                    + " live sets", cause);
            if (dead == setCount) {
                fail(cause);
            }
        } catch (Throwable reportFailed) {
            fail(cause); // cannot even count: do not leave the poller looking alive
        }
    }

    void masterDied(Throwable cause) {
        LOG.log(Level.ERROR, "weft master poller died; every poll set was closed", cause);
        fail(cause);
    }

    void sweeperDied(Throwable cause) {
        LOG.log(Level.ERROR, "weft timeout sweeper died; timeouts of one second or more no longer fire", cause);
        fail(cause);
    }

    void watchDied(Throwable cause) {
        LOG.log(Level.ERROR, "weft carrier watch died; a task that holds its poller thread is no longer taken over",
                cause);
        fail(cause);
    }

    /** Why the poller can no longer serve, or null. */
    Throwable failure() {
        return failure.get();
    }

    private void fail(Throwable cause) {
        if (closing.getAsBoolean() || !failure.compareAndSet(null, cause)) {
            return;
        }
        LOG.log(Level.ERROR, "weft poller failed: it can no longer serve", cause);
        try {
            onFailure.accept(cause);
        } catch (Throwable ignored) {
            // the owner's callback must not throw; nothing more to do here
        }
    }
}

package dev.weft.poller;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Lets a watch thread that looks at something on a timer sleep untimed while there is nothing to look at, and be
 * woken by the first thing that gives it work — so an idle server's watches cost nothing. (Each wake-up of a
 * parked platform thread costs ~20 CPU-µs on the reference VM; the three watches, looking every 10 to 50 ms,
 * cost an idle one-core server 10.7 ms of CPU a second before they dozed.)
 *
 * <p>The handshake is Dekker's. The active side publishes its activity with a volatile write, then calls
 * {@link #wake}; the watch publishes {@code dozing}, then looks once more ({@code stillQuiet}, which reads what the
 * active side writes) and parks only if that look finds nothing. Volatile accesses are totally ordered, so either
 * the watch's last look sees the activity or wake() sees {@code dozing} and unparks the watch: activity published
 * before a wake() is never slept through.
 *
 * <pre>
 * Threading: dozing is volatile; set true and back to false by the watch's thread in sleep(), CASed true -> false
 * by wake() (the caller whose CAS succeeds unparks the watch). watcher: volatile, written by the watch's thread in
 * sleep() before dozing, so a wake() that sees dozing sees the thread to unpark. A wake() racing the watch's own
 * return leaves it a permit: its next timed park returns at once, and it looks once more than it needed to.
 * </pre>
 */
public final class Doze {
    private static final VarHandle DOZING;

    static {
        try {
            DOZING = MethodHandles.lookup().findVarHandle(Doze.class, "dozing", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile boolean dozing; // CAS (DOZING); see the header
    private volatile Thread watcher; // the watch's thread, once it first slept

    /**
     * Wakes the watch if it dozes; else costs one volatile read. Call it after publishing the activity with a
     * volatile write (or a full fence).
     */
    public void wake() {
        if (dozing && (boolean) DOZING.compareAndSet(this, true, false)) {
            LockSupport.unpark(watcher);
        }
    }

    /**
     * The watch's thread: publishes that it dozes, then parks until {@link #wake} (or any unpark, or spuriously)
     * unless {@code stillQuiet} — its last look, made after the publication — finds activity. Returns not dozing.
     */
    public void sleep(BooleanSupplier stillQuiet) {
        watcher = Thread.currentThread();
        dozing = true;
        if (stillQuiet.getAsBoolean()) {
            LockSupport.park(this);
        }
        dozing = false;
    }

    /** Whether the watch is dozing (or about to park to doze): tests and stats. */
    public boolean dozing() {
        return dozing;
    }
}

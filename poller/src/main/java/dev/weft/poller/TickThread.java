package dev.weft.poller;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A platform daemon thread that parks, runs one step, and parks again for as long as the step asks, until closed:
 * the thread of the {@link TimeoutSweeper} and of the {@link CarrierWatch}. A step that throws is logged by the
 * thread's {@link CriticalLoop} and the next tick runs again; after {@link CriticalLoop#GIVE_UP_AFTER} failed steps
 * in a row the thread reports its death ({@code onDeath}, which fails the poller loudly) and ends. A step that
 * has nothing to look at returns {@link #DOZE}: the thread then sleeps untimed on its {@link Doze} (if
 * {@code stillQuiet} agrees once the dozing is published) until the activity's side wakes it.
 *
 * <pre>
 * Threading: stopping is volatile, set once by close(); critical is used by this thread only (its failure count
 * is read racily by stats). Everything else is final; the Doze is shared with the side that wakes it.
 * </pre>
 */
final class TickThread implements AutoCloseable {
    /** Returned by a step: nothing to look at; sleep until the {@link Doze} is woken. */
    static final long DOZE = -1;

    private final Thread thread;
    private final int faultIndex;      // the thread's index in Faults (THREAD_START, and its step)
    private final Faults.Step faultStep;
    private final Faults faults;
    private final long firstParkNanos;
    private final LongSupplier step;   // runs one tick; returns the nanoseconds to park before the next
    private final Consumer<Throwable> onDeath;
    private final CriticalLoop critical;
    private final Doze doze;
    private final BooleanSupplier stillQuiet; // the last look before dozing, made after the Doze is published
    private volatile boolean stopping;

    TickThread(String name, int faultIndex, Faults.Step faultStep, Faults faults, long firstParkNanos,
            LongSupplier step, Doze doze, BooleanSupplier stillQuiet, Consumer<Throwable> onDeath) {
        this.faultIndex = faultIndex;
        this.faultStep = faultStep;
        this.faults = faults;
        this.firstParkNanos = firstParkNanos;
        this.step = step;
        this.doze = doze;
        this.stillQuiet = stillQuiet;
        this.onDeath = onDeath;
        this.critical = new CriticalLoop(name);
        this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this::run);
    }

    void start() {
        faults.start(thread, faultIndex);
    }

    private void run() {
        long park = firstParkNanos;
        while (!stopping) {
            try {
                if (park == DOZE) {
                    doze.sleep(stillQuiet);
                } else {
                    LockSupport.parkNanos(this, park);
                }
                faults.at(faultStep, faultIndex);
                park = step.getAsLong();
                critical.succeeded();
            } catch (Throwable e) {
                if (park == DOZE) {
                    park = firstParkNanos; // the next look comes on time, not after a doze
                }
                if (!critical.survive(e)) {
                    try {
                        onDeath.accept(e);
                    } catch (Throwable ignored) {
                        // the Poller's report is guarded itself
                    }
                    return;
                }
            }
        }
    }

    /** Whether the thread sleeps untimed, waiting for its Doze to be woken (tests). */
    boolean dozing() {
        return doze.dozing() && thread.getState() == Thread.State.WAITING;
    }

    /** Steps that failed since start (survived or not). */
    long failures() {
        return critical.failures();
    }

    /** Stops the thread and waits for it to end (at once if it never started). */
    @Override
    public void close() {
        stopping = true;
        LockSupport.unpark(thread);
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
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

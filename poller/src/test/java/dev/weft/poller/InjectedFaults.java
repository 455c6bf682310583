package dev.weft.poller;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.poller.sys.ErrnoException;
import java.lang.foreign.Arena;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Faults.Hook} for tests: throws {@code failure} at the {@code nth} call of {@code step} for {@code
 * index} (and, when {@code times} is more than 1, at the calls after it), and records every thread started and
 * every arena allocated so a test can prove a failure left none of them behind.
 */
final class InjectedFaults implements Faults.Hook {
    /** What to throw: an ErrnoException, an unchecked exception or an Error. */
    interface Failure {
        Throwable make();
    }

    private final Faults.Step step;
    private final int index;
    private final int nth;
    private final int times;
    private final Failure failure;
    private final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger thrown = new AtomicInteger();
    final List<Thread> threads = new CopyOnWriteArrayList<>();
    final List<Arena> arenas = new CopyOnWriteArrayList<>();

    InjectedFaults(Faults.Step step, int index, int nth, int times, Failure failure) {
        this.step = step;
        this.index = index;
        this.nth = nth;
        this.times = times;
        this.failure = failure;
    }

    /** Throws once, at the first call of {@code step} for {@code index}. */
    static InjectedFaults once(Faults.Step step, int index, Failure failure) {
        return new InjectedFaults(step, index, 1, 1, failure);
    }

    /** Throws at every call of {@code step} for {@code index}. */
    static InjectedFaults always(Faults.Step step, int index, Failure failure) {
        return new InjectedFaults(step, index, 1, Integer.MAX_VALUE, failure);
    }

    /** Records threads and arenas, throws nothing. */
    static InjectedFaults none() {
        return new InjectedFaults(Faults.Step.SWEEP, Integer.MIN_VALUE, 1, 0, () -> null);
    }

    /** EMFILE from the syscall a step stands for. */
    static Throwable emfile(String syscall) {
        return new ErrnoException(syscall, -1, dev.weft.poller.sys.Errno.EMFILE);
    }

    @Override
    public void at(Faults.Step s, int i) throws ErrnoException {
        if (s != step || i != index) {
            return;
        }
        int call = calls.incrementAndGet();
        if (call >= nth && call < nth + (long) times) {
            thrown.incrementAndGet();
            Throwable t = failure.make();
            if (t instanceof ErrnoException e) {
                throw e;
            } else if (t instanceof RuntimeException r) {
                throw r;
            }
            throw (Error) t;
        }
    }

    @Override
    public void allocated(Arena arena) {
        arenas.add(arena);
    }

    @Override
    public void starting(Thread thread) {
        threads.add(thread);
    }

    /** Every thread started under this hook has ended, and every arena allocated is closed. */
    void assertNothingLeft(String what) throws InterruptedException {
        for (Thread t : threads) {
            if (!t.join(Duration.ofSeconds(20))) {
                fail(what + ": " + t + " still running at " + List.of(t.getStackTrace()));
            }
        }
        for (Arena a : arenas) {
            assertFalse(a.scope().isAlive(), what + ": native memory left allocated");
        }
    }
}

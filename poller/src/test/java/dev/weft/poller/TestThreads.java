package dev.weft.poller;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/**
 * Threads a test starts, all joined by {@link #close()}, which rethrows the first failure of any of them.
 * Also the one way tests wait for a thread to be really parked: its state says so, never a sleep.
 */
public final class TestThreads implements AutoCloseable {
    private final List<Thread> threads = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();

    /** The stress multiplier (-Dweft.stress.factor, 1 by default): rounds = base × factor. */
    public static int rounds(int base) {
        return base * Integer.getInteger("weft.stress.factor", 1);
    }

    public Thread virtual(String name, ThrowingRunnable body) {
        return start(Thread.ofVirtual().name(name).unstarted(wrap(body)));
    }

    public Thread platform(String name, ThrowingRunnable body) {
        return start(Thread.ofPlatform().name(name).unstarted(wrap(body)));
    }

    /** Starts a virtual thread that computes a value. */
    public <T> Result<T> call(String name, Callable<T> body) {
        Result<T> result = new Result<>();
        result.thread = virtual(name, () -> result.value = body.call());
        return result;
    }

    private Thread start(Thread t) {
        synchronized (threads) {
            threads.add(t);
        }
        t.start();
        return t;
    }

    private Runnable wrap(ThrowingRunnable body) {
        return () -> {
            try {
                body.run();
            } catch (Throwable t) {
                synchronized (failures) {
                    failures.add(t);
                }
            }
        };
    }

    /** Joins every started thread (bounded: a hang fails instead of wedging the build). */
    @Override
    public void close() throws Exception {
        List<Thread> copy;
        synchronized (threads) {
            copy = List.copyOf(threads);
        }
        for (Thread t : copy) {
            if (!t.join(java.time.Duration.ofSeconds(60))) {
                fail("thread did not finish: " + t + " at " + List.of(t.getStackTrace()));
            }
        }
        synchronized (failures) {
            if (!failures.isEmpty()) {
                Throwable first = failures.getFirst();
                failures.stream().skip(1).forEach(first::addSuppressed);
                if (first instanceof Exception e) {
                    throw e;
                }
                throw (Error) first;
            }
        }
    }

    /** Waits until {@code t} is parked with {@code blocker} (LockSupport's blocker and the thread state agree). */
    public static void awaitParked(Thread t, Object blocker) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!(LockSupport.getBlocker(t) == blocker
                && (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING))) {
            if (!t.isAlive()) {
                fail(t + " ended instead of parking");
            }
            if (System.nanoTime() > deadline) {
                fail(t + " never parked on " + blocker);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /** Waits until {@code condition} holds (bounded: a condition that never holds fails with {@code what}). */
    public static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("never happened: " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }

    public static final class Result<T> {
        public volatile T value;
        public Thread thread;
    }
}

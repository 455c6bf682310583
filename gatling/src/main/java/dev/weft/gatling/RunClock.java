package dev.weft.gatling;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Seconds since the first virtual user arrived: the time base that maps a user to the level of an
 * {@link ArrivalPlan} it was injected in, and the common deadline of keep-alive connections. Gatling injects the
 * first user at the plan's t = 0, so the first caller sets the origin.
 *
 * <p>Concurrency: the origin is set once by CAS (0 = not yet); readers see it through the atomic.
 */
public final class RunClock {
    private final AtomicLong originNanos = new AtomicLong(); // CAS once from 0; 0 = no user yet

    /** Seconds since the first call (the first caller gets 0). */
    public double elapsedSeconds() {
        long now = System.nanoTime();
        long origin = originNanos.get();
        if (origin == 0 && originNanos.compareAndSet(0, now == 0 ? 1 : now)) {
            return 0;
        }
        return (now - originNanos.get()) / 1e9;
    }
}

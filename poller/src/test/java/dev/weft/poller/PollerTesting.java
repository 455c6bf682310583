package dev.weft.poller;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Failure injection into a running poller, for the modules above (the seam itself is package-private). */
public final class PollerTesting {
    private PollerTesting() {}

    /**
     * Makes the poller threads of the given sets fail every iteration from now on (an OutOfMemoryError after
     * each epoll_wait), and wakes them until each has given up and closed its set (bounded: 20 s). The death
     * then takes the poller's real path: logged, counted, the set's waiters woken with SET_CLOSED.
     */
    public static void killSets(Poller poller, int... indices) {
        Set<Integer> doomed = java.util.Arrays.stream(indices).boxed().collect(java.util.stream.Collectors.toSet());
        poller.faults().hook = (step, index) -> {
            if (step == Faults.Step.POLL && doomed.contains(index)) {
                throw new OutOfMemoryError("injected: poll set " + index + " keeps failing");
            }
        };
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (int index : indices) {
            PollSet set = poller.set(index);
            while (!set.isClosing()) {
                assertTrue(System.nanoTime() < deadline, "poll set " + index + " never gave up");
                set.wake(); // one event, one failed iteration
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // pacing only: the condition is polled
            }
        }
    }
}

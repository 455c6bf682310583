package dev.weft.poller;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** {@link Doze}: a watch sleeps untimed, and activity published before a wake() is never slept through. */
class DozeTest {

    /** A watch parked in sleep() returns once the active side calls wake(). */
    @Test
    void aDozingWatchIsWokenByTheActiveSide() throws Exception {
        Doze doze = new Doze();
        AtomicBoolean active = new AtomicBoolean();
        Thread watch = Thread.ofPlatform().start(() -> {
            while (!active.get()) {
                doze.sleep(() -> !active.get()); // a spurious return looks again
            }
        });
        TestThreads.awaitParked(watch, doze);
        assertTrue(doze.dozing());
        active.set(true);
        doze.wake();
        assertTrue(watch.join(Duration.ofSeconds(60)), "the watch slept through the wake");
        assertFalse(doze.dozing());
    }

    /** A watch whose last look, made after it published that it dozes, finds activity does not park. */
    @Test
    void aLastLookThatFindsActivityDoesNotPark() {
        Doze doze = new Doze();
        AtomicBoolean lookedWhileDozing = new AtomicBoolean();
        doze.sleep(() -> {
            lookedWhileDozing.set(doze.dozing());
            return false; // activity: the calling thread must not park (it would hang this test)
        });
        assertTrue(lookedWhileDozing.get(), "the last look came before dozing was published");
        assertFalse(doze.dozing());
    }

    /**
     * The handshake under races: in each round the active side publishes its activity and calls wake() while the
     * watch dozes on "no activity yet"; the watch always returns (a lost wake-up would park it for good, and the
     * bounded join fails).
     */
    @Test
    void activityPublishedBeforeWakeIsNeverSleptThrough() throws Exception {
        int rounds = 5_000;
        Doze doze = new Doze();
        AtomicBoolean[] activity = new AtomicBoolean[rounds];
        for (int i = 0; i < rounds; i++) {
            activity[i] = new AtomicBoolean();
        }
        CyclicBarrier start = new CyclicBarrier(2);
        Thread watch = Thread.ofPlatform().start(() -> {
            try {
                for (int i = 0; i < rounds; i++) {
                    start.await();
                    AtomicBoolean mine = activity[i];
                    while (!mine.get()) {
                        doze.sleep(() -> !mine.get());
                    }
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        Thread active = Thread.ofPlatform().start(() -> {
            try {
                for (int i = 0; i < rounds; i++) {
                    start.await();
                    if ((i & 1) == 0) {
                        Thread.onSpinWait(); // vary which side gets there first
                    }
                    activity[i].set(true);
                    doze.wake();
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertTrue(active.join(Duration.ofSeconds(60)), "the active side never finished");
        assertTrue(watch.join(Duration.ofSeconds(60)), "the watch slept through a wake-up");
    }
}

package dev.weft.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link PollerMode#CARRIER}: a set's poller thread carries the virtual threads built with its {@link Carrier} as
 * their scheduler, and {@link CarrierWatch} hands the loop of a held carrier to a fresh thread. Virtual threads
 * with a scheduler of one's own come from the JDK's package-private builder, as in weft's framework (the build
 * opens java.lang: pom.xml's weft.jvm.flags).
 */
@ExtendWith(NoFdLeaks.class)
class CarrierTest {

    /** A thread its item's readiness unparks runs on the set's poller thread. */
    @Test
    void aThreadUnparkedByReadinessRunsOnThePollerThread() throws Exception {
        try (Poller poller = Poller.open(new PollerConfig(1, PollerMode.CARRIER, 64))) {
            PollFile[] pair = Fixtures.pair();
            Item item = poller.register(pair[0]);
            AtomicReference<String> carrier = new AtomicReference<>();
            Thread t = onCarrier(poller.carrier(0)).unstarted(() -> {
                try {
                    assertEquals(WaitResult.READY, item.awaitInput());
                    carrier.set(carrierOf(Thread.currentThread()));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            t.start();
            TestThreads.awaitParked(t, item);
            Fixtures.send(pair[1], 1);
            assertTrue(t.join(Duration.ofSeconds(60)));
            assertEquals("weft-poller-0", carrier.get());
            Fixtures.closeAll(pair);
        }
    }

    /** A task submitted from another thread while the poller is blocked in epoll_wait wakes it and runs. */
    @Test
    void aSubmissionWakesABlockedPoller() throws Exception {
        try (Poller poller = Poller.open(new PollerConfig(1, PollerMode.CARRIER, 64))) {
            Carrier carrier = poller.carrier(0);
            for (int round = 0; round < TestThreads.rounds(20); round++) {
                awaitBlocked(poller, carrier);
                CountDownLatch ran = new CountDownLatch(1);
                AtomicReference<String> on = new AtomicReference<>();
                assertTrue(carrier.submit(() -> {
                    on.set(Thread.currentThread().getName());
                    ran.countDown();
                }));
                assertTrue(ran.await(60, TimeUnit.SECONDS), "round " + round);
                assertEquals("weft-poller-0", on.get());
            }
        }
    }

    /**
     * A thread that yields for ever does not keep the poller from polling: another thread of the same carrier
     * still gets its readiness.
     */
    @Test
    void aYieldingThreadDoesNotStarvePolling() throws Exception {
        try (Poller poller = Poller.open(new PollerConfig(1, PollerMode.CARRIER, 64))) {
            PollFile[] pair = Fixtures.pair();
            Item item = poller.register(pair[0]);
            AtomicBoolean stop = new AtomicBoolean();
            Thread.Builder.OfVirtual builder = onCarrier(poller.carrier(0));
            Thread yielder = builder.start(() -> {
                while (!stop.get()) {
                    Thread.yield();
                }
            });
            Thread waiter = builder.unstarted(() -> {
                try {
                    assertEquals(WaitResult.READY, item.awaitInput());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            waiter.start();
            TestThreads.awaitParked(waiter, item);
            Fixtures.send(pair[1], 1);
            boolean served = waiter.join(Duration.ofSeconds(60));
            stop.set(true);
            assertTrue(yielder.join(Duration.ofSeconds(60)));
            assertTrue(served, "the waiter never ran while another thread yielded");
            Fixtures.closeAll(pair);
        }
    }

    /**
     * A task that holds its carrier (it neither finishes nor parks) has the set's loop taken over: another thread
     * of the set is served by a successor while the held task still runs; the held thread leaves once its task
     * returns, and the successor keeps serving.
     */
    @Test
    void aHeldCarrierIsTakenOver() throws Exception {
        try (Poller poller = Poller.open(new PollerConfig(1, PollerMode.CARRIER, 64))) {
            PollFile[] pair = Fixtures.pair();
            Item item = poller.register(pair[0]);
            Carrier carrier = poller.carrier(0);
            Thread first = poller.pollerThread(0);
            AtomicBoolean release = new AtomicBoolean();
            CountDownLatch holding = new CountDownLatch(1);
            assertTrue(carrier.submit(() -> {
                holding.countDown();
                while (!release.get()) {
                    Thread.onSpinWait(); // computes: holds the poller thread
                }
            }));
            assertTrue(holding.await(60, TimeUnit.SECONDS));
            AtomicReference<String> servedOn = new AtomicReference<>();
            Thread waiter = onCarrier(carrier).unstarted(() -> {
                try {
                    for (int i = 0; i < 2; i++) {
                        assertEquals(WaitResult.READY, item.awaitInput());
                        servedOn.set(carrierOf(Thread.currentThread()));
                        Fixtures.drain(pair[0]);
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            waiter.start(); // its first run is queued behind the held task: it runs on the successor
            Fixtures.send(pair[1], 1);
            TestThreads.awaitTrue(() -> servedOn.get() != null, "the waiter served");
            assertEquals("weft-poller-0.1", servedOn.get());
            assertEquals(1, poller.stats().carrierTakeovers());
            assertNotEquals(first, poller.pollerThread(0));
            release.set(true);
            assertTrue(first.join(Duration.ofSeconds(60)), "the held thread left after its task");
            TestThreads.awaitParked(waiter, item);
            Fixtures.send(pair[1], 1);
            assertTrue(waiter.join(Duration.ofSeconds(60)), "the successor keeps serving");
            Fixtures.closeAll(pair);
        }
    }

    /**
     * The watch of an idle poller sleeps untimed; a task that then holds its carrier wakes it (the loop does, as it
     * returns from epoll_wait) and is taken over as if the watch had never dozed.
     */
    @Test
    void aDozingWatchWakesForAHeldCarrier() throws Exception {
        try (Poller poller = Poller.open(new PollerConfig(1, PollerMode.CARRIER, 64))) {
            Carrier carrier = poller.carrier(0);
            Thread first = poller.pollerThread(0);
            TestThreads.awaitTrue(poller::watchDozing, "the watch of an idle poller dozes");
            AtomicBoolean release = new AtomicBoolean();
            try {
                assertTrue(carrier.submit(() -> {
                    while (!release.get()) {
                        Thread.onSpinWait(); // computes: holds the poller thread
                    }
                }));
                TestThreads.awaitTrue(() -> poller.stats().carrierTakeovers() == 1, "the held carrier taken over");
                assertNotEquals(first, poller.pollerThread(0));
            } finally {
                release.set(true);
            }
            assertTrue(first.join(Duration.ofSeconds(60)), "the held thread left after its task");
        }
    }

    /** close() does not wait for a thread a task holds: the watch hands its loop over, and close returns. */
    @Test
    void closeDoesNotWaitForAHeldThread() throws Exception {
        AtomicBoolean release = new AtomicBoolean();
        Thread first;
        try (Poller poller = Poller.open(new PollerConfig(1, PollerMode.CARRIER, 64))) {
            first = poller.pollerThread(0);
            CountDownLatch holding = new CountDownLatch(1);
            assertTrue(poller.carrier(0).submit(() -> {
                holding.countDown();
                while (!release.get()) {
                    Thread.onSpinWait();
                }
            }));
            assertTrue(holding.await(60, TimeUnit.SECONDS));
        } finally {
            assertFalse(release.get());
            release.set(true); // close() returned while the task still held its thread
        }
        assertTrue(first.join(Duration.ofSeconds(60)));
    }

    /** Once the set's loop has ended, the carrier refuses tasks: the caller runs them elsewhere. */
    @Test
    void aStoppedCarrierRefusesTasks() throws Exception {
        Poller poller = Poller.open(new PollerConfig(1, PollerMode.CARRIER, 64));
        Carrier carrier = poller.carrier(0);
        poller.close();
        assertFalse(carrier.submit(() -> { }));
    }

    // ---- helpers ----

    /** Waits until the poller thread is blocked in epoll_wait with an empty queue (its "sleeping" mark set). */
    private static void awaitBlocked(Poller poller, Carrier carrier) {
        Thread t = poller.pollerThread(0);
        TestThreads.awaitTrue(() -> carrier.sleeping() && t.getState() == Thread.State.RUNNABLE
                && java.util.Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getMethodName().equals("await")),
                "the poller blocked in epoll_wait");
    }

    /** A builder of virtual threads scheduled by {@code carrier} (the JDK's scheduler once it refuses). */
    static Thread.Builder.OfVirtual onCarrier(Carrier carrier) throws ReflectiveOperationException {
        Constructor<?> c = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder")
                .getDeclaredConstructor(Executor.class);
        c.setAccessible(true);
        Executor scheduler = task -> {
            if (!carrier.submit(task)) {
                ForkJoinPool.commonPool().execute(task);
            }
        };
        return (Thread.Builder.OfVirtual) c.newInstance(scheduler);
    }

    private static String carrierOf(Thread virtual) {
        String s = virtual.toString(); // VirtualThread[#21,name]/runnable@weft-poller-0
        return s.substring(s.lastIndexOf('@') + 1);
    }
}

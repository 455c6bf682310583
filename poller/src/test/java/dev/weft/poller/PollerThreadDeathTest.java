package dev.weft.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The poller's critical threads under injected failures (issue 10: defect B, poller defect 2, "the master poller
 * dying for real"). One failed iteration is survived without losing a wake-up; a thread that keeps failing gives
 * up loudly — a dead set is logged once, counted, shown in the dump and given no new registrations; a dead
 * master, sweeper or last set fails the poller, which says so (failure(), onFailure, the dump).
 */
@ExtendWith(NoFdLeaks.class)
class PollerThreadDeathTest {
    private static final String POLLER_LOG = Poller.class.getName();

    /**
     * <pre>
     *   reader: parked on item (set 0)
     *   main:   write 1 byte -> the poller's epoll_wait returns the event -> injected failure before dispatch
     *   expect: the reader still wakes (the recovery re-signals every item), the set lives on
     * </pre>
     */
    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void aFailedPollIterationLosesNoWakeup(PollerMode mode) throws Exception {
        assertAWakeupSurvives(mode, Faults.Step.POLL, 0);
    }

    /** The same with the failure in the master, after its epoll_wait consumed the set's one-shot event. */
    @Test
    void aFailedMasterIterationLosesNoWakeup() throws Exception {
        assertAWakeupSurvives(PollerMode.VIRTUAL, Faults.Step.MASTER_POLL, -1);
    }

    private static void assertAWakeupSurvives(PollerMode mode, Faults.Step step, int index) throws Exception {
        InjectedFaults hook = InjectedFaults.once(step, index, () -> new OutOfMemoryError("injected"));
        try (LogCapture log = new LogCapture(POLLER_LOG);
             Poller poller = open(new PollerConfig(1, mode, 16), hook, failure -> fail("poller failed: " + failure));
             TestThreads threads = new TestThreads()) {
            PollFile[] p = Fixtures.pair();
            Item item = poller.register(p[0]);
            var reader = threads.call("reader", () -> item.awaitInput(TimeUnit.SECONDS.toNanos(20)));
            TestThreads.awaitParked(reader.thread, item);
            Fixtures.send(p[1], 1);
            reader.thread.join();
            assertEquals(WaitResult.READY, reader.value, "the wake-up was lost with the failed iteration");
            assertEquals(1, hook.thrown.get());
            PollerStats stats = poller.stats();
            assertEquals(1, stats.loopFailures(), stats.toString());
            assertEquals(0, stats.failedSets(), stats.toString());
            assertEquals(1, log.count(Level.WARNING, "an iteration failed"), log.text());
            // and it goes on serving
            assertEquals(1, Fixtures.drain(p[0]));
            var next = threads.call("reader-2", () -> item.awaitInput(TimeUnit.SECONDS.toNanos(20)));
            TestThreads.awaitParked(next.thread, item);
            Fixtures.send(p[1], 1);
            next.thread.join();
            assertEquals(WaitResult.READY, next.value);
            Fixtures.closeAll(p);
        }
    }

    /**
     * <pre>
     *   set 0: item a, reader parked         set 1: (empty)
     *   main:  writes to a's peer until set 0 is dead; every poll of set 0 fails (injected)
     *   expect: a's reader ends with SET_CLOSED; set 0 counted dead, in the dump, logged once at ERROR;
     *           every new registration lands in set 1; the poller has not failed
     * </pre>
     */
    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void aPollerThreadThatKeepsFailingClosesItsSetAndRegistrationsGoToTheLiveOnes(PollerMode mode)
            throws Exception {
        InjectedFaults hook = InjectedFaults.always(Faults.Step.POLL, 0, () -> new OutOfMemoryError("injected"));
        try (LogCapture log = new LogCapture(POLLER_LOG);
             Poller poller = open(new PollerConfig(2, mode, 16), hook, failure -> fail("poller failed: " + failure));
             TestThreads threads = new TestThreads()) {
            PollFile[] a = Fixtures.pair();
            Item item = poller.register(a[0], 0);
            var reader = threads.call("reader", () -> awaitUntilNotReady(item));
            TestThreads.awaitParked(reader.thread, item);
            feedUntil(a, () -> poller.set(0).isClosing());
            reader.thread.join();
            assertEquals(WaitResult.SET_CLOSED, reader.value);

            PollerStats stats = poller.stats();
            assertEquals(1, stats.failedSets(), stats.toString());
            assertEquals(CriticalLoop.GIVE_UP_AFTER, stats.loopFailures(), stats.toString());
            assertEquals(1, poller.liveSetCount());
            assertNull(poller.failure(), "one set still serves");
            SetInfo dead = poller.dump().sets().get(0);
            assertTrue(dead.failure() instanceof OutOfMemoryError, dead.toString());
            assertTrue(poller.dump().toString().contains("dead"), poller.dump().toString());
            awaitLogged(log, "poll set 0: its poller thread died");

            for (int i = 0; i < 10; i++) { // round-robin would have handed every other one to the dead set
                PollFile[] p = Fixtures.pair();
                assertEquals(1, poller.register(p[0]).setIndex());
                Fixtures.closeAll(p);
            }
            assertEquals(1, log.count(Level.SEVERE, "its poller thread died"), log.text());
            Fixtures.closeAll(a);
        }
    }

    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void whenEverySetIsDeadThePollerFailsLoudly(PollerMode mode) throws Exception {
        InjectedFaults hook = InjectedFaults.always(Faults.Step.POLL, 0, () -> new OutOfMemoryError("injected"));
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        try (LogCapture log = new LogCapture(POLLER_LOG);
             Poller poller = open(new PollerConfig(1, mode, 16), hook, reported::add)) {
            PollFile[] a = Fixtures.pair();
            Item item = poller.register(a[0]);
            assertEquals(WaitResult.TIMED_OUT, item.awaitInput(1_000_000)); // arms input interest
            // failure() is set before onFailure is called: wait for both (the report is on the dying thread)
            feedUntil(a, () -> poller.failure() != null && !reported.isEmpty());
            assertEquals(1, reported.size(), "onFailure called once");
            assertSame(poller.failure(), reported.getFirst());
            assertTrue(poller.dump().toString().contains("FAILED"), poller.dump().toString());
            var e = assertThrows(SetClosedException.class, () -> poller.register(a[1]));
            assertTrue(e.getMessage().contains("every poll set is dead"), e.getMessage());
            awaitLogged(log, "weft poller failed");
            Fixtures.closeAll(a);
        }
    }

    /** The master dying for real: every set closes, every waiter wakes, the poller fails, close() still returns. */
    @Test
    void aMasterThatKeepsFailingFailsEverySetAndThePoller() throws Exception {
        InjectedFaults hook = InjectedFaults.always(Faults.Step.MASTER_POLL, -1,
                () -> new IllegalStateException("injected"));
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        Poller poller = open(new PollerConfig(2, PollerMode.VIRTUAL, 16), hook, reported::add);
        try (LogCapture log = new LogCapture(POLLER_LOG); TestThreads threads = new TestThreads()) {
            PollFile[] a = Fixtures.pair();
            PollFile[] b = Fixtures.pair();
            Item inSet0 = poller.register(a[0], 0);
            Item inSet1 = poller.register(b[0], 1);
            var r0 = threads.call("reader-0", () -> awaitUntilNotReady(inSet0));
            var r1 = threads.call("reader-1", () -> awaitUntilNotReady(inSet1));
            TestThreads.awaitParked(r0.thread, inSet0);
            TestThreads.awaitParked(r1.thread, inSet1);
            feedUntil(a, () -> poller.failure() != null && !reported.isEmpty()); // see above: set, then reported
            r0.thread.join();
            r1.thread.join();
            assertEquals(WaitResult.SET_CLOSED, r0.value);
            assertEquals(WaitResult.SET_CLOSED, r1.value);
            assertEquals(2, poller.stats().failedSets());
            assertEquals(1, reported.size());
            awaitLogged(log, "weft master poller died");
            Fixtures.closeAll(a);
            Fixtures.closeAll(b);
        } finally {
            poller.close(); // returns: every sub-poller saw its set close and exited
        }
        for (SetInfo set : poller.dump().sets()) {
            assertEquals(1, set.frees(), set.toString());
        }
        hook.assertNothingLeft("after the master died");
    }

    /** Defect B: an OutOfMemoryError in a sweep no longer ends the sweeper; coarse timeouts keep firing. */
    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void theSweeperSurvivesAFailedSweep(PollerMode mode) throws Exception {
        InjectedFaults hook = InjectedFaults.once(Faults.Step.SWEEP, -2, () -> new OutOfMemoryError("injected"));
        try (LogCapture log = new LogCapture(POLLER_LOG);
             Poller poller = open(new PollerConfig(1, mode, 16), hook, failure -> fail("poller failed: " + failure));
             TestThreads threads = new TestThreads()) {
            PollFile[] p = Fixtures.pair();
            Item item = poller.register(p[0]);
            // A coarse wait (>= 1 s) is ended only by the sweeper.
            var waiter = threads.call("coarse", () -> item.awaitInput(2 * TimeoutSweeper.COARSE_FROM_NANOS));
            if (!waiter.thread.join(Duration.ofSeconds(20))) {
                fail("the coarse timeout never fired: the sweeper died; " + log.text());
            }
            assertEquals(WaitResult.TIMED_OUT, waiter.value);
            assertEquals(1, hook.thrown.get());
            assertEquals(1, poller.stats().loopFailures());
            Fixtures.closeAll(p);
        }
    }

    /** The sweeper's and the carrier watch's thread (a TickThread each): one that gives up fails the poller. */
    @ParameterizedTest
    @CsvSource({
        "SWEEP, -2, VIRTUAL, weft timeout sweeper died, weft-timeouts",
        "WATCH, -3, CARRIER, weft carrier watch died, weft-carrier-watch"
    })
    void aTickThreadThatKeepsFailingFailsThePoller(Faults.Step step, int index, PollerMode mode, String death,
            String threadName) throws Exception {
        InjectedFaults hook = InjectedFaults.always(step, index, () -> new OutOfMemoryError("injected"));
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        try (LogCapture log = new LogCapture(POLLER_LOG);
             Poller poller = open(new PollerConfig(1, mode, 16), hook, reported::add)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (poller.failure() == null || reported.isEmpty()) { // set, then reported: wait for both
                assertTrue(System.nanoTime() < deadline, threadName + " never gave up");
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            assertTrue(poller.failure() instanceof OutOfMemoryError);
            assertEquals(1, reported.size());
            assertTrue(poller.dump().toString().contains("FAILED"));
            awaitLogged(log, death);
            assertEquals(1, log.count(Level.WARNING, threadName + ": an iteration failed"), log.text());
        }
    }

    // ---- helpers ----

    static Poller open(PollerConfig config, InjectedFaults hook, java.util.function.Consumer<Throwable> onFailure)
            throws java.io.IOException {
        Faults faults = new Faults();
        faults.hook = hook;
        return Poller.open(config, onFailure, faults);
    }

    /** Waits on {@code item} until a wait ends with anything but READY (spurious READYs are allowed). */
    private static WaitResult awaitUntilNotReady(Item item) throws Exception {
        for (;;) {
            WaitResult r = item.awaitInput(TimeUnit.SECONDS.toNanos(30));
            if (r != WaitResult.READY) {
                return r;
            }
            Fixtures.drain(item.file());
        }
    }

    /**
     * Writes a byte into pair {@code p} every millisecond (each one a new edge, so a new event for p[0]'s
     * registration) until {@code done}; drains p[0] as it goes so the socket buffer never fills.
     */
    private static void feedUntil(PollFile[] p, BooleanSupplier done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "the injected failures never took the thread down");
            Fixtures.drain(p[0]);
            Fixtures.send(p[1], 1);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // pacing only: the condition is polled
        }
    }

    private static void awaitLogged(LogCapture log, String text) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (log.count(Level.SEVERE, text) == 0) {
            assertTrue(System.nanoTime() < deadline, "never logged \"" + text + "\":\n" + log.text());
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}

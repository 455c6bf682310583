package dev.weft.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.poller.sys.Errno;
import dev.weft.poller.sys.ErrnoException;
import dev.weft.poller.sys.Fds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Waiting on an item: every way in and out of a park, in every poller mode. */
@ExtendWith(NoFdLeaks.class)
class WaitTest {

    private static Poller open(PollerMode mode) throws Exception {
        return Poller.open(PollerConfig.defaults().withMode(mode).withSets(2));
    }

    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void readinessBeforeTheWaitReturnsAtOnce(PollerMode mode) throws Exception {
        try (Poller poller = open(mode)) {
            PollFile[] p = Fixtures.pair();
            Fixtures.send(p[1], 1);
            Item item = poller.register(p[0]); // the ADD reports the pending byte as an edge
            assertEquals(WaitResult.READY, item.awaitInput());
            Fixtures.closeAll(p);
        }
    }

    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void parkedReaderIsWokenByData(PollerMode mode) throws Exception {
        try (Poller poller = open(mode); TestThreads threads = new TestThreads()) {
            PollFile[] p = Fixtures.pair();
            Item item = poller.register(p[0]);
            var result = threads.call("reader", item::awaitInput);
            TestThreads.awaitParked(result.thread, item);
            Fixtures.send(p[1], 1);
            result.thread.join();
            assertEquals(WaitResult.READY, result.value);
            assertTrue(poller.stats().wakeups() >= 1);
            Fixtures.closeAll(p);
        }
    }

    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void platformThreadCanWaitToo(PollerMode mode) throws Exception {
        try (Poller poller = open(mode); TestThreads threads = new TestThreads()) {
            PollFile[] p = Fixtures.pair();
            Item item = poller.register(p[0]);
            WaitResult[] result = new WaitResult[1];
            Thread t = threads.platform("platform-reader", () -> result[0] = item.awaitInput());
            TestThreads.awaitParked(t, item);
            Fixtures.send(p[1], 1);
            t.join();
            assertEquals(WaitResult.READY, result[0]);
            Fixtures.closeAll(p);
        }
    }

    /** epoll63 analogue: a timed wait with no event returns no earlier than its timeout. */
    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void timedWaitWithoutEventReturnsNoEarlierThanItsTimeout(PollerMode mode) throws Exception {
        try (Poller poller = open(mode)) {
            PollFile[] p = Fixtures.pair();
            Item item = poller.register(p[0]);
            long timeout = TimeUnit.MILLISECONDS.toNanos(50);
            for (int i = 0; i < 5; i++) {
                long start = System.nanoTime();
                assertEquals(WaitResult.TIMED_OUT, item.awaitInput(timeout));
                assertTrue(System.nanoTime() - start >= timeout, "returned before its deadline");
            }
            Fixtures.closeAll(p);
        }
    }

    /**
     * A long timeout (≥ 1 s) is kept by the sweeper: the waiter parks untimed (no timer task) and reads no clock —
     * it publishes its timeout, and the sweeper fixes the deadline. It ends only by timing out, no earlier than its
     * timeout: a stray unpark (here soon after it parked, as a rule before the sweeper fixed its deadline) makes it
     * park again.
     */
    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void longTimedWaitParksUntimedAndTimesOutNoEarlierThanItsDeadline(PollerMode mode) throws Exception {
        try (Poller poller = open(mode); TestThreads threads = new TestThreads()) {
            PollFile[] p = Fixtures.pair();
            Item item = poller.register(p[0]);
            long timeout = TimeUnit.MILLISECONDS.toNanos(1_200);
            long start = System.nanoTime();
            var waiter = threads.call("coarse", () -> item.awaitInput(timeout));
            TestThreads.awaitParked(waiter.thread, item);
            assertEquals(Thread.State.WAITING, waiter.thread.getState(), "a coarse wait must not be a timed park");
            for (int i = 0; i < 3; i++) {
                long parks = poller.stats().parks();
                LockSupport.unpark(waiter.thread);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (poller.stats().parks() == parks) { // it must park again
                    assertTrue(waiter.thread.isAlive(), "a stray unpark ended the wait (" + i + ")");
                    assertTrue(System.nanoTime() < deadline, "the waiter neither parked again nor ended");
                    Thread.onSpinWait();
                }
                TestThreads.awaitParked(waiter.thread, item);
            }
            waiter.thread.join();
            assertEquals(WaitResult.TIMED_OUT, waiter.value);
            assertTrue(System.nanoTime() - start >= timeout, "returned before its deadline");
            Fixtures.closeAll(p);
        }
    }

    /**
     * A sweeper with no coarse wait to keep sleeps untimed (an idle poller wakes no thread); the next coarse wait
     * wakes it as it begins, and times out.
     */
    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void aLongTimedWaitWakesADozingSweeper(PollerMode mode) throws Exception {
        try (Poller poller = open(mode); TestThreads threads = new TestThreads()) {
            PollFile[] p = Fixtures.pair();
            Item item = poller.register(p[0]);
            TestThreads.awaitTrue(poller::sweeperDozing, "the sweeper of an idle poller dozes");
            long timeout = TimeUnit.MILLISECONDS.toNanos(1_000);
            long start = System.nanoTime();
            var waiter = threads.call("coarse", () -> item.awaitInput(timeout));
            assertTrue(waiter.thread.join(Duration.ofSeconds(60)), "the dozing sweeper never timed the wait out");
            assertEquals(WaitResult.TIMED_OUT, waiter.value);
            assertTrue(System.nanoTime() - start >= timeout, "returned before its deadline");
            Fixtures.closeAll(p);
        }
    }

    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void longTimedWaitIsStillWokenByReadiness(PollerMode mode) throws Exception {
        try (Poller poller = open(mode); TestThreads threads = new TestThreads()) {
            PollFile[] p = Fixtures.pair();
            Item item = poller.register(p[0]);
            var waiter = threads.call("coarse", () -> item.awaitInput(TimeUnit.SECONDS.toNanos(30)));
            TestThreads.awaitParked(waiter.thread, item);
            Fixtures.send(p[1], 1);
            waiter.thread.join();
            assertEquals(WaitResult.READY, waiter.value);
            Fixtures.closeAll(p);
        }
    }

    /**
     * epoll61 analogue: a timed wait racing readiness never loses the event. Each round the writer sends one
     * byte at a random moment around the waiter's park; the waiter must see READY before a generous deadline.
     * <pre>
     *   waiter:  awaitInput(10 s) ----park?----> READY
     *   writer:        ---- write(1 byte) ----^    (any time, before or during the park)
     * </pre>
     */
    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void timedWaitRacingReadinessNeverLosesTheEvent(PollerMode mode) throws Exception {
        try (Poller poller = open(mode)) {
            PollFile[] p = Fixtures.pair();
            Item item = poller.register(p[0]);
            for (int round = 0; round < TestThreads.rounds(2_000); round++) {
                try (TestThreads threads = new TestThreads()) {
                    var waiter = threads.call("waiter", () -> item.awaitInput(TimeUnit.SECONDS.toNanos(10)));
                    threads.virtual("writer", () -> Fixtures.send(p[1], 1));
                    waiter.thread.join();
                    assertEquals(WaitResult.READY, waiter.value, "round " + round);
                }
                assertEquals(1, Fixtures.drain(p[0]));
            }
            Fixtures.closeAll(p);
        }
    }

    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void interruptWhileParkedReturnsInterruptedAndKeepsTheFlag(PollerMode mode) throws Exception {
        try (Poller poller = open(mode); TestThreads threads = new TestThreads()) {
            PollFile[] p = Fixtures.pair();
            Item item = poller.register(p[0]);
            boolean[] flag = new boolean[1];
            var result = threads.call("reader", () -> {
                WaitResult r = item.awaitInput();
                flag[0] = Thread.currentThread().isInterrupted();
                return r;
            });
            TestThreads.awaitParked(result.thread, item);
            result.thread.interrupt();
            result.thread.join();
            assertEquals(WaitResult.INTERRUPTED, result.value);
            assertTrue(flag[0], "interrupt status must stay set");
            Fixtures.closeAll(p);
        }
    }

    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void fileCloseWhileParkedReturnsFileClosed(PollerMode mode) throws Exception {
        try (Poller poller = open(mode); TestThreads threads = new TestThreads()) {
            PollFile[] p = Fixtures.pair();
            Item item = poller.register(p[0]);
            var reader = threads.call("reader", item::awaitInput);
            TestThreads.awaitParked(reader.thread, item);
            p[0].close();
            reader.thread.join();
            assertEquals(WaitResult.FILE_CLOSED, reader.value);
            assertTrue(p[0].isClosed());
            assertEquals(0, poller.dump().itemCount());
            p[1].close();
        }
    }

    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void setCloseWhileParkedReturnsSetClosed(PollerMode mode) throws Exception {
        PollFile[] p = Fixtures.pair();
        try (TestThreads threads = new TestThreads()) {
            Poller poller = open(mode);
            Item item = poller.register(p[0]);
            var reader = threads.call("reader", item::awaitInput);
            TestThreads.awaitParked(reader.thread, item);
            poller.close();
            reader.thread.join();
            assertEquals(WaitResult.SET_CLOSED, reader.value);
            assertEquals(WaitResult.SET_CLOSED, item.awaitInput(), "a closed set answers at once");
            assertThrows(SetClosedException.class, () -> poller.register(p[1]));
            assertTrue(p[0].isOpen(), "closing the poller leaves files to their owners");
        }
        Fixtures.closeAll(p);
    }

    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void secondWaiterInTheSameDirectionIsRejected(PollerMode mode) throws Exception {
        try (Poller poller = open(mode); TestThreads threads = new TestThreads()) {
            PollFile[] p = Fixtures.pair();
            Item item = poller.register(p[0]);
            var first = threads.call("first", item::awaitInput);
            TestThreads.awaitParked(first.thread, item);
            IllegalStateException e = assertThrows(IllegalStateException.class, item::awaitInput);
            assertTrue(e.getMessage().contains("already waiting for input"), e.getMessage());
            Fixtures.send(p[1], 1);
            first.thread.join();
            assertEquals(WaitResult.READY, first.value);
            Fixtures.closeAll(p);
        }
    }

    /**
     * A reader and a writer arming the same registration at once (two EPOLL_CTL_MODs): neither interest is lost,
     * so both wake. Many rounds, a fresh registration each.
     * <pre>
     *   reader: awaitInput  -> MOD(IN|RDHUP [|OUT])  -> park      main: (both parked) drain peer, write 1 byte
     *   writer: awaitOutput -> MOD([IN|RDHUP|] OUT)  -> park      expect: both READY
     * </pre>
     */
    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void readerAndWriterArmingAtOnceBothWake(PollerMode mode) throws Exception {
        try (Poller poller = open(mode)) {
            for (int round = 0; round < TestThreads.rounds(200); round++) {
                PollFile[] p = Fixtures.pair();
                Item item = poller.register(p[0]);
                Fixtures.fill(p[0]);
                try (TestThreads threads = new TestThreads()) {
                    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
                    var reader = threads.call("reader", () -> {
                        start.await();
                        return item.awaitInput(TimeUnit.SECONDS.toNanos(20));
                    });
                    var writer = threads.call("writer", () -> {
                        start.await();
                        return item.awaitOutput(TimeUnit.SECONDS.toNanos(20));
                    });
                    TestThreads.awaitParked(reader.thread, item);
                    TestThreads.awaitParked(writer.thread, item);
                    assertTrue(Fixtures.drain(p[1]) > 0);
                    Fixtures.send(p[1], 1);
                    reader.thread.join();
                    writer.thread.join();
                    assertEquals(WaitResult.READY, reader.value, "round " + round);
                    assertEquals(WaitResult.READY, writer.value, "round " + round);
                }
                Fixtures.closeAll(p);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void zeroOrNegativeTimeoutIsRejected(PollerMode mode) throws Exception {
        try (Poller poller = open(mode)) {
            PollFile[] p = Fixtures.pair();
            Item item = poller.register(p[0]);
            assertThrows(IllegalArgumentException.class, () -> item.awaitInput(0));
            assertThrows(IllegalArgumentException.class, () -> item.awaitInput(-5));
            assertThrows(IllegalArgumentException.class, () -> item.awaitOutput(0));
            Fixtures.closeAll(p);
        }
    }

    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void registeringAClosedFileFails(PollerMode mode) throws Exception {
        try (Poller poller = open(mode)) {
            PollFile[] p = Fixtures.pair();
            p[0].close();
            assertThrows(FileClosedException.class, () -> poller.register(p[0]));
            p[1].close();
        }
    }

    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void registeringARegularFileFailsWithEperm(PollerMode mode) throws Exception {
        Path file = Files.createTempFile("weft", ".txt");
        try (Poller poller = open(mode)) {
            PollFile regular = PollFile.of(Fds.open(file.toString(), Fds.O_RDONLY | Fds.O_NONBLOCK));
            ErrnoException e = assertThrows(ErrnoException.class, () -> poller.register(regular));
            assertEquals(Errno.EPERM, e.errno());
            assertTrue(e.getMessage().contains("epoll_ctl(ADD)"), e.getMessage());
            assertEquals(0, poller.dump().itemCount(), "a failed ADD leaves no item behind");
            regular.close();
        } finally {
            Files.delete(file);
        }
    }

    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void writerParksUntilThePeerReads(PollerMode mode) throws Exception {
        try (Poller poller = open(mode); TestThreads threads = new TestThreads()) {
            PollFile[] p = Fixtures.pair();
            Item item = poller.register(p[0]);
            Fixtures.fill(p[0]);
            var writer = threads.call("writer", item::awaitOutput);
            TestThreads.awaitParked(writer.thread, item);
            assertTrue(Fixtures.drain(p[1]) > 0);
            writer.thread.join();
            assertEquals(WaitResult.READY, writer.value);
            Fixtures.closeAll(p);
        }
    }

    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void closedFileCannotBePinned(PollerMode mode) throws Exception {
        PollFile[] p = Fixtures.pair();
        assertTrue(p[0].pin());
        p[0].close();
        assertFalse(p[0].isClosed(), "close(2) waits for the last pin");
        assertFalse(p[0].pin());
        p[0].unpin();
        assertTrue(p[0].isClosed(), "the last unpin closes the fd");
        p[0].close(); // closing twice is a no-op
        p[1].close();
    }
}

package dev.weft.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.poller.sys.EPoll;
import dev.weft.poller.sys.Fds;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The kernel's failures replayed against real poller threads, in both modes (ReleaseRaceTest uses bare sets):
 * the last reference dropped by an exiting poller thread, a file close's removeDying, set close or a MOD's
 * release; deferred close(2) with threads pinned in syscalls; a stale item whose set's epoll fd number was
 * reused; and CVE-2026-46242's set-close side. Rounds scale with -Dweft.stress.factor.
 */
@ExtendWith(NoFdLeaks.class)
class PollerRaceTest {

    /**
     * Every round, released together by a barrier, on a fresh one-set poller with real poller threads:
     * <pre>
     *   closer:  poller.close()      -> set close, poller thread exits and drops its reference (VIRTUAL: the
     *                                   master's one-shot re-arm of the set races it)
     *   file:    f.close()           -> removeDying drops the item's reference
     *   armer:   f's item, awaitOutput(1 ms) then awaitInput(1 ms): MODs, each under tryAcquire/release
     *   feeder:  writes to f's peer -> events for the poller thread to dispatch while all this happens
     * </pre>
     * Expect: the set freed exactly once (frees == 1, refs == 0; free() closes epfd and wakeFd, an EBADF there
     * is an AssertionError), no reference dropped under a lock (asserted in release), every wait ended with
     * an outcome it may have, and no fd left (the class's check).
     */
    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void lastReferenceRacesFreeTheSetExactlyOnce(PollerMode mode) throws Exception {
        Set<WaitResult> allowed = EnumSet.of(WaitResult.READY, WaitResult.TIMED_OUT, WaitResult.FILE_CLOSED,
                WaitResult.SET_CLOSED);
        for (int round = 0; round < TestThreads.rounds(1_000); round++) {
            Poller poller = Poller.open(new PollerConfig(1, mode, 16));
            PollFile[] p = Fixtures.pair();
            Item item = poller.register(p[0]);
            List<WaitResult> outcomes = new ArrayList<>();
            ReleaseRaceTest.race(poller::close, p[0]::close,
                    () -> {
                        outcomes.add(item.awaitOutput(TimeUnit.MILLISECONDS.toNanos(1)));
                        outcomes.add(item.awaitInput(TimeUnit.MILLISECONDS.toNanos(1)));
                    },
                    () -> feed(p[1]));
            poller.close(); // waits for the racing close to finish
            SetInfo set = poller.dump().sets().getFirst();
            assertEquals(1, set.frees(), "round " + round + ": " + set);
            assertEquals(0, set.refs(), "round " + round + ": " + set);
            assertTrue(allowed.containsAll(outcomes), "round " + round + ": " + outcomes);
            assertTrue(p[0].isClosed());
            p[1].close();
        }
    }

    /**
     * Deferred close(2): while threads are pinned in syscalls on a file, its close only marks it; the fd number
     * is closed exactly once, by the last unpin; a socket that then gets the same number, registered anew,
     * receives none of the old registration's events.
     * <pre>
     *   t0..t3: pin; read (EAGAIN) ... hold ... read again; unpin     (each released in turn)
     *   main:   write to the peer (an event for the old registration), close(): CLOSING, fd still open
     *   main:   release t0..t2: fd still open; release t3: closed
     *   main:   new pair, same number -> register, reader parked; a sentinel's event proves the poller ran
     *   expect: the new reader still parked, its input not ready
     * </pre>
     */
    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void closeUnderPinnedSyscallsClosesTheNumberOnceAfterTheLastUnpin(PollerMode mode) throws Exception {
        int pinned = 4;
        try (Poller poller = Poller.open(new PollerConfig(1, mode, 16)); TestThreads threads = new TestThreads()) {
            PollFile[] old = Fixtures.pair();
            Item oldItem = poller.register(old[0]);
            assertEquals(WaitResult.TIMED_OUT, oldItem.awaitInput(1_000_000)); // arms input interest
            int number = old[0].fd();
            String target = Files.readSymbolicLink(fdPath(number)).toString();
            CountDownLatch allPinned = new CountDownLatch(pinned);
            List<CountDownLatch> go = new ArrayList<>();
            List<Thread> holders = new ArrayList<>();
            for (int i = 0; i < pinned; i++) {
                CountDownLatch mine = new CountDownLatch(1);
                go.add(mine);
                holders.add(threads.platform("pinned-" + i, () -> {
                    assertTrue(old[0].pin());
                    try {
                        Fds.read(old[0].fd(), MemorySegment.ofArray(new byte[1])); // EAGAIN, or the byte below
                        allPinned.countDown();
                        assertTrue(mine.await(20, TimeUnit.SECONDS));
                        Fds.read(old[0].fd(), MemorySegment.ofArray(new byte[1])); // the number is still ours
                    } finally {
                        old[0].unpin();
                    }
                }));
            }
            assertTrue(allPinned.await(20, TimeUnit.SECONDS));
            Fixtures.send(old[1], 1); // an event for the old registration
            old[0].close();
            assertFalse(old[0].isOpen());
            for (int i = 0; i < pinned; i++) {
                assertFalse(old[0].isClosed(), "closed while " + (pinned - i) + " syscalls still held the number");
                assertEquals(target, Files.readSymbolicLink(fdPath(number)).toString(), "the number changed hands");
                go.get(i).countDown();
                holders.get(i).join();
            }
            assertTrue(old[0].isClosed(), "the last unpin closes the fd");

            PollFile[] reuse = Fixtures.pair();
            PollFile[] sentinel = Fixtures.pair();
            try {
                assumeTrue(reuse[0].fd() == number, "the kernel handed out another number; nothing to show");
                Item newItem = poller.register(reuse[0]);
                Item sentinelItem = poller.register(sentinel[0]);
                var reader = threads.call("new-reader", newItem::awaitInput);
                TestThreads.awaitParked(reader.thread, newItem);
                var probe = threads.call("sentinel", sentinelItem::awaitInput);
                TestThreads.awaitParked(probe.thread, sentinelItem);
                Fixtures.send(sentinel[1], 1);
                probe.thread.join(); // the poller has run since the old registration's last event
                assertSame(newItem, LockSupport.getBlocker(reader.thread), "woken by the old registration's event");
                assertFalse(newItem.info().inputReady(), "the old registration's event reached the new item");
                Fixtures.send(reuse[1], 1);
                reader.thread.join();
                assertEquals(WaitResult.READY, reader.value);
            } finally {
                Fixtures.closeAll(old[1], reuse[0], reuse[1], sentinel[0], sentinel[1]);
            }
        }
    }

    /**
     * A stale item of a freed set whose epoll fd number now belongs to a new set: its next wait returns
     * SET_CLOSED and issues no MOD on the new set (the new set's fdinfo still shows the new item's token and
     * no interest for the file).
     */
    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void aStaleItemNeverModifiesTheSetThatReusedItsEpfdNumber(PollerMode mode) throws Exception {
        PollFile[] p = Fixtures.pair();
        try {
            Poller first = Poller.open(new PollerConfig(1, mode, 16));
            Item stale = first.register(p[0]);
            int oldEpfd = first.dump().sets().getFirst().epfd();
            first.close();
            assertEquals(1, first.dump().sets().getFirst().frees());
            try (Poller second = Poller.open(new PollerConfig(1, mode, 16))) {
                int newEpfd = second.dump().sets().getFirst().epfd();
                assumeTrue(newEpfd == oldEpfd, "the kernel handed the new set another number; nothing to show");
                Item fresh = second.register(p[0]);
                assertEquals(WaitResult.SET_CLOSED, stale.awaitInput());
                assertEquals(WaitResult.SET_CLOSED, stale.awaitOutput(TimeUnit.SECONDS.toNanos(1)));
                String[] line = fdinfoLine(newEpfd, p[0].fd()); // tfd: N events: HEX data: HEX pos: ...
                assertEquals(fresh.token(), Long.parseUnsignedLong(line[5], 16), String.join(" ", line));
                int interest = EPoll.EPOLLIN | EPoll.EPOLLOUT | EPoll.EPOLLRDHUP;
                assertEquals(0, Integer.parseUnsignedInt(line[3], 16) & interest, String.join(" ", line));
            }
        } finally {
            Fixtures.closeAll(p);
        }
    }

    /**
     * CVE-2026-46242's set-close side: once set close has unlinked an item, nothing touches the file — not the
     * woken waiter, not a late wait on the item: with the file's lock held by the test they all complete, the
     * file is never pinned, and the file's own close then closes the fd at once.
     */
    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void afterSetCloseUnlinksAnItemNothingTouchesTheFile(PollerMode mode) throws Exception {
        PollFile[] p = Fixtures.pair();
        Poller poller = Poller.open(new PollerConfig(1, mode, 16));
        Item item = poller.register(p[0]);
        try (TestThreads threads = new TestThreads()) {
            var waiter = threads.call("waiter", item::awaitInput);
            TestThreads.awaitParked(waiter.thread, item);
            poller.close(); // set close: unlink, release (SET_CLOSED), drop references
            p[0].lock.lock();
            try {
                waiter.thread.join();
                assertEquals(WaitResult.SET_CLOSED, waiter.value);
                var late = threads.call("late", () -> List.of(item.awaitInput(), item.awaitOutput()));
                late.thread.join();
                assertEquals(List.of(WaitResult.SET_CLOSED, WaitResult.SET_CLOSED), late.value);
                assertTrue(p[0].toString().contains("pins=0"), p[0].toString());
                assertFalse(p[0].lock.hasQueuedThreads(), "something wanted the file's lock");
            } finally {
                p[0].lock.unlock();
            }
            p[0].close();
            assertTrue(p[0].isClosed(), "nothing held a pin: close(2) at once");
        } finally {
            Fixtures.closeAll(p);
        }
    }

    /** A few writes, each a new edge for the poller thread; EPIPE once the racing file close has happened. */
    private static void feed(PollFile peer) throws Exception {
        for (int i = 0; i < 3; i++) {
            try {
                Fixtures.send(peer, 1);
            } catch (dev.weft.poller.sys.ErrnoException e) {
                assertTrue(e.isConnectionReset(), e.toString());
                return;
            }
        }
    }

    private static Path fdPath(int fd) {
        return Path.of("/proc/self/fd/" + fd);
    }

    /** The {@code tfd:} line for {@code fd} in an epoll fd's /proc fdinfo, split on blanks. */
    private static String[] fdinfoLine(int epfd, int fd) throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + epfd))) {
            String[] fields = line.trim().split("\\s+");
            if (fields[0].equals("tfd:") && fields[1].equals(String.valueOf(fd))) {
                return fields;
            }
        }
        throw new AssertionError("fd " + fd + " not in epoll fd " + epfd + "'s fdinfo");
    }
}

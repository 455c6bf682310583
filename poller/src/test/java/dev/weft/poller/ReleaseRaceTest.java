package dev.weft.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The interleavings that broke the kernel, thousands of rounds each (× -Dweft.stress.factor). Sets are used
 * without poller threads, so a set's references are exactly: the owner's plus one per item. Every round ends
 * with the same outcome checks: every item released exactly once (Item.release asserts it), every set freed
 * exactly once ({@code frees == 1}, {@code refs == 0}), every fd closed (the class's fd check; a second close
 * of an epoll fd would raise EBADF as an AssertionError), no waiter left parked, and no thread left behind.
 */
@ExtendWith(NoFdLeaks.class)
class ReleaseRaceTest {
    private static final int FILES = 3;

    /**
     * Set close racing file close, both orders left to chance (a barrier releases them together), with several
     * files per set and every file in two sets:
     * <pre>
     *   set A: items a0 a1 a2      thread 1: A.close()   thread 2: B.close()
     *   set B: items b0 b1 b2      thread 3: f0.close(), f1.close(), f2.close()
     *   file fi = {ai, bi}
     * </pre>
     */
    @Test
    void setCloseRacingFileCloseReleasesEverythingExactlyOnce() throws Exception {
        for (int round = 0; round < TestThreads.rounds(2_000); round++) {
            PollSet a = PollSet.open(0, 8);
            PollSet b = PollSet.open(1, 8);
            List<Item> items = new ArrayList<>();
            List<PollFile> files = registeredFiles(a, b, items);
            boolean filesFirst = (round & 1) == 0;
            try (TestThreads waiters = new TestThreads()) {
                List<TestThreads.Result<WaitResult>> results = new ArrayList<>();
                for (Item item : items) { // one parked reader per item: each must be woken by whichever close wins
                    var r = waiters.call("waiter", item::awaitInput);
                    TestThreads.awaitParked(r.thread, item);
                    results.add(r);
                }
                race(filesFirst ? () -> closeAll(files) : a::close, filesFirst ? a::close : () -> closeAll(files),
                        b::close);
                waiters.close(); // joins: a waiter left parked fails here instead of passing
                for (var r : results) {
                    assertTrue(r.value == WaitResult.FILE_CLOSED || r.value == WaitResult.SET_CLOSED,
                            "round " + round + ": waiter ended with " + r.value);
                }
            }
            assertReleased(round, a, b);
            closePeers(files);
        }
    }

    /** Two sets and one file in both, all three closing at once. */
    @Test
    void twoSetsAndOneFileClosingAtOnce() throws Exception {
        for (int round = 0; round < TestThreads.rounds(3_000); round++) {
            PollSet a = PollSet.open(0, 8);
            PollSet b = PollSet.open(1, 8);
            PollFile[] p = Fixtures.pair();
            a.register(p[0]);
            b.register(p[0]);
            race(a::close, b::close, p[0]::close);
            assertReleased(round, a, b);
            assertTrue(p[0].isClosed());
            p[1].close();
        }
    }

    /**
     * Registration racing file close: either the registration wins (and the close then releases the item) or
     * it fails with FileClosedException; never an item left linked to a closed file.
     */
    @Test
    void registerRacingFileCloseLeavesNoItemBehind() throws Exception {
        int registered = 0;
        for (int round = 0; round < TestThreads.rounds(3_000); round++) {
            PollSet set = PollSet.open(0, 8);
            PollFile[] p = Fixtures.pair();
            boolean[] won = new boolean[1];
            race(() -> {
                try {
                    set.register(p[0]);
                    won[0] = true;
                } catch (FileClosedException expected) {
                    // the close came first
                }
            }, p[0]::close);
            registered += won[0] ? 1 : 0;
            SetInfo info = set.info();
            assertEquals(0, info.items().size(), "round " + round + ": item left behind: " + info);
            assertEquals(info.registrations(), info.releases());
            set.close();
            assertReleased(round, set);
            p[1].close();
        }
        assertTrue(registered > 0, "the race never let a registration through; it tested only one order");
    }

    private static List<PollFile> registeredFiles(PollSet a, PollSet b, List<Item> items) throws IOException {
        List<PollFile> files = new ArrayList<>();
        for (int i = 0; i < FILES; i++) {
            PollFile[] p = Fixtures.pair();
            items.add(a.register(p[0]));
            items.add(b.register(p[0]));
            files.add(p[0]);
            files.add(p[1]); // the peer: closed after the round
        }
        return files;
    }

    private static void closeAll(List<PollFile> files) {
        for (int i = 0; i < files.size(); i += 2) {
            files.get(i).close();
        }
    }

    private static void closePeers(List<PollFile> files) {
        for (int i = 1; i < files.size(); i += 2) {
            files.get(i).close();
        }
    }

    private static void assertReleased(int round, PollSet... sets) {
        for (PollSet set : sets) {
            SetInfo info = set.info();
            assertEquals(1, info.frees(), "round " + round + ": set freed " + info.frees() + " times: " + info);
            assertEquals(0, info.refs(), "round " + round + ": references left: " + info);
            assertEquals(info.registrations(), info.releases(), "round " + round + ": " + info);
        }
    }

    /** Runs the actions on platform threads released together by a barrier; joins them all. */
    static void race(TestThreads.ThrowingRunnable... actions) throws Exception {
        CyclicBarrier start = new CyclicBarrier(actions.length);
        try (TestThreads threads = new TestThreads()) {
            for (TestThreads.ThrowingRunnable action : actions) {
                threads.platform("racer", () -> {
                    start.await();
                    action.run();
                });
            }
        }
    }
}

package dev.weft.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Many waiters at once: the kernel selftests' lost-wakeup (epoll60) and maxevents rotation cases. */
@ExtendWith(NoFdLeaks.class)
class WakeupTest {

    /**
     * epoll60 analogue: N virtual threads parked on N fds are all woken when all become ready at once.
     * <pre>
     *   t0..tN-1: awaitInput(item i) -- parked --+
     *   main:     (all parked) write 1 byte to every peer, as fast as it can
     *   expect:   every ti returns READY, every round
     * </pre>
     */
    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void allParkedWaitersWakeWhenAllFdsBecomeReadyAtOnce(PollerMode mode) throws Exception {
        int n = 64;
        try (Poller poller = Poller.open(PollerConfig.defaults().withMode(mode))) {
            List<PollFile[]> pairs = new ArrayList<>();
            List<Item> items = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                PollFile[] p = Fixtures.pair();
                pairs.add(p);
                items.add(poller.register(p[0]));
            }
            for (int round = 0; round < TestThreads.rounds(100); round++) {
                List<TestThreads.Result<WaitResult>> waiters = new ArrayList<>();
                try (TestThreads threads = new TestThreads()) {
                    for (Item item : items) {
                        waiters.add(threads.call("waiter", item::awaitInput));
                    }
                    for (int i = 0; i < n; i++) {
                        TestThreads.awaitParked(waiters.get(i).thread, items.get(i));
                    }
                    for (PollFile[] p : pairs) {
                        Fixtures.send(p[1], 1);
                    }
                }
                for (int i = 0; i < n; i++) {
                    assertEquals(WaitResult.READY, waiters.get(i).value, "round " + round + " waiter " + i);
                    assertEquals(1, Fixtures.drain(pairs.get(i)[0]));
                }
            }
            pairs.forEach(Fixtures::closeAll);
        }
    }

    /** More ready fds than the event buffer holds are all delivered, over successive epoll_wait calls. */
    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void moreReadyFdsThanMaxEventsAreAllDelivered(PollerMode mode) throws Exception {
        int n = 100;
        try (Poller poller = Poller.open(new PollerConfig(1, mode, 4));
             TestThreads threads = new TestThreads()) {
            List<PollFile[]> pairs = new ArrayList<>();
            List<TestThreads.Result<WaitResult>> waiters = new ArrayList<>();
            List<Item> items = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                PollFile[] p = Fixtures.pair();
                pairs.add(p);
                Item item = poller.register(p[0]);
                items.add(item);
                waiters.add(threads.call("waiter", item::awaitInput));
            }
            for (int i = 0; i < n; i++) {
                TestThreads.awaitParked(waiters.get(i).thread, items.get(i));
            }
            for (PollFile[] p : pairs) {
                Fixtures.send(p[1], 1);
            }
            for (var w : waiters) {
                w.thread.join();
                assertEquals(WaitResult.READY, w.value);
            }
            assertEquals(n, poller.stats().wakeups());
            pairs.forEach(Fixtures::closeAll);
        }
    }
}

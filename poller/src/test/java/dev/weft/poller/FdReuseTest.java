package dev.weft.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.poller.sys.Fds;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Nothing is routed by fd number: a reused number gets a new token, and old tokens are dropped. */
@ExtendWith(NoFdLeaks.class)
class FdReuseTest {

    /**
     * Close a registered fd without DEL while a dup keeps its open file description (and so its kernel
     * registration) alive; the same number comes back for a new socket, registered with a new token.
     * <pre>
     *   a0 (fd N, token tA) --dup--> d        close(a0): item released, registration lives on via d
     *   b0 (fd N again, token tB)            write(a1): epoll reports tA -> stale, dropped; b0's waiter sleeps on
     *                                        write(b1): epoll reports tB -> b0's waiter wakes
     * </pre>
     */
    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void reusedFdNumberIsWokenOnlyByItsOwnEventsAndTheDupsTokenIsDropped(PollerMode mode) throws Exception {
        try (Poller poller = Poller.open(new PollerConfig(1, mode, 16)); TestThreads threads = new TestThreads()) {
            PollFile[] a = Fixtures.pair();
            Item oldItem = poller.register(a[0]);
            assertEquals(WaitResult.TIMED_OUT, oldItem.awaitInput(1_000_000)); // arms its input interest
            int number = a[0].fd();
            int dup = Fds.dup(number);
            a[0].close(); // no EPOLL_CTL_DEL; the dup keeps the description registered
            PollFile[] b = Fixtures.pair();
            try {
                assumeTrue(b[0].fd() == number, "the kernel handed out a different number; nothing to show");
                Item newItem = poller.register(b[0]);
                assertNotEquals(oldItem.token(), newItem.token());

                var waiter = threads.call("b0-reader", newItem::awaitInput);
                TestThreads.awaitParked(waiter.thread, newItem);
                long staleBefore = poller.stats().staleEvents();
                Fixtures.send(a[1], 1); // readiness on the old description, old token
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (poller.stats().staleEvents() == staleBefore) {
                    // A stale token routed to the new item would wake the waiter instead: fail, don't spin.
                    assertTrue(waiter.thread.isAlive(), "the new registration was woken by the old fd's event");
                    assertTrue(System.nanoTime() < deadline, "the old token's event never arrived");
                    Thread.onSpinWait();
                }
                assertSame(newItem, LockSupport.getBlocker(waiter.thread), "woken by another file's event");
                Fixtures.send(b[1], 1);
                waiter.thread.join();
                assertEquals(WaitResult.READY, waiter.value);
            } finally {
                Fds.close(dup);
                Fixtures.closeAll(a[1], b[0], b[1]);
            }
        }
    }

    /** A slot freed by one release and handed to the next registration carries a new generation. */
    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void reusedSlotGetsANewGeneration(PollerMode mode) throws Exception {
        try (Poller poller = Poller.open(new PollerConfig(1, mode, 16))) {
            PollFile[] a = Fixtures.pair();
            long first = poller.register(a[0]).token();
            a[0].close();
            PollFile[] b = Fixtures.pair();
            long second = poller.register(b[0]).token();
            assertEquals(TokenTable.slot(first), TokenTable.slot(second), "the freed slot is reused");
            assertEquals(TokenTable.generation(first) + 1, TokenTable.generation(second));
            Fixtures.closeAll(a[1], b[0], b[1]);
        }
    }
}

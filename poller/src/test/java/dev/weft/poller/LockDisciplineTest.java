package dev.weft.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.poller.sys.ErrnoException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * docs/design.md §3: no reference is dropped (so no set is freed) under a lock (issue 10, poller defect 6: the
 * item's monitor used to span the MOD's reference and its release, so the last reference could be dropped — and
 * the set's fds closed — inside it).
 */
@ExtendWith(NoFdLeaks.class)
class LockDisciplineTest {

    /**
     * <pre>
     *   A:    awaitInput -> arm: pin, set reference, item monitor -> MOD ... held in the MODIFY hook
     *   main: set.close(): the item's and the owner's references go; A's MOD reference is the last
     *   main: lets A go -> MOD done -> A leaves the monitor -> release(1) -> free(): FREE hook asks
     *         "does the freeing thread hold the item's monitor?"   expect: no
     * </pre>
     */
    @Test
    void aModHoldingTheLastReferenceFreesTheSetOutsideTheItemMonitor() throws Exception {
        CountDownLatch inMod = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Item> armed = new AtomicReference<>();
        AtomicReference<Boolean> freedUnderMonitor = new AtomicReference<>();
        Faults faults = new Faults();
        faults.hook = new Faults.Hook() {
            @Override
            public void at(Faults.Step step, int index) throws ErrnoException {
                if (step == Faults.Step.MODIFY) {
                    inMod.countDown();
                    await(release);
                } else if (step == Faults.Step.FREE) {
                    freedUnderMonitor.set(Thread.holdsLock(armed.get()));
                }
            }
        };
        PollSet set = PollSet.open(0, 8, faults);
        PollFile[] p = Fixtures.pair();
        Item item = set.register(p[0]);
        armed.set(item);
        try (TestThreads threads = new TestThreads()) {
            var waiter = threads.call("arming", item::awaitInput);
            assertTrue(inMod.await(20, TimeUnit.SECONDS), "the waiter never reached its MOD");
            set.close();
            assertEquals(1, set.info().refs(), "only the MOD's reference is left");
            release.countDown();
            waiter.thread.join();
            assertEquals(WaitResult.SET_CLOSED, waiter.value);
        }
        assertEquals(1, set.info().frees());
        assertFalse(freedUnderMonitor.get(), "the set was freed inside the item's monitor");
        Fixtures.closeAll(p);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(20, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}

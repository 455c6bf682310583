package dev.weft.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * CVE-2025-38349's shape: a release drops the next-to-last reference while another release waits for the
 * set's lock; nothing of the set is used after its last reference goes. In the kernel the first thread was
 * still inside mutex_unlock when the second freed the set; here the equivalent would be a thread touching the
 * set's epoll fd, eventfd or native buffer after another thread freed them (PollSet asserts it is alive before
 * each such use, and that no reference is dropped with the lock held).
 */
@ExtendWith(NoFdLeaks.class)
class LastReferenceTest {

    /**
     * <pre>
     *   test:  holds set.lock
     *   F:     file.close() -> item dying -> set.removeDying: queued on set.lock   (will drop the item's ref)
     *   S:     set.close()  ->                                queued on set.lock   (will drop the owner's ref)
     *   test:  unlocks; they run in queue order (alternated by round): one drops the next-to-last ref, the
     *          other the last. When S runs first it meets the dying item, skips it, and drops the owner's ref
     *          while F still waits for the lock; F then drops the last one.
     * </pre>
     */
    @Test
    void releaseOfTheNextToLastReferenceRacingTheLastOneFreesTheSetOnceAndAfterBothAreDone() throws Exception {
        for (int round = 0; round < TestThreads.rounds(1_000); round++) {
            PollSet set = PollSet.open(0, 8);
            PollFile[] p = Fixtures.pair();
            set.register(p[0]);
            assertEquals(2, set.info().refs(), "owner + one item");
            try (TestThreads threads = new TestThreads()) {
                set.lock.lock();
                try {
                    // ReentrantLock hands over in queue order, so the queue order is the order they run:
                    // even rounds the file close drops the next-to-last reference, odd rounds the set close.
                    if ((round & 1) == 0) {
                        awaitQueued(set, threads.platform("file-close", p[0]::close));
                        awaitQueued(set, threads.platform("set-close", set::close));
                    } else {
                        awaitQueued(set, threads.platform("set-close", set::close));
                        awaitQueued(set, threads.platform("file-close", p[0]::close));
                    }
                } finally {
                    set.lock.unlock();
                }
            } // joins both, rethrowing any AssertionError (use after free, release under lock, double release)
            SetInfo info = set.info();
            assertEquals(1, info.frees(), "round " + round);
            assertEquals(0, info.refs(), "round " + round);
            assertTrue(p[0].isClosed());
            p[1].close();
        }
    }

    @Test
    void droppingAReferenceWithTheLockHeldIsRefused() throws Exception {
        PollSet set = PollSet.open(0, 8);
        assertTrue(set.tryAcquire());
        set.lock.lock();
        try {
            AssertionError e = assertThrows(AssertionError.class, () -> set.release(1));
            assertTrue(e.getMessage().contains("CVE-2025-38349"), e.getMessage());
        } finally {
            set.lock.unlock();
        }
        set.release(1); // the reference taken above; the failed call dropped nothing
        set.close();
        assertEquals(1, set.info().frees());
    }

    /** A poller thread that dies closes its set: parked waiters wake with SET_CLOSED, registration is refused. */
    @Test
    void aDeadPollerThreadClosesItsSetInsteadOfStrandingWaiters() throws Exception {
        PollSet set = PollSet.open(0, 8);
        PollFile[] p = Fixtures.pair();
        Item item = set.register(p[0]);
        try (TestThreads threads = new TestThreads()) {
            var waiter = threads.call("reader", item::awaitInput);
            TestThreads.awaitParked(waiter.thread, item);
            IllegalStateException cause = new IllegalStateException("epoll_wait failed");
            set.fail(cause);
            waiter.thread.join();
            assertEquals(WaitResult.SET_CLOSED, waiter.value);
            assertEquals(cause, set.info().failure());
            assertThrows(SetClosedException.class, () -> set.register(p[1]));
        }
        assertEquals(1, set.info().frees(), "the owner's reference went with the close");
        Fixtures.closeAll(p);
    }

    private static void awaitQueued(PollSet set, Thread t) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!set.lock.hasQueuedThread(t)) {
            if (!t.isAlive()) {
                throw new AssertionError(t + " finished without waiting for the set's lock");
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(t + " never queued on the set's lock");
            }
            Thread.onSpinWait();
        }
    }
}

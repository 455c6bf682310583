package dev.weft.poller;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Set close racing file close with a waiter already parked on the item: whichever close removes the item
 * wakes the waiter exactly once (Item.release asserts it is not released twice), with that close's outcome.
 * <pre>
 *   before:  waiter parked in item.awaitInput()   (a virtual thread; the state waits until it is parked)
 *   actor 1: set.close()     -> SET_CLOSED if it unlinks the item first
 *   actor 2: file.close()    -> FILE_CLOSED if it marks the item dying first
 *   arbiter: the waiter's outcome (joined), frees, refs, live items
 * </pre>
 */
@JCStressTest
@Outcome(id = "1, 1, 0, 0", expect = ACCEPTABLE, desc = "file close removed the item: the waiter saw FILE_CLOSED")
@Outcome(id = "2, 1, 0, 0", expect = ACCEPTABLE, desc = "set close removed the item: the waiter saw SET_CLOSED")
@Outcome(expect = FORBIDDEN, desc = "the waiter left parked or woken wrongly, or the set not freed exactly once")
@State
public class ParkedWaiterVsCloses {
    private final PollSet set;
    private final PollFile file;
    private final PollFile peer;
    private final Thread waiter;
    private volatile WaitResult outcome;

    public ParkedWaiterVsCloses() {
        try {
            set = PollSet.open(0, 4);
            PollFile[] pair = StressFixtures.pair();
            file = pair[0];
            peer = pair[1];
            Item item = set.register(file);
            waiter = Thread.ofVirtual().start(() -> {
                try {
                    outcome = item.awaitInput();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            while (LockSupport.getBlocker(waiter) != item) {
                Thread.onSpinWait(); // parked, or about to be: a close now must still wake it
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Actor
    public void closeSet() {
        set.close();
    }

    @Actor
    public void closeFile() {
        file.close();
    }

    @Arbiter
    public void outcome(IIII_Result r) {
        boolean ended;
        try {
            ended = waiter.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        WaitResult w = outcome;
        r.r1 = !ended ? -1 : w == WaitResult.FILE_CLOSED ? 1 : w == WaitResult.SET_CLOSED ? 2 : 0;
        SetInfo info = set.info();
        r.r2 = info.frees();
        r.r3 = info.refs();
        r.r4 = (int) (info.registrations() - info.releases());
        peer.close();
    }
}

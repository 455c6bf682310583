package dev.weft.poller;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Set close racing file close (ep_clear_and_put vs eventpoll_release_file), the race the 6.4 `dying` flag
 * settles. A set holds one item of a file; one actor closes the set, the other the file.
 * <pre>
 *   actor 1: set.close()      -> skips the item if dying, else unlinks it; drops item refs + owner's
 *   actor 2: file.close()     -> marks the item dying, removes it under the set lock, drops its ref
 *   arbiter: frees, refs, live items, file closed
 * </pre>
 */
@JCStressTest
@Outcome(id = "1, 0, 0, 1", expect = ACCEPTABLE,
        desc = "set freed exactly once, no reference left, the item released once, the fd closed")
@Outcome(expect = FORBIDDEN, desc = "a set freed twice or never, a reference leaked, or an item left behind")
@State
public class SetCloseVsFileClose {
    private final PollSet set;
    private final PollFile file;
    private final PollFile peer;

    public SetCloseVsFileClose() {
        try {
            set = PollSet.open(0, 4);
            PollFile[] pair = StressFixtures.pair();
            file = pair[0];
            peer = pair[1];
            set.register(file);
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
        SetInfo info = set.info();
        r.r1 = info.frees();
        r.r2 = info.refs();
        r.r3 = (int) (info.registrations() - info.releases());
        r.r4 = file.isClosed() ? 1 : 0;
        peer.close();
    }
}

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
 * Two sets and one file in both: the file's release walk (two items, one per set) meets both set closes.
 * jcstress schedules no more actors than CPUs (2 here), so one actor closes both sets; the three-way version
 * runs as a JUnit stress test (ReleaseRaceTest.twoSetsAndOneFileClosingAtOnce).
 * <pre>
 *   set A: item a(f)    actor 1: A.close(); B.close()
 *   set B: item b(f)    actor 2: f.close()
 * </pre>
 */
@JCStressTest
@Outcome(id = "2, 0, 0, 1", expect = ACCEPTABLE, desc = "both sets freed once, no reference or item left")
@Outcome(expect = FORBIDDEN, desc = "a set freed twice or never, a reference leaked, or an item left behind")
@State
public class TwoSetsOneFile {
    private final PollSet a;
    private final PollSet b;
    private final PollFile file;
    private final PollFile peer;

    public TwoSetsOneFile() {
        try {
            a = PollSet.open(0, 4);
            b = PollSet.open(1, 4);
            PollFile[] pair = StressFixtures.pair();
            file = pair[0];
            peer = pair[1];
            a.register(file);
            b.register(file);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Actor
    public void closeSets() {
        a.close();
        b.close();
    }

    @Actor
    public void closeFile() {
        file.close();
    }

    @Arbiter
    public void outcome(IIII_Result r) {
        SetInfo ia = a.info();
        SetInfo ib = b.info();
        r.r1 = ia.frees() + ib.frees();
        r.r2 = ia.refs() + ib.refs();
        r.r3 = (int) (ia.registrations() - ia.releases() + ib.registrations() - ib.releases());
        r.r4 = file.isClosed() ? 1 : 0;
        peer.close();
    }
}

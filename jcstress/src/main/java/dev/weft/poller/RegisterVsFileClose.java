package dev.weft.poller;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Registration racing file close ("publish no registrations, then keep touching the file" in user space):
 * either the registration links its item before the close walks the list (and the close releases it), or it
 * sees the file closing and fails; an item must never stay linked to a closed file.
 * <pre>
 *   actor 1: set.register(f)  -> 1 registered, 0 FileClosedException
 *   actor 2: f.close()
 *   arbiter: items left in the set, then set.close(): frees
 * </pre>
 */
@JCStressTest
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "registered first; the file close released the item")
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "the close came first; registration refused")
@Outcome(expect = FORBIDDEN, desc = "an item left behind, or the set not freed exactly once")
@State
public class RegisterVsFileClose {
    private final PollSet set;
    private final PollFile file;
    private final PollFile peer;
    private int registered;

    public RegisterVsFileClose() {
        try {
            set = PollSet.open(0, 4);
            PollFile[] pair = StressFixtures.pair();
            file = pair[0];
            peer = pair[1];
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Actor
    public void register() {
        try {
            set.register(file);
            registered = 1;
        } catch (FileClosedException expected) {
            registered = 0;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Actor
    public void closeFile() {
        file.close();
    }

    @Arbiter
    public void outcome(III_Result r) {
        r.r1 = registered;
        r.r2 = set.info().items().size();
        set.close();
        r.r3 = set.info().frees();
        peer.close();
    }
}

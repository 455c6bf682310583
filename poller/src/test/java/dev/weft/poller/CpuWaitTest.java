package dev.weft.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link CpuWait}: a held run is taken over one look after the watch first saw it held, unless its thread spent
 * that look mostly waiting for a CPU. The scheduler's figures are scripted ({time on a CPU, time waiting}, ns).
 */
class CpuWaitTest {
    private static final long MS = 1_000_000;
    private static final int TID = 4242;

    /** Hands out the scripted samples in order; an empty script reads nothing. */
    private static CpuWait scripted(long[]... samples) {
        Deque<long[]> script = new ArrayDeque<>(List.of(samples));
        return new CpuWait((tid, out) -> {
            long[] next = script.poll();
            if (next == null) {
                return false;
            }
            out[0] = next[0];
            out[1] = next[1];
            return true;
        });
    }

    @Test
    void aThreadThatNeitherRanNorWaitedIsTakenOverAtTheNextLook() {
        CpuWait wait = scripted(new long[] {100 * MS, 50 * MS}, new long[] {100 * MS, 50 * MS});
        assertTrue(wait.waitOneLook(TID, 7, 0), "the first sight of a held run takes a baseline");
        assertFalse(wait.waitOneLook(TID, 7, 2 * MS), "blocked in the kernel for a whole look: take it over");
        assertEquals(0, wait.deferrals());
    }

    @Test
    void aThreadThatComputedIsTakenOverAtTheNextLook() {
        CpuWait wait = scripted(new long[] {0, 0}, new long[] {2 * MS, 0});
        assertTrue(wait.waitOneLook(TID, 7, 0));
        assertFalse(wait.waitOneLook(TID, 7, 2 * MS));
    }

    @Test
    void aThreadThatWaitedForACpuGetsAnotherLookThenIsTakenOverOnceItRuns() {
        CpuWait wait = scripted(new long[] {0, 0}, new long[] {MS / 10, 19 * MS / 10}, new long[] {21 * MS / 10,
                19 * MS / 10});
        assertTrue(wait.waitOneLook(TID, 7, 0));
        assertTrue(wait.waitOneLook(TID, 7, 2 * MS), "queued for 1.9 of 2 ms: a busy core, not its task");
        assertFalse(wait.waitOneLook(TID, 7, 4 * MS), "then it ran the whole look: its task holds it");
        assertEquals(1, wait.deferrals());
    }

    @Test
    void aThreadThatRanAsLongAsItWaitedIsTakenOver() {
        CpuWait wait = scripted(new long[] {0, 0}, new long[] {MS, MS});
        assertTrue(wait.waitOneLook(TID, 7, 0));
        assertFalse(wait.waitOneLook(TID, 7, 2 * MS), "it shared the core with one other thread and computed");
    }

    @Test
    void anotherRunOrAnotherThreadTakesANewBaseline() {
        CpuWait wait = scripted(new long[] {0, 0}, new long[] {0, 0}, new long[] {0, 0});
        assertTrue(wait.waitOneLook(TID, 7, 0));
        assertTrue(wait.waitOneLook(TID, 9, 2 * MS), "a later run: its own baseline");
        assertTrue(wait.waitOneLook(TID + 1, 9, 4 * MS), "the same count on a successor: its own baseline");
    }

    @Test
    void withoutTheThreadsIdOrItsStatisticsTheWatchNeverWaits() {
        assertFalse(scripted(new long[] {0, 0}).waitOneLook(0, 7, 0), "id unknown");
        assertFalse(scripted().waitOneLook(TID, 7, 0), "no statistics");
    }

    @Test
    void theRuleWeighsWaitingAgainstRunning() {
        assertTrue(CpuWait.waitedForCpu(0, 2 * MS, 2 * MS));
        assertFalse(CpuWait.waitedForCpu(0, MS / 2, 2 * MS), "mostly neither: blocked");
        assertFalse(CpuWait.waitedForCpu(MS, 3 * MS / 2, 2 * MS), "waited less than twice as long as it ran");
    }
}

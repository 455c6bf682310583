package dev.weft.gatling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The capacity verdict: the highest of the leading levels with no failure and p99 below the bound. */
class LevelRecorderTest {

    @Test
    void percentilesComeFromTheRecordedResponseTimes() {
        LevelRecorder r = new LevelRecorder(List.of(100));
        for (int i = 1; i <= 100; i++) {
            r.record(0, false, i);
        }
        LevelRecorder.Level level = r.level(0);
        assertEquals(100, level.ok());
        assertEquals(50, level.p50ms());
        assertEquals(99, level.p99ms());
        assertTrue(level.clean(100));
        assertFalse(level.clean(99)); // strictly below, as Gatling's lt assertion
    }

    @Test
    void capacityIsTheLastCleanLevelBeforeTheFirstUncleanOne() {
        LevelRecorder r = new LevelRecorder(List.of(500, 1000, 1500, 2000));
        r.record(0, false, 2);
        r.record(1, false, 3);
        r.record(2, true, -1);   // a failure: 1500/s is not clean
        r.record(3, false, 2);   // clean again above, but it does not count
        assertEquals(1000, r.capacity(100));
        assertEquals(0, new LevelRecorder(List.of(500)).capacity(100)); // nothing served, no capacity
    }

    @Test
    void aSlowLevelEndsTheSearchLikeAFailedOne() {
        LevelRecorder r = new LevelRecorder(List.of(500, 1000));
        r.record(0, false, 5);
        r.record(1, false, 70_000); // clamped into the last bucket
        assertEquals(LevelRecorder.MAX_MS, r.level(1).p99ms());
        assertEquals(500, r.capacity(200));
    }
}

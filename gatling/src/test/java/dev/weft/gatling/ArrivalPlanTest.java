package dev.weft.gatling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** An arrival plan's shape, length and connection counts (what the port budget and the bounds are checked on). */
class ArrivalPlanTest {

    @Test
    void aConstantRateIsARampThenAHold() {
        ArrivalPlan plan = new ArrivalPlan(List.of(1000), 10, 30);
        assertEquals(40, plan.seconds());
        assertEquals(1.0, plan.rateAt(0), 1e-9);
        assertEquals(500.5, plan.rateAt(5), 1e-9);
        assertEquals(1000, plan.rateAt(10), 1e-9);
        assertEquals(1000, plan.rateAt(39.9), 1e-9);
        assertEquals(0, plan.rateAt(40), 1e-9);
        // ramp: (1 + 1000) / 2 * 10 = 5005, hold: 30,000
        assertEquals(35_005, plan.connections());
        assertEquals(35_005, plan.busiestTimeWaitWindow()); // shorter than a TIME_WAIT window
    }

    @Test
    void theBusiestWindowOfALongRunIsSixtySecondsOfItsPeak() {
        ArrivalPlan plan = new ArrivalPlan(List.of(2000), 1, 300);
        assertEquals(120_000, plan.busiestTimeWaitWindow());
    }

    @Test
    void stepsAreRampedFromTheLevelBefore() {
        ArrivalPlan plan = ArrivalPlan.stepped(500, 500, 3, 5, 20);
        assertEquals(List.of(500, 1000, 1500), plan.levels());
        assertEquals(500, plan.rampStart(1));
        assertEquals(750, plan.rateAt(27.5), 1e-9);
        assertEquals(-1, plan.levelAt(2));
        assertEquals(0, plan.levelAt(5));
        assertEquals(0, plan.levelAt(24.9));
        assertEquals(-1, plan.levelAt(25));
        assertEquals(1, plan.levelAt(30));
        assertEquals(2, plan.levelAt(74.9));
        assertEquals(-1, plan.levelAt(75));
        assertEquals(50, plan.endOf(1));
    }

    @Test
    void everyPlanHasALevelARampAndAHold() {
        assertThrows(IllegalArgumentException.class, () -> new ArrivalPlan(List.of(), 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ArrivalPlan(List.of(100), 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ArrivalPlan(List.of(100), 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new ArrivalPlan(List.of(100, 0), 1, 1));
    }
}

package dev.weft.gatling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings: defaults when unset, ranges enforced, a bad value named with its property. */
class KnobsTest {
    private final Knobs knobs = new Knobs(Map.of("rate", "2500", "bad", "12x", "rates", " 1000, 2000 ",
            "blank", " ", "huge", "100001")::get);

    @Test
    void valuesAndDefaults() {
        assertEquals(2500, knobs.integer("rate", 1000, 1, 100_000));
        assertEquals(1000, knobs.integer("unset", 1000, 1, 100_000));
        assertEquals(1000, knobs.integer("blank", 1000, 1, 100_000));
        assertEquals(List.of(1000, 2000), knobs.integers("rates", "1", 1, 100_000));
        assertEquals(List.of(7), knobs.integers("unset", "7", 1, 100_000));
        assertEquals("auto", knobs.text("blank", "auto"));
    }

    @Test
    void badValuesNameTheProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> knobs.integer("bad", 1, 1, 10));
        assertTrue(e.getMessage().startsWith("-Dbad=12x"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> knobs.integer("huge", 1, 1, 100_000));
        assertThrows(IllegalArgumentException.class, () -> knobs.integers("rates", "1", 1, 1500));
    }
}

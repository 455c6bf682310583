package dev.weft.gatling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Source addresses: loopback only, of the target's family, and enough of them for the plan's TIME_WAIT window. */
class SourceAddressesTest {
    private static final int PORTS = 28_232; // Linux's default 32768..60999
    private final Target v4 = Target.parse("http://127.0.0.1:8080/");
    private final Target v6 = Target.parse("http://[::1]:8080/");

    @Test
    void autoHandsOutAsManyAddressesAsTheBusiestWindowNeeds() {
        long budget = SourceAddresses.budgetPerAddress(PORTS);
        assertEquals(List.of("127.0.0.1"), SourceAddresses.choose("auto", v4, 1, PORTS).addresses());
        assertEquals(List.of("127.0.0.1"), SourceAddresses.choose("auto", v4, budget, PORTS).addresses());
        assertEquals(List.of("127.0.0.1", "127.0.0.2"),
                SourceAddresses.choose("auto", v4, budget + 1, PORTS).addresses());
        assertEquals(12, SourceAddresses.choose("auto", v4, 5_000L * 60, PORTS).addresses().size());
    }

    @Test
    void ipv6HasOneLoopbackAddressSoABigPlanIsRefused() {
        assertEquals(List.of(), SourceAddresses.choose("auto", v6, 1_000, PORTS).addresses());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SourceAddresses.choose("auto", v6, 300_000, PORTS));
        assertTrue(e.getMessage().contains("IPv6"), e.getMessage());
    }

    @Test
    void listsAndRangesAreExpanded() {
        assertEquals(List.of("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.1.0.1"),
                SourceAddresses.choose("127.0.0.2-127.0.0.4, 127.1.0.1", v4, 10, PORTS).addresses());
        assertEquals(List.of("0:0:0:0:0:0:0:1"), SourceAddresses.choose("::1", v6, 10, PORTS).addresses());
    }

    @Test
    void tooFewExplicitSourcesAreRefusedWithHowManyAreNeeded() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SourceAddresses.choose("127.0.0.1,127.0.0.2", v4, 200_000, PORTS));
        assertTrue(e.getMessage().contains("8 addresses"), e.getMessage());
    }

    @Test
    void nonLoopbackWrongFamilyOrMalformedSourcesAreRefused() {
        for (String spec : List.of("10.0.0.1", "127.0.0.1,192.0.2.7", "::1", "localhost", "127.0.0.9-127.0.0.2",
                "127.0.0.1-127.0.1.3")) {
            assertThrows(IllegalArgumentException.class, () -> SourceAddresses.choose(spec, v4, 10, PORTS), spec);
        }
        assertThrows(IllegalArgumentException.class, () -> SourceAddresses.choose("127.0.0.1", v6, 10, PORTS));
    }

    @Test
    void noneLetsTheKernelPickWithinOneAddressBudget() {
        assertEquals(List.of(), SourceAddresses.choose("none", v4, 1_000, PORTS).addresses());
        assertThrows(IllegalArgumentException.class, () -> SourceAddresses.choose("none", v4, 100_000, PORTS));
    }

    @Test
    void thisMachinesPortRangeIsRead() {
        assertTrue(SourceAddresses.ephemeralPorts() > 0);
    }
}

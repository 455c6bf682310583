package dev.weft.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.poller.PollerMode;
import dev.weft.server.ServerConfig;
import org.junit.jupiter.api.Test;

/** The sample's flags: defaults, values, and one-line refusals. */
class OptionsTest {

    @Test
    void pollerModeDefaultsToTheServersAndTakesTheOthers() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(ServerConfig.defaultPollerMode(cores), Options.parse(new String[0]).pollerMode());
        assertEquals(PollerMode.PLATFORM, Options.parse(new String[] {"--poller-mode", "platform"}).pollerMode());
        assertEquals(PollerMode.VIRTUAL, Options.parse(new String[] {"--poller-mode", "virtual"}).pollerMode());
        assertEquals(PollerMode.CARRIER, Options.parse(new String[] {"--poller-mode", "carrier"}).pollerMode());
    }

    @Test
    void aBadPollerModeIsRefusedByName() {
        Options.UsageException e = assertThrows(Options.UsageException.class,
                () -> Options.parse(new String[] {"--poller-mode", "fast"}));
        assertEquals("--poller-mode must be virtual, carrier or platform, was fast", e.getMessage());
    }

    @Test
    void theHelpListsThePollerMode() {
        assertTrue(Options.help().contains("--poller-mode virtual|carrier|platform"), Options.help());
    }
}

package dev.weft.gatling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The loopback guard: load goes to 127.0.0.0/8 or ::1 only, and a refused target says why before any request. */
class TargetTest {

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/plaintext", "http://127.0.0.1/", "http://127.9.8.7:1/x",
            "https://127.0.0.1:8443/a?b=c", "http://[::1]:8080/plaintext", "http://localhost:8080/plaintext",
            "HTTP://127.0.0.1:8080/"})
    void loopbackTargetsAreAccepted(String url) {
        Target target = Target.parse(url);
        assertTrue(target.address().isLoopbackAddress(), target.address().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://10.0.0.1:8080/", "http://192.0.2.1/plaintext", "http://0.0.0.0:8080/",
            "http://[::]:8080/", "http://[2001:db8::1]/", "http://[::ffff:192.0.2.1]/", "http://128.0.0.1/",
            "http://example.com/", "http://127.0.0.1.example.com/", "http://gatling.io/"})
    void otherTargetsAreRefusedNamingTheRule(String url) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Target.parse(url));
        assertTrue(e.getMessage().contains(url) && e.getMessage().contains("loopback"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://127.0.0.1/", "127.0.0.1:8080", "http:///nohost", "http://127.0.0.1:8080/ a b"})
    void malformedTargetsAreRefused(String url) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Target.parse(url));
        assertTrue(e.getMessage().startsWith("target "), e.getMessage());
    }

    @Test
    void aRecordBuiltAroundANonLoopbackAddressIsRefusedToo() throws Exception {
        InetAddress outside = InetAddress.ofLiteral("192.0.2.1");
        assertThrows(IllegalArgumentException.class, () -> new Target(URI.create("http://192.0.2.1/"), outside));
    }

    @Test
    void baseUrlAndPathSplitTheUrlForGatling() {
        Target t = Target.parse("http://127.0.0.1:8080/todos?done=true");
        assertEquals("http://127.0.0.1:8080", t.baseUrl());
        assertEquals("/todos?done=true", t.path());
        assertEquals("/", Target.parse("http://[::1]:9").path());
        assertEquals("http://[::1]:9", Target.parse("http://[::1]:9").baseUrl());
    }

    @Test
    void everySimulationRefusesAnOutsideTargetBeforeItIsSetUp() {
        String before = System.getProperty("target");
        System.setProperty("target", "http://192.0.2.1:8080/plaintext");
        try {
            assertThrows(IllegalArgumentException.class, ConnRateSimulation::new);
            assertThrows(IllegalArgumentException.class, KeepAliveSimulation::new);
            assertThrows(IllegalArgumentException.class, CapacitySimulation::new);
        } finally {
            if (before == null) {
                System.clearProperty("target");
            } else {
                System.setProperty("target", before);
            }
        }
    }
}

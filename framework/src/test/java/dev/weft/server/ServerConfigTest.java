package dev.weft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.poller.PollerMode;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Every option is validated when the configuration is built, with a message naming the option. */
class ServerConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        ServerConfig c = ServerConfig.defaults();
        int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(8080, c.address().getPort());
        assertTrue(c.address().getAddress().isLoopbackAddress());
        assertEquals(cores, c.acceptors());
        assertEquals(AcceptMode.SHARED_LISTENER, c.acceptMode());
        assertEquals(cores, c.pollerSets());
        assertEquals(cores == 1 ? PollerMode.CARRIER : PollerMode.VIRTUAL, c.pollerMode());
        assertEquals(1024, c.backlog());
        assertTrue(c.deferAccept());
        assertEquals(10_000, c.maxConnections());
        assertEquals(Duration.ofSeconds(10), c.firstByteTimeout());
        assertEquals(Duration.ofSeconds(60), c.idleTimeout());
        assertEquals(Duration.ofSeconds(30), c.readTimeout());
        assertEquals(Duration.ofSeconds(30), c.writeTimeout());
        assertEquals(Duration.ofSeconds(10), c.shutdownGrace());
    }

    @Test
    void theCarrierPollerIsTheDefaultOnOneCoreOnly() {
        assertEquals(PollerMode.CARRIER, ServerConfig.defaultPollerMode(1));
        assertEquals(PollerMode.VIRTUAL, ServerConfig.defaultPollerMode(2));
        assertEquals(PollerMode.VIRTUAL, ServerConfig.defaultPollerMode(64));
    }

    @Test
    void badValuesAreRejectedWithTheOptionsName() {
        rejects("acceptors", b -> b.acceptors(0));
        rejects("pollerSets", b -> b.pollerSets(-1));
        rejects("backlog", b -> b.backlog(0));
        rejects("maxConnections", b -> b.maxConnections(0));
        rejects("firstByteTimeout", b -> b.firstByteTimeout(Duration.ZERO));
        rejects("idleTimeout", b -> b.idleTimeout(Duration.ZERO));
        rejects("readTimeout", b -> b.readTimeout(Duration.ofSeconds(-1)));
        rejects("writeTimeout", b -> b.writeTimeout(null));
        rejects("shutdownGrace", b -> b.shutdownGrace(Duration.ofMillis(-1)));
        rejects("pollerMode", b -> b.pollerMode(null));
        IllegalArgumentException port = assertThrows(IllegalArgumentException.class, () -> Server.builder().port(70_000));
        assertTrue(port.getMessage().contains("port"), port.getMessage());
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> Server.builder().overCapacityResponse(new byte[Server.MAX_OVER_CAPACITY_RESPONSE_BYTES + 1]));
        assertTrue(big.getMessage().contains("overCapacityResponse"), big.getMessage());
        IllegalArgumentException callback = assertThrows(IllegalArgumentException.class,
                () -> Server.builder().onFailure(null));
        assertTrue(callback.getMessage().contains("onFailure"), callback.getMessage());
    }

    private static void rejects(String expected, Consumer<ServerBuilder> option) {
        ServerBuilder builder = Server.builder();
        option.accept(builder);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::config);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}

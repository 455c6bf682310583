package dev.weft.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.weft.http.HttpServer;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** The extension starts the server the set-up methods describe, on loopback, injects it, and closes it after. */
class HttpServerExtensionTest {
    static volatile HttpServer captured;

    /** Run by the test kit below, not by Surefire directly. */
    @HttpServerTest
    static class Sample {
        private final URI uri;

        Sample(URI uri) {
            this.uri = uri; // constructor injection
        }

        @SetUpServer
        static void routes(HttpServer.Builder server) {
            server.get("/hello", (req, res) -> res.send("hello " + req.localAddress().getAddress().getHostAddress()));
        }

        @Test
        void servesTheRoutesOnLoopbackAtTheInjectedUri(HttpServer server, InetSocketAddress address) throws Exception {
            captured = server;
            assertEquals(address, server.address());
            assertEquals(URI.create("http://127.0.0.1:" + address.getPort()), uri);
            try (HttpClient client = HttpClient.newHttpClient()) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri.resolve("/hello")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals("hello 127.0.0.1", r.body());
            }
        }

        @Test
        void everyTestOfTheClassSharesOneServer(HttpServer server) {
            assertSame(server, server); // resolved again: the store holds one server per class
        }
    }

    /** A set-up method of the wrong shape. */
    @HttpServerTest
    static class Misshapen {
        @SetUpServer
        void notStatic(HttpServer.Builder server) {
        }

        @Test
        void neverRuns() {
        }
    }

    @Test
    void theServerStartsForTheClassAndIsClosedAfterIt() throws Exception {
        captured = null;
        Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(Sample.class)).execute().testEvents();
        tests.assertStatistics(s -> s.started(2).succeeded(2));
        assertNotNull(captured);
        InetSocketAddress address = captured.address();
        assertThrows(ConnectException.class, () -> new Socket(address.getAddress(), address.getPort()).close(),
                "the listener is closed once the class is done");
    }

    @Test
    void aSetUpMethodOfTheWrongShapeFailsTheClassWithAMessage() {
        var containers = EngineTestKit.engine("junit-jupiter").selectors(selectClass(Misshapen.class)).execute()
                .containerEvents();
        containers.assertStatistics(s -> s.failed(1));
        String message = containers.failed().stream().findFirst().orElseThrow().getPayload(
                org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow()
                .getMessage();
        assertEquals(true, message.contains("must be static and take one HttpServer.Builder"), message);
    }
}

package dev.weft.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The packaged sample, started as a user starts it ({@code java -jar target/weft-sample.jar --mode ...}), in each
 * of its three modes: every route exercised over HTTP, then stopped with SIGTERM — a graceful exit that prints
 * the counters and frees the port. Runs after {@code package} (failsafe), so it tests the artifact itself.
 */
class SampleIT {
    private static final int CONNECTIONS = 20;

    @ParameterizedTest
    @ValueSource(strings = {"weft", "helidon-weft", "helidon"})
    void everyRouteInEveryMode(String mode) throws Exception {
        try (SampleProcess sample = SampleProcess.start("--mode", mode, "--port", "0", "--acceptors", "2",
                "--poller-sets", "2");
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            URI base = sample.base();
            int port = base.getPort();
            countersMatchTheTraffic(mode, base);
            routes(client, base);
            assertEquals(143, sample.terminate(), sample.output()); // 128 + SIGTERM, after the shutdown hook ran
            assertTrue(sample.output().contains("weft-sample: stopped (" + mode + ")"), sample.output());
            // the jar's Add-Opens entry lets a connection's first run happen on its acceptor (no fallback logged)
            assertFalse(sample.output().contains("run on the JDK's scheduler"), sample.output());
            try (ServerSocket again = new ServerSocket()) {
                again.bind(new InetSocketAddress("127.0.0.1", port)); // the port is free
            }
        }
    }

    /**
     * The poller mode a user gets without asking, by the cores the JVM sees: the carrier poller on one core, where
     * VIRTUAL's work stealing has no other core to steal onto; VIRTUAL with two. /stats reports the mode the
     * poller runs in (not merely the one configured), and the sample serves in it.
     */
    @ParameterizedTest
    @CsvSource({"weft, 1, CARRIER", "helidon-weft, 1, CARRIER", "weft, 2, VIRTUAL"})
    void thePollerModeFollowsTheCores(String mode, int cores, String pollerMode) throws Exception {
        try (SampleProcess sample = SampleProcess.start(List.of("-XX:ActiveProcessorCount=" + cores),
                "--mode", mode, "--port", "0")) {
            URI base = sample.base();
            assertTrue(rawGet(base, "/plaintext").endsWith("Hello, World!"));
            String response = rawGet(base, "/stats");
            JsonNode stats = Json.MAPPER.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
            assertEquals(pollerMode, stats.get("poller").get("mode").asText(), response);
            assertEquals(cores, stats.get("poller").get("sets").size(), response);
            assertEquals(143, sample.terminate(), sample.output());
        }
    }

    /**
     * N connections, each one request with Connection: close; then /stats on one more. The server counts N + 1
     * accepted, N closed; the poller has released every connection but the one asking — its live items are the
     * listeners' (one per acceptor) plus that one: registrations − releases = live items. The poller releases a
     * connection before its close(2), so the client's EOF comes after; the server's closed counter after it:
     * /stats is asked again (each time on a new connection, counted) until the last close is counted.
     */
    private static void countersMatchTheTraffic(String mode, URI base) throws Exception {
        if (mode.equals("helidon")) {
            // Stock Helidon 4.5.0 never closes after Connection: close (helidon-io/helidon#12324), so raw
            // connection-per-request clients would wait forever; and it has no weft poller to count.
            JsonNode stats;
            try (HttpClient client = HttpClient.newHttpClient()) {
                stats = Json.MAPPER.readTree(client.send(HttpRequest.newBuilder(base.resolve("/stats")).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
            }
            assertEquals(mode, stats.get("mode").asText());
            assertTrue(stats.get("poller").isNull(), "stock Helidon has no weft poller");
            return;
        }
        for (int i = 0; i < CONNECTIONS; i++) {
            assertTrue(rawGet(base, "/plaintext").startsWith("HTTP/1.1 200 "));
        }
        String response;
        JsonNode stats;
        int asks = 0;
        do {
            assertTrue(asks < 100, "the server never counted every close");
            response = rawGet(base, "/stats");
            asks++;
            stats = Json.MAPPER.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
        } while (stats.get("server").get("closed").asLong() != CONNECTIONS + asks - 1);
        assertEquals(mode, stats.get("mode").asText());
        JsonNode server = stats.get("server");
        JsonNode poller = stats.get("poller");
        assertEquals(CONNECTIONS + asks, server.get("accepted").asLong(), response);
        assertEquals(1, server.get("active").asLong(), response);
        long live = poller.get("registrations").asLong() - poller.get("releases").asLong();
        assertEquals(live, poller.get("liveItems").asLong(), response);
        assertEquals(1, live, response); // the /stats connection (listeners are in no poll set)
        assertEquals(2, poller.get("sets").size(), response);
    }

    private static void routes(HttpClient client, URI base) throws Exception {
        HttpResponse<String> plain = get(client, base, "/plaintext");
        assertEquals(200, plain.statusCode());
        assertEquals("Hello, World!", plain.body());
        assertTrue(plain.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));

        HttpResponse<String> json = get(client, base, "/json");
        assertEquals("{\"message\":\"Hello, World!\"}", json.body());
        assertTrue(json.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));

        byte[] big = new byte[4 * 1024 * 1024 + 7];
        new Random(42).nextBytes(big);
        HttpResponse<byte[]> echo = client.send(HttpRequest.newBuilder(base.resolve("/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, echo.statusCode());
        assertArrayEquals(big, echo.body());

        HttpResponse<String> created = postJson(client, base, "{\"title\":\"buy milk\"}");
        assertEquals(201, created.statusCode(), created.body());
        JsonNode todo = Json.MAPPER.readTree(created.body());
        long id = todo.get("id").asLong();
        assertEquals("/todos/" + id, created.headers().firstValue("Location").orElse(null));
        assertEquals("buy milk", Json.MAPPER.readTree(get(client, base, "/todos/" + id).body()).get("title").asText());
        postJson(client, base, "{\"title\":\"walk\",\"done\":true}");
        JsonNode milk = Json.MAPPER.readTree(get(client, base, "/todos?q=MILK").body());
        assertEquals(1, milk.size());
        JsonNode done = Json.MAPPER.readTree(get(client, base, "/todos?done=true").body());
        assertEquals("walk", done.get(0).get("title").asText());

        problem(postJson(client, base, "{\"title\":\"\"}"), 400, "title is required");
        problem(postJson(client, base, "{\"title\":"), 400, "JSON");
        problem(get(client, base, "/todos/12345"), 404, "no todo 12345");
        problem(get(client, base, "/todos/abc"), 400, "id must be a positive number");
        problem(get(client, base, "/todos?done=maybe"), 400, "done must be true or false");
        problem(client.send(HttpRequest.newBuilder(base.resolve("/todos")).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString()),
                415, "application/json");

        HttpResponse<String> deleted = client.send(HttpRequest.newBuilder(base.resolve("/todos/" + id)).DELETE()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, deleted.statusCode());
        problem(get(client, base, "/todos/" + id), 404, "no todo");
    }

    private static void problem(HttpResponse<String> r, int status, String detail) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(null));
        JsonNode p = Json.MAPPER.readTree(r.body());
        assertEquals(status, p.get("status").asInt());
        assertTrue(p.get("detail").asText().contains(detail), r.body());
        assertTrue(p.has("type") && p.has("title"), r.body());
    }

    private static HttpResponse<String> get(HttpClient client, URI base, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> postJson(HttpClient client, URI base, String json) throws Exception {
        return client.send(HttpRequest.newBuilder(base.resolve("/todos")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One request on its own connection, Connection: close; everything until the server closes. */
    private static String rawGet(URI base, String path) throws IOException {
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void aBadFlagIsOneLineAndExitCode2() throws Exception {
        Process p = new ProcessBuilder(SampleProcess.java(), "-jar", "target/weft-sample.jar", "--mode", "nginx")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.waitFor());
        assertEquals("weft-sample: --mode must be weft, helidon-weft or helidon, was nginx (--help lists the options)",
                out.strip());
    }

    @Test
    void helpListsEveryFlagWithItsDefault() throws Exception {
        Process p = new ProcessBuilder(SampleProcess.java(), "-jar", "target/weft-sample.jar", "--help")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        for (String flag : new String[] {"--mode", "--host", "--port", "--acceptors", "--poller-sets"}) {
            assertTrue(out.contains(flag), out);
        }
        assertTrue(out.contains("[weft]") && out.contains("[8080]") && out.contains("[127.0.0.1]"), out);
    }
}

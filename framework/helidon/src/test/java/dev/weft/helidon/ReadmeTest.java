package dev.weft.helidon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.helidon.http.media.MediaContext;
import io.helidon.http.media.jackson.JacksonSupport;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The lines framework/helidon/README.md opens with: they are the ones between the markers below (checked), and
 * they serve a Helidon routing on weft.
 */
class ReadmeTest {
    /** The user's existing Helidon service. */
    static final class TodoService implements HttpService {
        @Override
        public void routing(HttpRules rules) {
            rules.get("/{id}", (req, res) -> res.send(Map.of("id", req.path().pathParameters().get("id"))));
        }
    }

    @Test
    void theReadmeLinesServeAHelidonRoutingOnWeft() throws Exception {
        // readme:start
        WebServer server = WeftWebServer.builder()          // the one line that changes: was WebServer.builder()
                .port(0)
                .routing(routing -> routing
                        .get("/greet/{name}", (req, res) -> res.send("Hello " + req.path().pathParameters().get("name")))
                        .register("/todos", new TodoService()))
                .mediaContext(MediaContext.builder().addMediaSupport(JacksonSupport.create()).build())
                .maxConcurrentRequests(1000)
                .idleConnectionTimeout(Duration.ofMinutes(2))
                .build()
                .start();
        // readme:end
        try (HttpClient client = HttpClient.newHttpClient()) {
            URI base = URI.create("http://127.0.0.1:" + server.port());
            assertEquals("Hello weft", client.send(HttpRequest.newBuilder(base.resolve("/greet/weft")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertEquals("{\"id\":\"7\"}", client.send(HttpRequest.newBuilder(base.resolve("/todos/7")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } finally {
            server.stop();
        }
    }

    @Test
    void theReadmeShowsExactlyTheseLines() throws Exception {
        String source = Files.readString(Path.of("src/test/java/dev/weft/helidon/ReadmeTest.java"));
        String tested = source.substring(source.indexOf("// readme:start\n") + 16, source.indexOf("        // readme:end"));
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("```java\n") + 8;
        String shown = readme.substring(start, readme.indexOf("```", start));
        assertEquals(unindent(tested).replace(".port(0)", ".port(8080)"), shown);
    }

    private static String unindent(String block) {
        StringBuilder sb = new StringBuilder();
        for (String line : block.split("\n", -1)) {
            sb.append(line.length() >= 8 ? line.substring(8) : line.strip()).append('\n');
        }
        return sb.toString().stripTrailing() + "\n";
    }
}

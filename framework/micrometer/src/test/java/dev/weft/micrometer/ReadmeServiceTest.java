package dev.weft.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.http.HttpServer;
import dev.weft.http.JsonCodec;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.reflect.Type;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The JSON service that opens framework/README.md: the lines between the markers below are the README's
 * (checked), and they serve JSON, answer a missing todo through the error handler, and expose metrics.
 */
class ReadmeServiceTest {
    record Todo(String title, boolean done) {}

    /** The store a service would have. */
    static final class TodoStore {
        private final Map<String, Todo> todos = new ConcurrentHashMap<>();
        private final AtomicInteger ids = new AtomicInteger();

        List<Todo> all() {
            return List.copyOf(todos.values());
        }

        Todo get(String id) {
            Todo t = todos.get(id);
            if (t == null) {
                throw new NoSuchElementException("no todo " + id);
            }
            return t;
        }

        Map<String, Object> add(Todo todo) {
            String id = String.valueOf(ids.incrementAndGet());
            todos.put(id, todo);
            return Map.of("id", id);
        }
    }

    /** Jackson behind weft's JsonCodec: the few lines a Jackson user writes once. */
    static final class JacksonCodec implements JsonCodec {
        private final ObjectMapper mapper = new ObjectMapper();

        @Override
        public byte[] write(Object value) throws Exception {
            return mapper.writeValueAsBytes(value);
        }

        @Override
        public <T> T read(byte[] json, Type type) throws Exception {
            return mapper.readValue(json, mapper.constructType(type));
        }
    }

    @Test
    void theReadmeServiceServesJsonErrorsAndMetrics() throws Exception {
        TodoStore store = new TodoStore();
        // readme:start
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HttpServer server = HttpServer.builder()
                .json(new JacksonCodec())                         // your JSON library, behind weft's JsonCodec
                .group("/todos", todos -> todos
                        .filter((req, res, next) -> { res.header("Cache-Control", "no-store"); next.proceed(); })
                        .get("/", (req, res) -> res.json(store.all()))
                        .get("/{id}", (req, res) -> res.json(store.get(req.pathParam("id"))))
                        .post("/", (req, res) -> res.status(201).json(store.add(req.json(Todo.class)))))
                .error(NoSuchElementException.class,              // 404 with a JSON body
                        (req, res, e) -> res.status(404).json(Map.of("error", e.getMessage())))
                .accessLog()                                      // a line per request: logger dev.weft.http.access
                .observer(new WeftMetrics(registry))              // weft-micrometer: requests, connections, poller
                .get("/metrics", (req, res) -> res.send(registry.scrape()))
                .port(0)
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close)); // graceful
        // readme:end
        try (HttpClient client = HttpClient.newHttpClient()) {
            URI base = URI.create("http://127.0.0.1:" + server.address().getPort());
            HttpResponse<String> created = client.send(HttpRequest.newBuilder(base.resolve("/todos"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"milk\",\"done\":false}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode());
            assertEquals("{\"id\":\"1\"}", created.body());
            HttpResponse<String> one = get(client, base.resolve("/todos/1"));
            assertEquals("{\"title\":\"milk\",\"done\":false}", one.body());
            assertEquals("no-store", one.headers().firstValue("cache-control").orElse(""));
            HttpResponse<String> missing = get(client, base.resolve("/todos/9"));
            assertEquals(404, missing.statusCode());
            assertEquals("{\"error\":\"no todo 9\"}", missing.body());
            HttpResponse<String> malformed = client.send(HttpRequest.newBuilder(base.resolve("/todos"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, malformed.statusCode());
            assertEquals("application/problem+json", malformed.headers().firstValue("content-type").orElse(""));
            assertTrue(get(client, base.resolve("/metrics")).body().contains("weft_http_requests_seconds_count"));
        } finally {
            server.close();
        }
    }

    @Test
    void theReadmeShowsExactlyTheseLines() throws Exception {
        String source = Files.readString(Path.of("src/test/java/dev/weft/micrometer/ReadmeServiceTest.java"));
        String tested = source.substring(source.indexOf("// readme:start\n") + 16, source.indexOf("        // readme:end"));
        String readme = Files.readString(Path.of("../README.md"));
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

    private static HttpResponse<String> get(HttpClient client, URI uri) throws Exception {
        return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }
}

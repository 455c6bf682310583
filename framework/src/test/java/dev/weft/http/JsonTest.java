package dev.weft.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.poller.NoFdLeaks;
import dev.weft.testing.HttpServerTest;
import dev.weft.testing.SetUpServer;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** JSON both ways through the user's codec (Jackson here); 415 and 400 answered as RFC 9457 problem details. */
@ExtendWith(NoFdLeaks.class)
@HttpServerTest
class JsonTest {
    record Todo(String title, boolean done) {}

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @SetUpServer
    static void routes(HttpServer.Builder server) {
        server.json(new JacksonCodec())
                .post("/todos", (req, res) -> {
                    Todo todo = req.json(Todo.class);
                    res.status(201).json(new Todo(todo.title().toUpperCase(), todo.done()));
                })
                .post("/todos/batch", (req, res) -> {
                    List<Todo> todos = req.json(new TypeReference<List<Todo>>() {}.getType());
                    res.json(Map.of("count", todos.size(), "first", todos.getFirst().title()));
                })
                .get("/fail", (req, res) -> {
                    throw new IllegalStateException("secret internals");
                });
    }

    @Test
    void aBodyIsReadIntoARecordAndTheAnswerWrittenAsJson(InetSocketAddress address) throws Exception {
        try (Wire w = new Wire(address)) {
            Wire.Reply r = w.send(post("/todos", "application/json; charset=UTF-8", "{\"title\":\"milk\",\"done\":false}"))
                    .readResponse();
            assertEquals(201, r.status());
            assertTrue(r.hasField("content-type: application/json"), r.head());
            assertEquals(new Todo("MILK", false), MAPPER.readValue(r.body(), Todo.class));
        }
    }

    @Test
    void aGenericTypeIsReadThroughTheCodec(InetSocketAddress address) throws Exception {
        try (Wire w = new Wire(address)) {
            Wire.Reply r = w.send(post("/todos/batch", "application/vnd.todo+json",
                    "[{\"title\":\"a\",\"done\":true},{\"title\":\"b\",\"done\":false}]")).readResponse();
            assertEquals(200, r.status(), r.body());
            assertEquals(Map.of("count", 2, "first", "a"), MAPPER.readValue(r.body(), Map.class));
        }
    }

    @Test
    void aBodyThatIsNotJsonIs415AsAProblem(InetSocketAddress address) throws Exception {
        try (Wire w = new Wire(address)) {
            assertProblem(w.send(post("/todos", "text/plain", "milk")).readResponse(), 415, "Unsupported Media Type");
            assertProblem(w.send("POST /todos HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n{}").readResponse(), 415,
                    "Unsupported Media Type");
        }
    }

    @Test
    void malformedJsonIs400AsAProblemThatNamesNoServerClass(InetSocketAddress address) throws Exception {
        try (Wire w = new Wire(address)) {
            for (String bad : List.of("{\"title\":", "[1,2]", "")) {
                Wire.Reply r = w.send(post("/todos", "application/json", bad)).readResponse();
                Map<?, ?> problem = assertProblem(r, 400, "Bad Request");
                assertEquals("the request body is not valid JSON for the expected type", problem.get("detail"));
                assertTrue(!r.body().contains("Todo"), r.body());
            }
        }
    }

    @Test
    void a500ProblemCarriesNoDetail(InetSocketAddress address) throws Exception {
        try (Wire w = new Wire(address)) {
            Wire.Reply r = w.send("GET /fail HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
            Map<?, ?> problem = assertProblem(r, 500, "Internal Server Error");
            assertTrue(!problem.containsKey("detail") && !r.body().contains("secret"), r.body());
            assertProblem(w.send("GET /nowhere HTTP/1.1\r\nHost: t\r\n\r\n").readResponse(), 404, "Not Found");
        }
    }

    @Test
    void withoutACodecTheProblemIsPlainText() throws Exception {
        try (HttpServer server = HttpServer.builder()
                .post("/todos", (req, res) -> res.send(req.json(Todo.class).title()))
                .get("/q", (req, res) -> res.send(req.queryParam("q")))
                .port(0).start();
             Wire w = new Wire(server.address())) {
            Wire.Reply r = w.send("GET /q?q=%zz HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
            assertEquals(400, r.status());
            assertTrue(r.hasField("content-type: text/plain; charset=UTF-8"), r.head());
            assertEquals("Bad Request: malformed percent-encoding in the query\n", r.body());
        }
    }

    private static Map<?, ?> assertProblem(Wire.Reply r, int status, String title) throws Exception {
        assertEquals(status, r.status(), r.body());
        assertTrue(r.hasField("content-type: application/problem+json"), r.head());
        Map<?, ?> problem = MAPPER.readValue(r.body(), Map.class);
        assertEquals("about:blank", problem.get("type"));
        assertEquals(title, problem.get("title"));
        assertEquals(status, problem.get("status"));
        return problem;
    }

    private static String post(String path, String contentType, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: t\r\nContent-Type: " + contentType + "\r\nContent-Length: "
                + body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }
}

package dev.weft.sample.weft;

import com.fasterxml.jackson.core.JacksonException;
import dev.weft.http.HttpServer;
import dev.weft.http.Request;
import dev.weft.http.Response;
import dev.weft.sample.Json;
import dev.weft.sample.Problem;
import dev.weft.sample.todo.InvalidTodoException;
import dev.weft.sample.todo.NewTodo;
import dev.weft.sample.todo.Todo;
import dev.weft.sample.todo.TodoStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/** The sample's routes in weft's own API ({@code --mode weft}): the same routes as {@code HelidonApp}. */
public final class WeftApp {
    private static final byte[] PLAINTEXT = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    private final TodoStore todos = new TodoStore();
    private final Supplier<Map<String, Object>> stats;

    public WeftApp(Supplier<Map<String, Object>> stats) {
        this.stats = stats;
    }

    public HttpServer.Builder routes(HttpServer.Builder b) {
        return b.json(Json.MAPPER::writeValueAsBytes)
                .get("/plaintext", (req, res) -> res.contentType("text/plain").send(PLAINTEXT))
                .get("/json", (req, res) -> res.json(Json.HELLO))
                .post("/echo", WeftApp::echo)
                .post("/todos", this::create)
                .get("/todos", (req, res) -> validated(res, () -> res.json(todos.list(
                        TodoStore.doneFilter(req.queryParam("done")), req.queryParam("q")))))
                .get("/todos/{id}", (req, res) -> validated(res, () -> {
                    long id = TodoStore.id(req.pathParam("id"));
                    Todo todo = todos.get(id).orElse(null);
                    if (todo == null) {
                        problem(res, Problem.notFound("no todo " + id));
                    } else {
                        res.json(todo);
                    }
                }))
                .delete("/todos/{id}", (req, res) -> validated(res, () -> {
                    long id = TodoStore.id(req.pathParam("id"));
                    if (todos.delete(id)) {
                        res.status(204).send();
                    } else {
                        problem(res, Problem.notFound("no todo " + id));
                    }
                }))
                .get("/stats", (req, res) -> res.json(stats.get()));
    }

    /** The body streamed back as it arrives, under the same content type. */
    private static void echo(Request req, Response res) throws IOException {
        String type = req.header("content-type");
        res.contentType(type == null ? "application/octet-stream" : type);
        try (OutputStream out = res.stream()) {
            req.body().transferTo(out);
        }
    }

    private void create(Request req, Response res) throws Exception {
        String type = req.header("content-type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            problem(res, new Problem("about:blank", "Unsupported Media Type", 415, "send the todo as application/json"));
            return;
        }
        validated(res, () -> {
            NewTodo input;
            try {
                input = Json.MAPPER.readValue(req.body(), NewTodo.class);
            } catch (JacksonException e) {
                throw new InvalidTodoException("malformed JSON: " + e.getOriginalMessage());
            }
            Todo todo = todos.create(input);
            res.status(201).header("Location", "/todos/" + todo.id()).json(todo);
        });
    }

    interface Action {
        void run() throws Exception;
    }

    /** Runs {@code action}; an invalid to-do or parameter becomes 400 with a problem body. */
    private static void validated(Response res, Action action) throws Exception {
        try {
            action.run();
        } catch (InvalidTodoException e) {
            problem(res, Problem.badRequest(e.getMessage()));
        }
    }

    private static void problem(Response res, Problem problem) throws IOException {
        res.status(problem.status()).contentType(Problem.MEDIA_TYPE).send(Json.MAPPER.writeValueAsBytes(problem));
    }
}

package dev.weft.sample.weft;

import dev.weft.http.HttpServer;
import dev.weft.http.Request;
import dev.weft.http.Response;
import dev.weft.http.Routes;
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

/**
 * The sample's routes in weft's own API ({@code --mode weft}): the same routes as {@code HelidonApp}. JSON goes
 * through weft's {@code JsonCodec} (Jackson here): a body that is not {@code application/json} is 415, one that
 * does not parse is 400, both as problem details written by weft.
 */
public final class WeftApp {
    private static final byte[] PLAINTEXT = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    private final TodoStore todos = new TodoStore();
    private final Supplier<Map<String, Object>> stats;

    public WeftApp(Supplier<Map<String, Object>> stats) {
        this.stats = stats;
    }

    public HttpServer.Builder routes(HttpServer.Builder b) {
        return b.json(Json.CODEC)
                .get("/plaintext", (req, res) -> res.contentType("text/plain").send(PLAINTEXT))
                .get("/json", (req, res) -> res.json(Json.HELLO))
                .post("/echo", WeftApp::echo)
                .group("/todos", this::todos)
                .get("/stats", (req, res) -> res.json(stats.get()))
                .error(InvalidTodoException.class, (req, res, e) -> problem(res, Problem.badRequest(e.getMessage())));
    }

    private void todos(Routes r) {
        r.post("/", (req, res) -> {
                    Todo todo = todos.create(req.json(NewTodo.class));
                    res.status(201).header("Location", "/todos/" + todo.id()).json(todo);
                })
                .get("/", (req, res) -> res.json(todos.list(TodoStore.doneFilter(req.queryParam("done")),
                        req.queryParam("q"))))
                .get("/{id}", (req, res) -> {
                    long id = TodoStore.id(req.pathParam("id"));
                    Todo todo = todos.get(id).orElse(null);
                    if (todo == null) {
                        problem(res, Problem.notFound("no todo " + id));
                    } else {
                        res.json(todo);
                    }
                })
                .delete("/{id}", (req, res) -> {
                    long id = TodoStore.id(req.pathParam("id"));
                    if (todos.delete(id)) {
                        res.status(204).send();
                    } else {
                        problem(res, Problem.notFound("no todo " + id));
                    }
                });
    }

    /** The body streamed back as it arrives, under the same content type. */
    private static void echo(Request req, Response res) throws IOException {
        String type = req.header("content-type");
        res.contentType(type == null ? "application/octet-stream" : type);
        try (OutputStream out = res.stream()) {
            req.body().transferTo(out);
        }
    }

    private static void problem(Response res, Problem problem) throws IOException {
        res.status(problem.status()).contentType(Problem.MEDIA_TYPE).send(Json.MAPPER.writeValueAsBytes(problem));
    }
}

package dev.weft.sample.helidon;

import com.fasterxml.jackson.core.JacksonException;
import dev.weft.sample.Json;
import dev.weft.sample.Problem;
import dev.weft.sample.todo.InvalidTodoException;
import dev.weft.sample.todo.NewTodo;
import dev.weft.sample.todo.Todo;
import dev.weft.sample.todo.TodoStore;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The sample's routes in Helidon's API: served by stock Helidon ({@code --mode helidon}) and, unchanged, by weft
 * ({@code --mode helidon-weft}). The same routes as {@code WeftApp}, written once for this API.
 */
public final class HelidonApp {
    private static final byte[] PLAINTEXT = "Hello, World!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final TodoStore todos = new TodoStore();
    private final Supplier<Map<String, Object>> stats;

    public HelidonApp(Supplier<Map<String, Object>> stats) {
        this.stats = stats;
    }

    public void routing(HttpRouting.Builder r) {
        r.get("/plaintext", (req, res) -> {
                    res.header(HeaderNames.CONTENT_TYPE, "text/plain");
                    res.send(PLAINTEXT);
                })
                .get("/json", (req, res) -> json(res, Status.OK_200, Json.HELLO))
                .post("/echo", HelidonApp::echo)
                .post("/todos", this::create)
                .get("/todos", (req, res) -> json(res, Status.OK_200, todos.list(
                        TodoStore.doneFilter(req.query().first("done").orElse(null)),
                        req.query().first("q").orElse(null))))
                .get("/todos/{id}", (req, res) -> {
                    long id = TodoStore.id(req.path().pathParameters().get("id"));
                    todos.get(id).ifPresentOrElse(t -> json(res, Status.OK_200, t),
                            () -> problem(res, Problem.notFound("no todo " + id)));
                })
                .delete("/todos/{id}", (req, res) -> {
                    long id = TodoStore.id(req.path().pathParameters().get("id"));
                    if (todos.delete(id)) {
                        res.status(Status.NO_CONTENT_204).send();
                    } else {
                        problem(res, Problem.notFound("no todo " + id));
                    }
                })
                .get("/stats", (req, res) -> json(res, Status.OK_200, stats.get()))
                .error(InvalidTodoException.class, (req, res, e) -> problem(res, Problem.badRequest(e.getMessage())));
    }

    /** The body streamed back as it arrives, under the same content type. */
    private static void echo(ServerRequest req, ServerResponse res) throws Exception {
        res.header(HeaderNames.CONTENT_TYPE, req.headers().contentType()
                .map(HttpMediaType::text).orElse(MediaTypes.APPLICATION_OCTET_STREAM_VALUE));
        try (InputStream in = req.content().inputStream(); OutputStream out = res.outputStream()) {
            in.transferTo(out);
        }
    }

    private void create(ServerRequest req, ServerResponse res) throws Exception {
        boolean isJson = req.headers().contentType().map(t -> t.test(MediaTypes.APPLICATION_JSON)).orElse(false);
        if (!isJson) {
            problem(res, new Problem("about:blank", "Unsupported Media Type", 415,
                    "send the todo as application/json"));
            return;
        }
        NewTodo input;
        try {
            input = Json.MAPPER.readValue(req.content().inputStream(), NewTodo.class);
        } catch (JacksonException e) {
            throw new InvalidTodoException("malformed JSON: " + e.getOriginalMessage());
        }
        Todo todo = todos.create(input);
        res.header(HeaderNames.LOCATION, "/todos/" + todo.id());
        json(res, Status.CREATED_201, todo);
    }

    private static void json(ServerResponse res, Status status, Object value) {
        send(res, status, MediaTypes.APPLICATION_JSON_VALUE, value);
    }

    private static void problem(ServerResponse res, Problem problem) {
        send(res, Status.create(problem.status()), Problem.MEDIA_TYPE, problem);
    }

    private static void send(ServerResponse res, Status status, String type, Object value) {
        byte[] body;
        try {
            body = Json.MAPPER.writeValueAsBytes(value);
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
        res.status(status).header(HeaderNames.CONTENT_TYPE, type).send(body);
    }
}

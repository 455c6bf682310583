package dev.weft.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.poller.NoFdLeaks;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Path patterns, filters, error mapping and the JSON hook, as a service author uses them. */
@ExtendWith(NoFdLeaks.class)
class RoutingTest {

    @Test
    void pathPatternsMatchLiteralsParametersAndTheRest() throws Exception {
        assertEquals(Map.of("id", "7", "post", "a b+c"), new PathPattern("/users/{id}/posts/{post}")
                .match("/users/7/posts/a%20b+c"), "'+' is not a space in a path");
        assertNull(new PathPattern("/users/{id}").match("/users/"), "never empty");
        assertNull(new PathPattern("/users/{id}/x").match("/users//x"), "never empty, also mid-path");
        assertNull(new PathPattern("/users/{id}").match("/users/7/x"));
        assertNull(new PathPattern("/users/{id}").match("/users/7/"), "a trailing slash is one more segment");
        assertNull(new PathPattern("/users/{id}").match("/users"));
        assertNull(new PathPattern("/users").match("/user"));
        assertNull(new PathPattern("/users").match("/usersx"));
        assertEquals(Map.of(), new PathPattern("/").match("/"));
        assertNull(new PathPattern("/").match("/x"));
        assertEquals(Map.of(), new PathPattern("/static/*").match("/static/css/site.css"));
        assertEquals(Map.of(), new PathPattern("/static/*").match("/static"));
        assertEquals(Map.of(), new PathPattern("/static/*").match("/static/"));
        assertNull(new PathPattern("/static/*").match("/staticx"));
        assertNull(new PathPattern("/static/*").match("/"));
        assertEquals(Map.of(), new PathPattern("/*").match("/"));
        assertEquals(Map.of("id", "7"), new PathPattern("/users/{id}/*").match("/users/7/a/b"));
        assertNull(new PathPattern("/*").match("*"), "OPTIONS * has no route");
        assertEquals(400, assertThrows(HttpException.class,
                () -> new PathPattern("/users/{id}").match("/users/%zz")).status());
        assertThrows(IllegalArgumentException.class, () -> new PathPattern("users"));
        assertThrows(IllegalArgumentException.class, () -> new PathPattern("/users/{id"));
    }

    @Test
    void filtersRunAroundTheHandlerInOrderAndCanAnswerThemselves() throws Exception {
        List<String> trace = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (HttpServer server = HttpServer.builder()
                .filter((req, res, next) -> {
                    trace.add("outer before");
                    res.header("X-Outer", "1");
                    next.proceed();
                    trace.add("outer after");
                })
                .filter((req, res, next) -> {
                    if (req.header("authorization") == null) {
                        res.status(401).send("who are you?\n");
                        return;
                    }
                    next.proceed();
                })
                .get("/secret", (req, res) -> {
                    trace.add("handler");
                    res.send("ok");
                })
                .port(0).start();
             Wire w = new Wire(server.address())) {
            Wire.Reply denied = w.send("GET /secret HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
            assertEquals(401, denied.status());
            assertTrue(denied.hasField("x-outer: 1"), denied.head());
            awaitSize(trace, 2); // the response is on the wire before the outer filter's "after" step runs
            assertEquals(List.of("outer before", "outer after"), trace);
            trace.clear();
            Wire.Reply ok = w.send("GET /secret HTTP/1.1\r\nHost: t\r\nAuthorization: x\r\n\r\n").readResponse();
            assertEquals("ok", ok.body());
            awaitSize(trace, 3);
            assertEquals(List.of("outer before", "handler", "outer after"), trace);
        }
    }

    private static void awaitSize(List<String> trace, int size) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (trace.size() < size) {
            assertTrue(System.nanoTime() < deadline, "trace stayed " + trace);
            Thread.onSpinWait();
        }
    }

    @Test
    void exceptionsMapToTheStatusTheServiceChooses() throws Exception {
        try (HttpServer server = HttpServer.builder()
                .get("/missing", (req, res) -> {
                    throw new java.util.NoSuchElementException("gone");
                })
                .errorStatus(e -> e instanceof java.util.NoSuchElementException ? 404 : null)
                .port(0).start();
             Wire w = new Wire(server.address())) {
            assertEquals(404, w.send("GET /missing HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().status());
        }
    }

    @Test
    void jsonGoesThroughTheUsersWriter() throws Exception {
        JsonCodec tinyJson = new JsonCodec() {
            @Override
            public byte[] write(Object value) {
                return ("{\"value\":\"" + value + "\"}").getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public <T> T read(byte[] json, java.lang.reflect.Type type) {
                throw new UnsupportedOperationException();
            }
        };
        try (HttpServer server = HttpServer.builder()
                .json(tinyJson)
                .get("/thing/{id}", (req, res) -> res.json(req.pathParam("id")))
                .port(0).start();
             Wire w = new Wire(server.address())) {
            Wire.Reply r = w.send("GET /thing/42 HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
            assertEquals("{\"value\":\"42\"}", r.body());
            assertTrue(r.hasField("content-type: application/json"), r.head());
        }
    }

    @Test
    void responseFieldsCannotInjectLines() throws Exception {
        try (HttpServer server = HttpServer.builder()
                .get("/inject", (req, res) -> res.header("X-Bad", "a\r\nSet-Cookie: evil").send("no"))
                .port(0).start();
             Wire w = new Wire(server.address())) {
            Wire.Reply r = w.send("GET /inject HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
            assertEquals(500, r.status(), "the handler's IllegalArgumentException became a 500");
            assertTrue(!r.head().toLowerCase().contains("set-cookie"), r.head());
        }
    }
}

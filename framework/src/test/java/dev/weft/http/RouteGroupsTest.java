package dev.weft.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.poller.NoFdLeaks;
import dev.weft.testing.HttpServerTest;
import dev.weft.testing.SetUpServer;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Route groups with their own filters, every method helper, duplicate routes, and the request's facts. */
@ExtendWith(NoFdLeaks.class)
@HttpServerTest
class RouteGroupsTest {
    /** A service: a method that fills a group. */
    static final class TodoService {
        void routes(Routes todos) {
            todos.filter((req, res, next) -> {
                        if (!"k".equals(req.header("x-api-key"))) {
                            res.status(401).send("key?\n");
                            return;
                        }
                        res.header("X-Group", "todos");
                        next.proceed();
                    })
                    .get("/", (req, res) -> res.send("all"))
                    .get("/{id}", (req, res) -> res.send("get " + req.pathParam("id") + " via " + req.route()))
                    .put("/{id}", (req, res) -> res.send("put " + req.pathParam("id")))
                    .patch("/{id}", (req, res) -> res.send("patch " + req.pathParam("id")))
                    .delete("/{id}", (req, res) -> res.status(204).send())
                    .group("/{id}/notes", notes -> notes.get("/", (req, res) -> res.send("notes of "
                            + req.pathParam("id"))));
        }
    }

    @SetUpServer
    static void routes(HttpServer.Builder server) {
        server.filter((req, res, next) -> {
                    res.header("X-Global", "1");
                    next.proceed();
                })
                .group("/todos", new TodoService()::routes)
                .get("/page", (req, res) -> res.send("page body"))
                .head("/page", (req, res) -> res.header("X-Head", "own").send())
                .any("/echo-method", (req, res) -> res.send(req.method()))
                .get("/facts", (req, res) -> res.send(req.requestLine() + "|" + req.peerAddress().getAddress()
                        .getHostAddress() + "|" + req.localAddress().getPort()));
    }

    @Test
    void aGroupsFilterRunsAroundItsRoutesOnlyAfterTheServerWideOnes(InetSocketAddress address) throws Exception {
        try (Wire w = new Wire(address)) {
            Wire.Reply denied = w.send("GET /todos/7 HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
            assertEquals(401, denied.status());
            assertTrue(denied.hasField("x-global: 1"), denied.head());
            Wire.Reply ok = w.send("GET /todos/7 HTTP/1.1\r\nHost: t\r\nX-Api-Key: k\r\n\r\n").readResponse();
            assertEquals("get 7 via /todos/{id}", ok.body());
            assertTrue(ok.hasField("x-group: todos") && ok.hasField("x-global: 1"), ok.head());
            assertEquals("all", w.send("GET /todos HTTP/1.1\r\nHost: t\r\nX-Api-Key: k\r\n\r\n").readResponse().body(),
                    "'/' in a group is the prefix itself");
            assertEquals("notes of 7", w.send("GET /todos/7/notes HTTP/1.1\r\nHost: t\r\nX-Api-Key: k\r\n\r\n")
                    .readResponse().body(), "nested groups, and the outer group's filter ran");
            Wire.Reply other = w.send("GET /page HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
            assertFalse(other.head().toLowerCase().contains("x-group"), "not around other routes: " + other.head());
            Wire.Reply notFound = w.send("GET /todos/7/x HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
            assertEquals(404, notFound.status(), "no group filter for a 404 under the prefix");
        }
    }

    @Test
    void everyMethodHelperRoutesItsMethod(InetSocketAddress address) throws Exception {
        try (Wire w = new Wire(address)) {
            String key = "Host: t\r\nX-Api-Key: k\r\n";
            assertEquals("put 3", w.send("PUT /todos/3 HTTP/1.1\r\n" + key + "Content-Length: 0\r\n\r\n")
                    .readResponse().body());
            assertEquals("patch 3", w.send("PATCH /todos/3 HTTP/1.1\r\n" + key + "\r\n").readResponse().body());
            assertEquals(204, w.send("DELETE /todos/3 HTTP/1.1\r\n" + key + "\r\n").readResponse().status());
            Wire.Reply notAllowed = w.send("POST /todos/3 HTTP/1.1\r\n" + key + "Content-Length: 0\r\n\r\n")
                    .readResponse();
            assertEquals(405, notAllowed.status());
            assertTrue(notAllowed.hasField("allow: GET, HEAD, PUT, PATCH, DELETE"), notAllowed.head());
            assertEquals("BREW", w.send("BREW /echo-method HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().body());
            assertEquals("GET", w.send("GET /echo-method HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().body());
        }
    }

    @Test
    void aHeadRouteTakesHeadFromTheGetRoute(InetSocketAddress address) throws Exception {
        try (Wire w = new Wire(address)) {
            Wire.Reply head = w.send("HEAD /page HTTP/1.1\r\nHost: t\r\n\r\n").readHeadResponse();
            assertTrue(head.hasField("x-head: own"), head.head());
            assertEquals("page body", w.send("GET /page HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().body());
        }
    }

    @Test
    void theRequestKnowsItsLineAsReceivedAndBothAddresses(InetSocketAddress address) throws Exception {
        try (Wire w = new Wire(address)) {
            assertEquals("GET /facts?x=%41 HTTP/1.1|127.0.0.1|" + address.getPort(),
                    w.send("GET /facts?x=%41 HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().body());
            assertTrue(w.send("GET /facts HTTP/1.0\r\n\r\n").readToEnd().contains("GET /facts HTTP/1.0|"));
        }
    }

    @Test
    void aDuplicateRouteIsRejectedWhereItIsRegisteredNamingBoth() {
        HttpServer.Builder b = HttpServer.builder().get("/users/{id}", (req, res) -> res.send());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> b.get("/users/{name}", (req, res) -> res.send()));
        assertEquals("duplicate route: GET /users/{name} matches the same requests as GET /users/{id}", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.group("/users", g -> g.get("/{x}", (req, res) -> res.send())),
                "also across a group's prefix");
        b.post("/users/{id}", (req, res) -> res.send()); // another method: fine
        b.get("/users/me", (req, res) -> res.send());    // a literal is another shape: fine
        assertThrows(IllegalArgumentException.class, () -> b.group("/a/*", g -> { }));
        assertThrows(IllegalArgumentException.class, () -> b.group("/a/{x", g -> { }));
    }
}

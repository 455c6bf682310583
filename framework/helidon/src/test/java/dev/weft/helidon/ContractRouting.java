package dev.weft.helidon;

import io.helidon.webserver.http.HttpRouting;

/** The routing every contract test serves, on stock Helidon and on weft alike. */
final class ContractRouting {
    private ContractRouting() {}

    static void routes(HttpRouting.Builder r) {
        r.get("/hello", (req, res) -> res.send("Hello"))
                .get("/secret", (req, res) -> res.send("SECRET"))
                .get("/users/{id}", (req, res) -> res.send("user " + req.path().pathParameters().get("id")))
                .get("/close", (req, res) -> res.header("Connection", "close").send("bye"))
                .get("/fail", (req, res) -> {
                    throw new IllegalStateException("boom");
                })
                .post("/echo", (req, res) -> res.send(req.content().as(String.class)))
                .post("/early", (req, res) -> res.header("Connection", "close").send("early")); // body unread
    }
}

package dev.weft.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.poller.NoFdLeaks;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The hello service at the top of framework/README.md compiles and answers (port 0, a stand-in JSON library). */
@ExtendWith(NoFdLeaks.class)
class HttpServiceReadmeTest {
    /** Stands in for the user's JSON library. */
    static final class MyJsonLibrary {
        JsonCodec codec() {
            return new JsonCodec() {
                @Override
                public byte[] write(Object value) {
                    return ("\"" + value + "\"").getBytes(StandardCharsets.UTF_8);
                }

                @Override
                public <T> T read(byte[] json, java.lang.reflect.Type type) {
                    throw new UnsupportedOperationException();
                }
            };
        }
    }

    @Test
    void theReadmeServiceAnswers() throws Exception {
        MyJsonLibrary myJsonLibrary = new MyJsonLibrary();
        HttpServer server = HttpServer.builder()
                .get("/hello/{name}", (req, res) -> res.send("Hello, " + req.pathParam("name") + "!\n"))
                .get("/search", (req, res) -> res.send("q=" + req.queryParam("q") + "\n"))
                .post("/echo", (req, res) -> res.send(req.bodyBytes()))
                .filter((req, res, next) -> { res.header("X-Served-By", "weft"); next.proceed(); })
                .json(myJsonLibrary.codec())
                .port(0)
                .start();
        System.out.println("http://127.0.0.1:" + server.address().getPort() + "/hello/you");
        try (Wire w = new Wire(server.address())) {
            Wire.Reply r = w.send("GET /hello/you HTTP/1.1\r\nHost: t\r\n\r\n").readResponse();
            assertEquals("Hello, you!\n", r.body());
            assertTrue(r.hasField("x-served-by: weft"), r.head());
            assertEquals("q=a b\n", w.send("GET /search?q=a+b HTTP/1.1\r\nHost: t\r\n\r\n").readResponse().body());
        } finally {
            server.close();
        }
    }
}

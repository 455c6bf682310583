package dev.weft.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class against a real {@link dev.weft.http.HttpServer}: before the class's tests, the class's
 * static {@link SetUpServer} methods configure a builder, and the server starts on 127.0.0.1, port 0; test
 * constructors, test methods and lifecycle methods may take its {@link java.net.URI} (e.g.
 * {@code http://127.0.0.1:40123}), its {@link java.net.InetSocketAddress} or the
 * {@link dev.weft.http.HttpServer} itself as parameters; after the class's tests it is closed.
 * <pre>{@code
 * @HttpServerTest
 * class TodoApiTest {
 *     @SetUpServer
 *     static void routes(HttpServer.Builder server) {
 *         server.get("/todos", (req, res) -> res.send("[]"));
 *     }
 *
 *     @Test
 *     void listsNothingAtFirst(URI uri) throws Exception {
 *         var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri.resolve("/todos")).build(),
 *                 HttpResponse.BodyHandlers.ofString());
 *         assertEquals("[]", response.body());
 *     }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(HttpServerExtension.class)
public @interface HttpServerTest {
}

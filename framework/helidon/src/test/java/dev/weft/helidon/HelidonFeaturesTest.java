package dev.weft.helidon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.poller.NoFdLeaks;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.http.media.jackson.JacksonSupport;
import io.helidon.http.media.MediaContext;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.spi.ServerFeature;
import io.helidon.webserver.staticcontent.FileSystemHandlerConfig;
import io.helidon.webserver.staticcontent.StaticContentFeature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a Helidon SE service relies on works the same on weft: path parameters, services under a path, filters,
 * error handlers, JSON both ways (Jackson media support), static content, a ServerFeature, and the request limit.
 * Each test runs on stock Helidon and on weft, with the same routing.
 */
@ExtendWith({JdkPollers.class, NoFdLeaks.class})
class HelidonFeaturesTest {
    record Greeting(String name, int times) {}

    /** A user's ServerFeature: adds a route and a response header through the feature context. */
    static final class VersionFeature implements ServerFeature {
        @Override
        public void setup(ServerFeatureContext context) {
            context.socket(WebServer.DEFAULT_SOCKET_NAME).httpRouting()
                    .get("/version", (req, res) -> res.send("1.0"));
        }

        @Override
        public String name() {
            return "version";
        }

        @Override
        public String type() {
            return "version";
        }
    }

    /** An HttpService registered under /greet. */
    static final class GreetService implements HttpService {
        @Override
        public void routing(HttpRules rules) {
            rules.get("/{name}", (req, res) -> res.send("Hello " + req.path().pathParameters().get("name")))
                    .post("/", (req, res) -> {
                        Greeting g = req.content().as(Greeting.class);
                        res.send(new Greeting(g.name().toUpperCase(), g.times() + 1));
                    });
        }
    }

    @TempDir
    static Path staticRoot;
    private static final Map<Servers, WebServer> SERVERS = new EnumMap<>(Servers.class);
    private static final AtomicReference<CountDownLatch> RELEASE = new AtomicReference<>(new CountDownLatch(0));
    private static final AtomicInteger BLOCKED = new AtomicInteger();
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Files.writeString(staticRoot.resolve("index.txt"), "static text");
        for (Servers kind : Servers.values()) {
            SERVERS.put(kind, kind.start(b -> b
                    .mediaContext(MediaContext.builder().addMediaSupport(JacksonSupport.create()).build())
                    .maxConcurrentRequests(4)
                    .addFeature(new VersionFeature())
                    .routing(r -> r
                            .addFilter((chain, req, res) -> {
                                res.header("X-Request-Id", "42");
                                chain.proceed();
                            })
                            .register("/greet", new GreetService())
                            .register("/static", StaticContentFeature.createService(
                                    FileSystemHandlerConfig.builder().location(staticRoot).build()))
                            .get("/conflict", (req, res) -> {
                                throw new IllegalArgumentException("no such thing");
                            })
                            .get("/block", (req, res) -> {
                                CountDownLatch release = RELEASE.get();
                                BLOCKED.incrementAndGet();
                                release.await();
                                res.send("released");
                            })
                            .error(IllegalArgumentException.class, (req, res, e) ->
                                    res.status(Status.CONFLICT_409).send("conflict: " + e.getMessage())))));
        }
    }

    @AfterAll
    static void stop() {
        RELEASE.get().countDown();
        SERVERS.values().forEach(WebServer::stop);
        client.close();
    }

    private static URI uri(Servers kind, String path) {
        return URI.create("http://127.0.0.1:" + SERVERS.get(kind).port() + path);
    }

    private static HttpResponse<String> get(Servers kind, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(kind, path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void serviceWithPathParametersAndAFilter(Servers kind) throws Exception {
        HttpResponse<String> r = get(kind, "/greet/weft");
        assertEquals(200, r.statusCode());
        assertEquals("Hello weft", r.body());
        assertEquals("42", r.headers().firstValue("X-Request-Id").orElse(null));
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void jsonIsReadAndWrittenByTheMediaContext(Servers kind) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri(kind, "/greet/"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"ada\",\"times\":1}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("{\"name\":\"ADA\",\"times\":2}", r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void errorHandlerByExceptionType(Servers kind) throws Exception {
        HttpResponse<String> r = get(kind, "/conflict");
        assertEquals(409, r.statusCode());
        assertEquals("conflict: no such thing", r.body());
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void staticContentService(Servers kind) throws Exception {
        HttpResponse<String> r = get(kind, "/static/index.txt");
        assertEquals(200, r.statusCode());
        assertEquals("static text", r.body());
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void serverFeatureSetsUpItsRoutes(Servers kind) throws Exception {
        assertEquals("1.0", get(kind, "/version").body());
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void maxConcurrentRequestsAnswers503BeyondTheLimit(Servers kind) throws Exception {
        // Four requests hold the four permits, each waiting in the handler; the fifth is refused at once.
        CountDownLatch release = new CountDownLatch(1);
        RELEASE.set(release);
        BLOCKED.set(0);
        List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
        try (HttpClient separate = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            for (int i = 0; i < 4; i++) {
                held.add(separate.sendAsync(HttpRequest.newBuilder(uri(kind, "/block")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (BLOCKED.get() < 4) {
                assertTrue(System.nanoTime() < deadline, "the four requests never reached the handler");
                Thread.onSpinWait();
            }
            assertEquals(503, get(kind, "/greet/x").statusCode());
            release.countDown();
            for (CompletableFuture<HttpResponse<String>> f : held) {
                assertEquals("released", f.get(20, TimeUnit.SECONDS).body());
            }
        } finally {
            release.countDown();
        }
    }

    @ParameterizedTest
    @EnumSource(Servers.class)
    void headersOfTheResponseCarryHelidonsDefaults(Servers kind) throws Exception {
        HttpResponse<String> r = get(kind, "/greet/x");
        assertTrue(r.headers().firstValue(HeaderNames.DATE.defaultCase()).isPresent());
        assertEquals("keep-alive", r.headers().firstValue("Connection").orElse(""));
    }
}

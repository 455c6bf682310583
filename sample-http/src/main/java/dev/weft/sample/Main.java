package dev.weft.sample;

import dev.weft.helidon.WeftWebServer;
import dev.weft.http.HttpServer;
import dev.weft.sample.helidon.HelidonApp;
import dev.weft.sample.weft.WeftApp;
import dev.weft.server.Server;
import dev.weft.server.ServerBuilder;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The service a newcomer runs first: the same routes served three ways ({@code --mode weft | helidon-weft |
 * helidon}); {@code --help} lists the flags. Ctrl-C or SIGTERM stops it gracefully and prints its counters.
 */
public final class Main {
    /** Largest request body, the same in every mode (weft's default). */
    static final long MAX_BODY_BYTES = 10L * 1024 * 1024;

    /** A started server of any mode. */
    interface Running {
        InetSocketAddress address();

        /** The /stats body; after {@link #stop()}, the final counters. */
        Map<String, Object> stats();

        void stop();
    }

    private Main() {}

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (Options.UsageException e) {
            System.err.println("weft-sample: " + e.getMessage() + " (--help lists the options)");
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.print(Options.help());
            return;
        }
        Running server;
        try {
            server = start(options);
        } catch (Options.UsageException e) {
            System.err.println("weft-sample: " + e.getMessage() + " (--help lists the options)");
            System.exit(2);
            return;
        } catch (IOException | UncheckedIOException e) {
            System.err.println("weft-sample: cannot listen on " + options.host() + ":" + options.port() + ": " + e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            System.out.println("weft-sample: stopped (" + options.mode() + "); " + toJson(server.stats()));
            System.out.flush();
        }, "weft-sample-stop"));
        System.out.println("weft-sample (" + options.mode() + "): http://" + server.address().getHostString() + ":"
                + server.address().getPort() + "/plaintext  (also /json, /todos, /stats, POST /echo; Ctrl-C stops)");
        System.out.flush();
        new CountDownLatch(1).await();
    }

    /** Starts the server {@code options} ask for; it is serving when this returns. */
    static Running start(Options options) throws IOException {
        return switch (options.mode()) {
            case WEFT -> weft(options);
            case HELIDON_WEFT, HELIDON -> helidon(options);
        };
    }

    private static Running weft(Options options) throws IOException {
        AtomicReference<Server> tcp = new AtomicReference<>();
        HttpServer.Builder b = new WeftApp(() -> Stats.of("weft", tcp.get())).routes(HttpServer.builder());
        weftOptions(b.tcp().host(address(options.host())).port(options.port()), options);
        HttpServer server = b.start();
        tcp.set(server.tcp());
        return new Running() {
            @Override
            public InetSocketAddress address() {
                return server.address();
            }

            @Override
            public Map<String, Object> stats() {
                return Stats.of("weft", server.tcp());
            }

            @Override
            public void stop() {
                server.close();
            }
        };
    }

    private static Running helidon(Options options) {
        AtomicReference<WebServer> started = new AtomicReference<>();
        HelidonApp app = new HelidonApp(() -> stats(options, started.get()));
        WebServer server = (options.mode() == Options.Mode.HELIDON_WEFT
                ? helidonOptions(WeftWebServer.builder(), options, app)
                        .tcp(t -> weftOptions(t, options)).build()
                : helidonOptions(WebServer.builder(), options, app).build())
                .start();
        if (!server.isRunning()) {
            throw new IllegalStateException("Helidon did not start (see its log above)");
        }
        started.set(server);
        Server tcp = server instanceof WeftWebServer weft ? weft.tcp() : null; // its counters outlive stop()
        return new Running() {
            @Override
            public InetSocketAddress address() {
                return new InetSocketAddress(options.host(), server.port());
            }

            @Override
            public Map<String, Object> stats() {
                return Stats.of(options.mode().toString(), tcp);
            }

            @Override
            public void stop() {
                server.stop();
            }
        };
    }

    /** weft's own TCP options, the same in both weft modes. */
    private static void weftOptions(ServerBuilder tcp, Options options) {
        tcp.acceptors(options.acceptors()).pollerSets(options.pollerSets()).pollerMode(options.pollerMode());
    }

    /** What both Helidon modes set on their builder: Helidon's own or weft's, the same methods. */
    private static <B extends WebServerConfig.BuilderBase<B, ?>> B helidonOptions(B b, Options options,
                                                                                 HelidonApp app) {
        return b.host(options.host()).port(options.port()).shutdownHook(false).maxPayloadSize(MAX_BODY_BYTES)
                .routing(app::routing);
    }

    private static Map<String, Object> stats(Options options, WebServer server) {
        return Stats.of(options.mode().toString(), server instanceof WeftWebServer weft ? weft.tcp() : null);
    }

    private static InetAddress address(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new Options.UsageException("unknown host " + host);
        }
    }

    private static String toJson(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

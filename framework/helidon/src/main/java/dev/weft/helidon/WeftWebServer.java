package dev.weft.helidon;

import dev.weft.server.Server;
import dev.weft.server.ServerBuilder;
import dev.weft.server.ServerStats;
import io.helidon.Main;
import io.helidon.common.context.Context;
import io.helidon.common.context.Contexts;
import io.helidon.common.tls.Tls;
import io.helidon.spi.HelidonShutdownHandler;
import io.helidon.webserver.Router;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A Helidon 4 {@link WebServer} whose connections are accepted and served by weft: weft's acceptors (a shared
 * or SO_REUSEPORT listener, TCP_DEFER_ACCEPT, EMFILE back-off), one weft connection per socket registered once in
 * the poller and closed without EPOLL_CTL_DEL, reads and writes parked on the weft poller — under Helidon's own
 * HTTP/1.1 engine and routing, unchanged. The switch is one line:
 * <pre>
 * WebServer server = WebServer.builder()       // stock Helidon
 * WebServer server = WeftWebServer.builder()   // the same builder methods, served by weft
 *         .port(8080)
 *         .routing(r -> r.get("/greet", (req, res) -> res.send("Hello")))
 *         .build()
 *         .start();
 * </pre>
 * The builder is Helidon's own ({@code WebServerConfig.BuilderBase}), so everything it takes is taken; what weft
 * cannot serve (TLS, named sockets, proxy protocol, other connection selectors) is refused when the server is
 * built, by name; protocols other than HTTP/1.1 (HTTP/2 on the class path, say) are logged once and not served.
 * What weft adds, and what differs, is in docs/helidon.md.
 *
 * <pre>
 * Locking and lifetime
 *   lifecycle  ReentrantLock: start() and stop() run one at a time, as for stock Helidon.
 *   server     volatile; non-null while running (written under lifecycle). A server starts once: like a stock
 *              WebServer, a stopped one cannot be restarted (build a new one).
 *   started, executor, shutdownHandler  guarded by lifecycle.
 * </pre>
 */
public final class WeftWebServer implements WebServer {
    private static final System.Logger LOG = System.getLogger(WeftWebServer.class.getName());
    private static final AtomicInteger SERVER_NUMBERS = new AtomicInteger();
    /** Default of {@link Builder#requestHeadTimeout}: the same as weft's own HTTP server's. */
    public static final Duration DEFAULT_HEAD_TIMEOUT = Duration.ofSeconds(10);

    private final WebServerConfig config;
    private final Consumer<ServerBuilder> tcpOptions;
    private final Duration headTimeout;
    private final Context context;
    private final Router router;
    private final Http1ConnectionSelector selector;
    private final ReentrantLock lifecycle = new ReentrantLock();
    private volatile Server server;                 // see the header
    private boolean started;                        // guarded by lifecycle
    private ExecutorService executor;               // guarded by lifecycle
    private HelidonShutdownHandler shutdownHandler; // guarded by lifecycle

    private WeftWebServer(WebServerConfig config, Consumer<ServerBuilder> tcpOptions, Duration headTimeout) {
        ConfigMapping.checkSupported(config);
        ConfigMapping.tcp(config, tcpOptions).config(); // validates weft's options now, not at start()
        this.config = config;
        this.tcpOptions = tcpOptions;
        this.headTimeout = headTimeout;
        this.context = config.serverContext().orElseGet(() -> Context.builder()
                .id("weft-" + SERVER_NUMBERS.incrementAndGet())
                .update(b -> Contexts.context().ifPresent(b::parent))
                .build());
        this.router = FeatureSetup.router(config);
        List<String> ignored = ConfigMapping.ignoredProtocols(config);
        if (!ignored.isEmpty()) {
            LOG.log(Level.WARNING, "weft serves HTTP/1.1 only; protocols not served: " + ignored);
        }
        this.selector = Http1ConnectionSelector.builder().config(ConfigMapping.http1(config)).build();
    }

    /** A builder with every method of {@link WebServer#builder()}, plus weft's own options. */
    public static Builder builder() {
        return new Builder();
    }

    /** A server for a Helidon config built elsewhere (weft's options at their defaults). */
    public static WeftWebServer create(WebServerConfig config) {
        return new WeftWebServer(config, b -> { }, DEFAULT_HEAD_TIMEOUT);
    }

    /** Like {@link WebServer#create(Consumer)}. */
    public static WeftWebServer create(Consumer<Builder> setup) {
        Builder b = builder();
        setup.accept(b);
        return b.build();
    }

    /**
     * Starts accepting: runs the routing's {@code beforeStart} (static content, features), then weft's acceptors.
     * Fails with the cause (e.g. {@link java.net.BindException}) as an {@link UncheckedIOException}.
     */
    @Override
    public WeftWebServer start() {
        lifecycle.lock();
        try {
            if (server != null) {
                return this;
            }
            if (started) {
                throw new IllegalStateException("a stopped server cannot be restarted; build a new one");
            }
            started = true;
            long begin = System.nanoTime();
            router.beforeStart();
            executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("weft-helidon-task-", 0).factory());
            HelidonListener listener = new HelidonListener(config, router, selector,
                    ConfigMapping.requestLimit(config), context, executor, headTimeout.toNanos());
            try {
                server = ConfigMapping.tcp(config, tcpOptions).start(listener);
            } catch (IOException | RuntimeException e) {
                router.afterStop();
                executor.close();
                throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
            }
            if (config.shutdownHook()) {
                shutdownHandler = this::stop;
                Main.addShutdownHandler(shutdownHandler);
            }
            LOG.log(Level.INFO, "weft serving Helidon routing on " + server.address() + " in "
                    + (System.nanoTime() - begin) / 1_000_000 + " ms");
            return this;
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * Graceful stop: stop accepting, close idle connections, let exchanges in flight finish within
     * {@code shutdownGracePeriod}, close the rest; then the routing's {@code afterStop}. Idempotent.
     */
    @Override
    public WeftWebServer stop() {
        lifecycle.lock();
        try {
            Server s = server;
            if (s == null) {
                return this;
            }
            try {
                s.close();
            } finally {
                server = null;
                try {
                    router.afterStop();
                } finally {
                    stopExecutor();
                    if (shutdownHandler != null) {
                        Main.removeShutdownHandler(shutdownHandler);
                        shutdownHandler = null;
                    }
                }
            }
            LOG.log(Level.INFO, "weft stopped serving Helidon routing");
            return this;
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * Helidon's task executor, as stock Helidon stops it: no new tasks, the shutdown grace for those running,
     * then they are interrupted (a long-lived task — an SSE pusher, a background loop — must not hold stop()).
     */
    private void stopExecutor() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(config.shutdownGracePeriod().toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** The bound port of the default socket, -1 when not running (as for a stock server). */
    @Override
    public int port(String socketName) {
        Server s = server;
        return s == null || !DEFAULT_SOCKET_NAME.equals(socketName) ? -1 : s.address().getPort();
    }

    @Override
    public boolean hasTls(String socketName) {
        return false;
    }

    /** weft serves plain TCP: there is no TLS to reload. */
    @Override
    public void reloadTls(String socketName, Tls tls) {
        throw new UnsupportedOperationException("weft serves plain TCP; TLS is not supported");
    }

    @Override
    public Context context() {
        return context;
    }

    @Override
    public WebServerConfig prototype() {
        return config;
    }

    /** The weft TCP server underneath (its poller's registry and counters), or null when not running. */
    public Server tcp() {
        return server;
    }

    /** The TCP server's counters; throws when not running. */
    public ServerStats stats() {
        Server s = server;
        if (s == null) {
            throw new IllegalStateException("not running");
        }
        return s.stats();
    }

    /**
     * Helidon's {@code WebServer.builder()}, with {@link #build()} making a {@link WeftWebServer}. It extends
     * Helidon's generated {@code WebServerConfig.BuilderBase}: every option a stock server takes is here, under
     * the same name; weft's own are {@link #tcp} and {@link #requestHeadTimeout}.
     */
    public static final class Builder extends WebServerConfig.BuilderBase<Builder, WebServerConfig>
            implements io.helidon.common.Builder<Builder, WeftWebServer> {
        private Consumer<ServerBuilder> tcpOptions = b -> { };
        private Duration headTimeout = DEFAULT_HEAD_TIMEOUT;

        private Builder() {
        }

        /**
         * weft's TCP options (acceptors, accept mode, poller sets and mode, TCP_DEFER_ACCEPT, read and write
         * timeouts...: framework/README.md), applied after the ones taken from Helidon's config (host, port,
         * backlog, maxTcpConnections, idleConnectionTimeout, shutdownGracePeriod), so they win.
         */
        public Builder tcp(Consumer<ServerBuilder> options) {
            this.tcpOptions = Objects.requireNonNull(options, "tcp options");
            return this;
        }

        /**
         * The whole request head (request-line and fields) must arrive within this, from its first byte, or the
         * client gets 408 and the connection closes. Default {@link #DEFAULT_HEAD_TIMEOUT}.
         */
        public Builder requestHeadTimeout(Duration timeout) {
            if (timeout == null || timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("requestHeadTimeout must be positive, was " + timeout);
            }
            this.headTimeout = timeout;
            return this;
        }

        @Override
        public WebServerConfig buildPrototype() {
            preBuildPrototype();
            validatePrototype();
            return new WebServerConfigImpl(this) {
                @Override
                public WebServer build() {
                    return WeftWebServer.create(this); // the prototype builds what its builder builds
                }

                @Override
                public WebServer get() {
                    return build();
                }
            };
        }

        @Override
        public WeftWebServer build() {
            return new WeftWebServer(buildPrototype(), tcpOptions, headTimeout);
        }
    }
}

package dev.weft.http;

import dev.weft.server.Server;
import dev.weft.server.ServerBuilder;
import dev.weft.server.ServerStats;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An HTTP/1.1 server with routing, on weft's TCP server:
 * <pre>{@code
 * HttpServer server = HttpServer.builder()
 *         .get("/hello/{name}", (req, res) -> res.send("Hello, " + req.pathParam("name") + "!\n"))
 *         .post("/echo", (req, res) -> res.send(req.bodyBytes()))
 *         .port(8080)
 *         .start();
 * }</pre>
 */
public final class HttpServer implements AutoCloseable {
    private final Server server;
    private final BodyBudget budget;

    private HttpServer(Server server, BodyBudget budget) {
        this.server = server;
        this.budget = budget;
    }

    /** {@return a builder with no routes, the default limits and the TCP server's defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the address the server listens on (with the port chosen, for port 0)} */
    public InetSocketAddress address() {
        return server.address();
    }

    /** {@return the TCP server's counters (connections, bytes, timeouts...)} */
    public ServerStats stats() {
        return server.stats();
    }

    /** {@return request-body bytes buffered in memory now, against {@link HttpLimits#maxBufferedBodyBytes()}} */
    public long bufferedBodyBytes() {
        return budget.used();
    }

    /** {@return the underlying TCP server (its poller's registry and counters, for diagnostics and metrics)} */
    public Server tcp() {
        return server;
    }

    /** Graceful stop: see {@link Server#close()}. */
    @Override
    public void close() {
        server.close();
    }

    /**
     * Loads, while fds are plentiful, the classes every exchange needs (issue 10, defect A: from a class directory
     * each would need an fd to load on the first request, and a class that fails to load under fd exhaustion fails
     * its call site for good), and formats the first Date field.
     */
    private static void preload() {
        Class<?>[] exchange = {Http1Connection.class, InputBuffer.class, HeadParser.class, RequestLine.class,
                RequestHead.class, Headers.class, Framing.class, RequestBody.class, ChunkedDecoder.class,
                Request.class, Response.class, ResponseHead.class, ChunkedOutput.class, Router.class,
                PathPattern.class, Errors.class, Exchange.class, HttpException.class, HttpStatusException.class,
                Status.class, Tokens.class};
        assert exchange.length > 0;
        DateHeader.line();
    }

    /** What every connection of one server shares: immutable. */
    record Shared(Router router, Errors errors, HttpLimits limits, JsonCodec json, BodyBudget budget,
                  ExchangeObserver observer) {}

    /**
     * Routes, filters, error handling, limits, observers, and the TCP options (host, port, timeouts:
     * {@link ServerBuilder}). Every option rejects null at once, naming itself.
     */
    public static final class Builder {
        private final Routes routes = Routes.root();
        private final Map<Class<?>, ErrorHandler<?>> errorHandlers = new LinkedHashMap<>();
        private final List<ExchangeObserver> observers = new ArrayList<>();
        private Function<Exception, Integer> errorStatus = e -> null;
        private HttpLimits limits = HttpLimits.defaults();
        private JsonCodec json;
        // Over the connection cap a client gets a fast 503 rather than a bare close (tcp() may change it).
        private final ServerBuilder tcp = Server.builder().overCapacityResponse(
                "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));

        private Builder() {}

        /**
         * Adds a route (see {@link Routes#route}).
         *
         * @param method      the method token, e.g. {@code "GET"}
         * @param pathPattern e.g. {@code /users/{id}}, {@code /static/*}
         * @param handler     serves the matching requests
         * @return this builder
         * @throws IllegalArgumentException for a malformed method or pattern, or a duplicate route
         */
        public Builder route(String method, String pathPattern, Handler handler) {
            routes.route(method, pathPattern, handler);
            return this;
        }

        /**
         * Adds a GET route (it also serves HEAD).
         *
         * @param pathPattern the path pattern
         * @param handler     the handler
         * @return this builder; a GET route also serves HEAD
         */
        public Builder get(String pathPattern, Handler handler) {
            routes.get(pathPattern, handler);
            return this;
        }

        /**
         * Adds a POST route.
         *
         * @param pathPattern the path pattern
         * @param handler     the handler
         * @return this builder
         */
        public Builder post(String pathPattern, Handler handler) {
            routes.post(pathPattern, handler);
            return this;
        }

        /**
         * Adds a PUT route.
         *
         * @param pathPattern the path pattern
         * @param handler     the handler
         * @return this builder
         */
        public Builder put(String pathPattern, Handler handler) {
            routes.put(pathPattern, handler);
            return this;
        }

        /**
         * Adds a PATCH route.
         *
         * @param pathPattern the path pattern
         * @param handler     the handler
         * @return this builder
         */
        public Builder patch(String pathPattern, Handler handler) {
            routes.patch(pathPattern, handler);
            return this;
        }

        /**
         * Adds a DELETE route.
         *
         * @param pathPattern the path pattern
         * @param handler     the handler
         * @return this builder
         */
        public Builder delete(String pathPattern, Handler handler) {
            routes.delete(pathPattern, handler);
            return this;
        }

        /**
         * Adds a HEAD route.
         *
         * @param pathPattern the path pattern
         * @param handler     the handler
         * @return this builder; the route takes HEAD from a GET route of the same path
         */
        public Builder head(String pathPattern, Handler handler) {
            routes.head(pathPattern, handler);
            return this;
        }

        /**
         * Adds a route for every method.
         *
         * @param pathPattern the path pattern
         * @param handler     the handler, for every method
         * @return this builder
         */
        public Builder any(String pathPattern, Handler handler) {
            routes.any(pathPattern, handler);
            return this;
        }

        /**
         * Routes under a path prefix, with filters of their own (see {@link Routes}).
         *
         * @param prefix e.g. {@code /todos}
         * @param rules  fills the group, e.g. {@code todoService::routes}
         * @return this builder
         */
        public Builder group(String prefix, Consumer<Routes> rules) {
            routes.group(prefix, rules);
            return this;
        }

        /**
         * A filter around every request (404 and 405 included), in the order added.
         *
         * @param filter the filter
         * @return this builder
         */
        public Builder filter(Filter filter) {
            routes.filter(filter);
            return this;
        }

        /**
         * Answers exceptions of {@code type} (and its subclasses, unless a more specific handler is registered)
         * with a response of the handler's making.
         *
         * @param type    the exception class
         * @param handler writes the response
         * @param <E>     the exception type
         * @return this builder
         * @throws IllegalArgumentException when {@code type} already has a handler
         */
        public <E extends Exception> Builder error(Class<E> type, ErrorHandler<? super E> handler) {
            Objects.requireNonNull(type, "error type");
            Objects.requireNonNull(handler, "error handler");
            if (errorHandlers.putIfAbsent(type, handler) != null) {
                throw new IllegalArgumentException("an error handler for " + type.getName() + " is already set");
            }
            return this;
        }

        /**
         * Maps a handler's exception to a status when no {@link #error error handler} claims it: null (or a
         * status outside 400..599) leaves it unclaimed, answered 500 and logged.
         *
         * @param mapping exception to status
         * @return this builder
         */
        public Builder errorStatus(Function<Exception, Integer> mapping) {
            this.errorStatus = Objects.requireNonNull(mapping, "errorStatus");
            return this;
        }

        /**
         * The JSON library for {@link Response#json}, {@link Request#json(Class)} and problem bodies.
         *
         * @param codec the codec
         * @return this builder
         */
        public Builder json(JsonCodec codec) {
            this.json = Objects.requireNonNull(codec, "json");
            return this;
        }

        /**
         * Sets the HTTP limits.
         *
         * @param value the HTTP limits (default {@link HttpLimits#defaults()})
         * @return this builder
         */
        public Builder limits(HttpLimits value) {
            this.limits = Objects.requireNonNull(value, "limits");
            return this;
        }

        /**
         * Adds an observer of every exchange (several may be added; each is called in turn).
         *
         * @param observer the observer
         * @return this builder
         */
        public Builder observer(ExchangeObserver observer) {
            observers.add(Objects.requireNonNull(observer, "observer"));
            return this;
        }

        /**
         * Turns on the access log: one line per exchange on the logger "dev.weft.http.access" ({@link AccessLog}).
         *
         * @return this builder
         */
        public Builder accessLog() {
            return observer(new AccessLog());
        }

        /**
         * Sets the TCP port.
         *
         * @param port the TCP port; 0 picks a free one ({@link HttpServer#address()} tells which)
         * @return this builder
         */
        public Builder port(int port) {
            tcp.port(port);
            return this;
        }

        /** {@return the TCP server's options (host, acceptors, timeouts, connection cap, ...)} */
        public ServerBuilder tcp() {
            return tcp;
        }

        /**
         * Starts the server: it listens and serves when this returns.
         *
         * @return the running server
         * @throws IOException when it cannot listen
         */
        public HttpServer start() throws IOException {
            preload();
            JsonCodec j = json;
            Errors errors = new Errors(errorHandlers, errorStatus, j);
            BodyBudget budget = new BodyBudget(limits.maxBufferedBodyBytes());
            Shared shared = new Shared(new Router(routes, errors), errors, limits, j, budget, observer());
            long idleNanos = tcp.config().idleTimeout().toNanos();
            Server server = tcp.start(connection -> new Http1Connection(connection, shared, idleNanos).serve());
            HttpServer http = new HttpServer(server, budget);
            try {
                for (ExchangeObserver o : observers) {
                    o.serverStarted(http);
                }
            } catch (RuntimeException | Error e) {
                http.close(); // a server half set up (metrics unbound) is not left running
                throw e;
            }
            return http;
        }

        /** null without observers (the connections then skip observing altogether); one; or all in turn. */
        private ExchangeObserver observer() {
            if (observers.isEmpty()) {
                return null;
            }
            if (observers.size() == 1) {
                return observers.getFirst();
            }
            List<ExchangeObserver> all = List.copyOf(observers);
            return exchange -> {
                for (ExchangeObserver o : all) {
                    try {
                        o.exchangeDone(exchange);
                    } catch (RuntimeException e) {
                        System.getLogger("dev.weft.http").log(Level.WARNING,
                                "exchange observer " + o.getClass().getName() + " failed", e);
                    }
                }
            };
        }
    }
}

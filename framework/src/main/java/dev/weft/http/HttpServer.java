package dev.weft.http;

import dev.weft.server.Server;
import dev.weft.server.ServerBuilder;
import dev.weft.server.ServerStats;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * An HTTP/1.1 server with routing, on weft's TCP server:
 * <pre>
 * HttpServer server = HttpServer.builder()
 *         .get("/hello/{name}", (req, res) -> res.send("Hello, " + req.pathParam("name") + "!\n"))
 *         .post("/echo", (req, res) -> res.send(req.bodyBytes()))
 *         .port(8080)
 *         .start();
 * </pre>
 */
public final class HttpServer implements AutoCloseable {
    private final Server server;

    private HttpServer(Server server) {
        this.server = server;
    }

    public static Builder builder() {
        return new Builder();
    }

    public InetSocketAddress address() {
        return server.address();
    }

    public ServerStats stats() {
        return server.stats();
    }

    /** The underlying TCP server (its poller's registry, for diagnostics). */
    public Server tcp() {
        return server;
    }

    /** Graceful stop: see {@link Server#close()}. */
    @Override
    public void close() {
        server.close();
    }

    /** Routes, filters, limits, and the TCP options (host, port, timeouts: {@link ServerBuilder}). */
    public static final class Builder {
        private final List<Router.Route> routes = new ArrayList<>();
        private final List<Filter> filters = new ArrayList<>();
        private Function<Exception, Integer> errorStatus = e -> 500;
        private HttpLimits limits = HttpLimits.defaults();
        private JsonWriter json;
        // Over the connection cap a client gets a fast 503 rather than a bare close (tcp() may change it).
        private final ServerBuilder tcp = Server.builder().overCapacityResponse(
                "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));

        private Builder() {}

        public Builder route(String method, String pathPattern, Handler handler) {
            for (int i = 0; i < method.length(); i++) {
                if (!Tokens.isTchar((byte) method.charAt(i))) {
                    throw new IllegalArgumentException("not a method token: " + method);
                }
            }
            if (handler == null) {
                throw new IllegalArgumentException("handler must not be null");
            }
            routes.add(new Router.Route(method, new PathPattern(pathPattern), handler));
            return this;
        }

        public Builder get(String pathPattern, Handler handler) {
            return route("GET", pathPattern, handler);
        }

        public Builder post(String pathPattern, Handler handler) {
            return route("POST", pathPattern, handler);
        }

        public Builder put(String pathPattern, Handler handler) {
            return route("PUT", pathPattern, handler);
        }

        public Builder delete(String pathPattern, Handler handler) {
            return route("DELETE", pathPattern, handler);
        }

        public Builder filter(Filter filter) {
            filters.add(filter);
            return this;
        }

        /** Maps a handler's exception to a status (null or unmapped: 500). */
        public Builder errorStatus(Function<Exception, Integer> mapping) {
            this.errorStatus = mapping;
            return this;
        }

        public Builder json(JsonWriter writer) {
            this.json = writer;
            return this;
        }

        public Builder limits(HttpLimits value) {
            this.limits = value;
            return this;
        }

        public Builder port(int port) {
            tcp.port(port);
            return this;
        }

        /** The TCP server's options (acceptors, timeouts, connection cap, ...). */
        public ServerBuilder tcp() {
            return tcp;
        }

        public HttpServer start() throws IOException {
            Router router = new Router(routes, filters, errorStatus);
            HttpLimits l = limits;
            JsonWriter j = json;
            long idleNanos = tcp.config().idleTimeout().toNanos();
            Server server = tcp.start(connection -> new Http1Connection(connection, router, l, j, idleNanos).serve());
            return new HttpServer(server);
        }
    }
}

package dev.weft.helidon;

import dev.weft.server.AcceptedSocketOptions;
import dev.weft.server.Server;
import dev.weft.server.ServerBuilder;
import io.helidon.common.concurrency.limits.FixedLimit;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.socket.SocketOptions;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.spi.ProtocolConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * From a Helidon {@link WebServerConfig} to what weft runs: the TCP server's options, the HTTP/1.1 config with
 * weft's exchange rules, the request limit — and a clear refusal, at build time, of what weft does not serve.
 *
 * <pre>
 * Helidon option               weft
 * host/address, port, backlog  the listeners (SO_REUSEPORT group or one shared listener: ServerBuilder options)
 * maxTcpConnections            maxConnections (Helidon's -1, unlimited, keeps weft's cap, 10,000)
 * idleConnectionTimeout        idleTimeout (a read waiting between requests; no sweep period)
 * shutdownGracePeriod          shutdownGrace
 * connectionOptions            acceptedSocketOptions: SO_KEEPALIVE, TCP_NODELAY, SO_RCVBUF, SO_SNDBUF, set once on
 *                              the listeners and inherited by every connection (stock Helidon sets them on each
 *                              accepted socket: three setsockopt per connection); its timeouts are not used
 *                              (weft's idle and read timeouts apply)
 * maxConcurrentRequests,       the Limit handed to Helidon's connection loop, as stock Helidon does
 *   concurrencyLimit
 * protocols: Http1Config       Helidon's HTTP/1.1 engine, with weft's listeners added (others: logged, ignored)
 * </pre>
 */
final class ConfigMapping {
    private ConfigMapping() {}

    /** Throws IllegalArgumentException naming every option of {@code config} weft cannot honour. */
    static void checkSupported(WebServerConfig config) {
        List<String> unsupported = new ArrayList<>();
        if (config.tls().isPresent() && config.tls().get().enabled()) {
            unsupported.add("tls (weft serves plain TCP; terminate TLS in front of it)");
        }
        if (!config.sockets().isEmpty()) {
            unsupported.add("sockets " + config.sockets().keySet() + " (weft serves the default socket only)");
        }
        if (!config.namedRoutings().isEmpty()) {
            unsupported.add("named routings " + config.namedRoutings().keySet()
                    + " (weft serves the default socket only)");
        }
        if (config.enableProxyProtocol()) {
            unsupported.add("enableProxyProtocol");
        }
        if (!config.connectionSelectors().isEmpty()) {
            unsupported.add("connectionSelectors (weft serves HTTP/1.1 only)");
        }
        if (!unsupported.isEmpty()) {
            throw new IllegalArgumentException("WeftWebServer does not support: " + String.join("; ", unsupported));
        }
    }

    /**
     * The protocols other than HTTP/1.1 in {@code config} (configured, or discovered on the class path, e.g.
     * HTTP/2): weft serves HTTP/1.1 only, and says so once when the server is built rather than refusing it.
     */
    static List<String> ignoredProtocols(ListenerConfig config) {
        List<String> ignored = new ArrayList<>();
        for (ProtocolConfig protocol : config.protocols()) {
            if (!(protocol instanceof Http1Config)) {
                ignored.add(protocol.type());
            }
        }
        return ignored;
    }

    /** The TCP server's options: Helidon's listener options first, then weft's own ({@code weft}) over them. */
    static ServerBuilder tcp(ListenerConfig config, Consumer<ServerBuilder> weft) {
        ServerBuilder b = Server.builder()
                .host(config.address())
                .port(config.port())
                .backlog(config.backlog())
                .idleTimeout(config.idleConnectionTimeout())
                .shutdownGrace(config.shutdownGracePeriod())
                .acceptedSocketOptions(acceptedSocketOptions(config.connectionOptions()));
        if (config.maxTcpConnections() > 0) {
            b.maxConnections(config.maxTcpConnections());
        }
        weft.accept(b);
        return b;
    }

    /** Helidon's options for accepted sockets, as weft sets them on its listeners. */
    static AcceptedSocketOptions acceptedSocketOptions(SocketOptions options) {
        return new AcceptedSocketOptions(options.socketKeepAlive(), options.tcpNoDelay(),
                options.socketReceiveBufferSize().orElse(null), options.socketSendBufferSize().orElse(null));
    }

    /**
     * The user's HTTP/1.1 config (the first, as stock Helidon's connection selection picks it; or Helidon's
     * default), with weft's exchange rules as its one listener per direction, forwarding to the user's
     * listeners (see {@link ExchangeRules} for why only one).
     */
    static Http1Config http1(ListenerConfig config) {
        Http1Config base = null;
        for (ProtocolConfig protocol : config.protocols()) {
            if (base == null && protocol instanceof Http1Config h1) {
                base = h1;
            }
        }
        if (base == null) {
            base = Http1Config.create();
        }
        return Http1Config.builder().from(base)
                .receiveListeners(List.of(ExchangeRules.receive(base.receiveListeners())))
                .sendListeners(List.of(ExchangeRules.send(base.sendListeners())))
                .build();
    }

    /** Helidon's per-request limit, chosen as stock Helidon chooses it (unlimited unless configured). */
    static Limit requestLimit(ListenerConfig config) {
        Limit limit = config.maxConcurrentRequests() == -1
                ? config.concurrencyLimit().orElseGet(FixedLimit::create)
                : FixedLimit.builder().permits(config.maxConcurrentRequests()).build();
        limit.init(config.name());
        return limit;
    }
}

package dev.weft.server;

import dev.weft.poller.PollerMode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Collects options (defaults: {@link ServerConfig#defaults()}) and starts a server; the resulting
 * {@link ServerConfig} validates every option when it is built, with a message naming the bad one.
 */
public final class ServerBuilder {
    private final ServerConfig defaults = ServerConfig.defaults();
    private InetAddress host = defaults.address().getAddress();
    private int port = defaults.address().getPort();
    private int acceptors = defaults.acceptors();
    private AcceptMode acceptMode = defaults.acceptMode();
    private int pollerSets = defaults.pollerSets();
    private PollerMode pollerMode = defaults.pollerMode();
    private int backlog = defaults.backlog();
    private boolean deferAccept = defaults.deferAccept();
    private int maxConnections = defaults.maxConnections();
    private Duration idleTimeout = defaults.idleTimeout();
    private Duration readTimeout = defaults.readTimeout();
    private Duration writeTimeout = defaults.writeTimeout();
    private Duration shutdownGrace = defaults.shutdownGrace();
    private boolean serveOnAcceptor = defaults.serveOnAcceptor();

    ServerBuilder() {}

    public ServerBuilder host(InetAddress value) {
        host = value;
        return this;
    }

    public ServerBuilder port(int value) {
        if (value < 0 || value > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + value);
        }
        port = value;
        return this;
    }

    public ServerBuilder acceptors(int value) {
        acceptors = value;
        return this;
    }

    public ServerBuilder acceptMode(AcceptMode value) {
        acceptMode = value;
        return this;
    }

    public ServerBuilder pollerSets(int value) {
        pollerSets = value;
        return this;
    }

    public ServerBuilder pollerMode(PollerMode value) {
        pollerMode = value;
        return this;
    }

    public ServerBuilder backlog(int value) {
        backlog = value;
        return this;
    }

    public ServerBuilder deferAccept(boolean value) {
        deferAccept = value;
        return this;
    }

    public ServerBuilder maxConnections(int value) {
        maxConnections = value;
        return this;
    }

    public ServerBuilder idleTimeout(Duration value) {
        idleTimeout = value;
        return this;
    }

    public ServerBuilder readTimeout(Duration value) {
        readTimeout = value;
        return this;
    }

    public ServerBuilder writeTimeout(Duration value) {
        writeTimeout = value;
        return this;
    }

    public ServerBuilder shutdownGrace(Duration value) {
        shutdownGrace = value;
        return this;
    }

    /** See {@link ServerConfig#serveOnAcceptor()}: for handlers that block on nothing but their connection. */
    public ServerBuilder serveOnAcceptor(boolean value) {
        serveOnAcceptor = value;
        return this;
    }

    /** The configuration so far, validated. */
    public ServerConfig config() {
        if (host == null) {
            throw new IllegalArgumentException("host must not be null");
        }
        return new ServerConfig(new InetSocketAddress(host, port), acceptors, acceptMode, pollerSets, pollerMode,
                backlog,
                deferAccept, maxConnections, idleTimeout, readTimeout, writeTimeout, shutdownGrace, serveOnAcceptor);
    }

    public Server start(ConnectionHandler handler) throws IOException {
        return Server.start(config(), handler);
    }
}

package dev.weft.server;

import dev.weft.poller.PollerMode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Collects options (defaults: {@link ServerConfig#defaults()}) and starts a server; the resulting
 * {@link ServerConfig} validates every option when it is built, with a message naming the bad one. Each setter
 * documents its option on {@link ServerConfig}; the two that are not part of it (an over-capacity response and a
 * failure callback) are documented here.
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
    private boolean firstRunOnAcceptor = defaults.firstRunOnAcceptor();
    private int maxConnections = defaults.maxConnections();
    private Duration firstByteTimeout = defaults.firstByteTimeout();
    private Duration idleTimeout = defaults.idleTimeout();
    private Duration readTimeout = defaults.readTimeout();
    private Duration writeTimeout = defaults.writeTimeout();
    private Duration shutdownGrace = defaults.shutdownGrace();
    private AcceptedSocketOptions acceptedSocketOptions = defaults.acceptedSocketOptions();
    private byte[] overCapacityResponse;
    private Consumer<? super Throwable> onFailure = failure -> { };
    private ThreadStarts threadStarts = ThreadStarts.DEFAULT;

    ServerBuilder() {}

    /**
     * Sets the address to listen on ({@link ServerConfig#address()}).
     *
     * @param value a local address (default: the loopback address)
     * @return this builder
     */
    public ServerBuilder host(InetAddress value) {
        host = value;
        return this;
    }

    /**
     * Sets the port to listen on ({@link ServerConfig#address()}).
     *
     * @param value 0..65535 (0: a free one, see {@link Server#address()})
     * @return this builder
     */
    public ServerBuilder port(int value) {
        if (value < 0 || value > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + value);
        }
        port = value;
        return this;
    }

    /**
     * Sets {@link ServerConfig#acceptors()}.
     *
     * @param value the new value
     * @return this builder
     */
    public ServerBuilder acceptors(int value) {
        acceptors = value;
        return this;
    }

    /**
     * Sets {@link ServerConfig#acceptMode()}.
     *
     * @param value the new value
     * @return this builder
     */
    public ServerBuilder acceptMode(AcceptMode value) {
        acceptMode = value;
        return this;
    }

    /**
     * Sets {@link ServerConfig#pollerSets()}.
     *
     * @param value the new value
     * @return this builder
     */
    public ServerBuilder pollerSets(int value) {
        pollerSets = value;
        return this;
    }

    /**
     * Sets {@link ServerConfig#pollerMode()}.
     *
     * @param value the new value
     * @return this builder
     */
    public ServerBuilder pollerMode(PollerMode value) {
        pollerMode = value;
        return this;
    }

    /**
     * Sets {@link ServerConfig#backlog()}.
     *
     * @param value the new value
     * @return this builder
     */
    public ServerBuilder backlog(int value) {
        backlog = value;
        return this;
    }

    /**
     * Sets {@link ServerConfig#deferAccept()}.
     *
     * @param value the new value
     * @return this builder
     */
    public ServerBuilder deferAccept(boolean value) {
        deferAccept = value;
        return this;
    }

    /**
     * Sets {@link ServerConfig#firstRunOnAcceptor()}.
     *
     * @param value whether a connection thread's first run may run on the accepting thread (default true)
     * @return this builder
     */
    public ServerBuilder firstRunOnAcceptor(boolean value) {
        firstRunOnAcceptor = value;
        return this;
    }

    /**
     * Sets {@link ServerConfig#maxConnections()}.
     *
     * @param value the new value
     * @return this builder
     */
    public ServerBuilder maxConnections(int value) {
        maxConnections = value;
        return this;
    }

    /**
     * Sets {@link ServerConfig#firstByteTimeout()}.
     *
     * @param value the new value
     * @return this builder
     */
    public ServerBuilder firstByteTimeout(Duration value) {
        firstByteTimeout = value;
        return this;
    }

    /**
     * Sets {@link ServerConfig#idleTimeout()}.
     *
     * @param value the new value
     * @return this builder
     */
    public ServerBuilder idleTimeout(Duration value) {
        idleTimeout = value;
        return this;
    }

    /**
     * Sets {@link ServerConfig#readTimeout()}.
     *
     * @param value the new value
     * @return this builder
     */
    public ServerBuilder readTimeout(Duration value) {
        readTimeout = value;
        return this;
    }

    /**
     * Sets {@link ServerConfig#writeTimeout()}.
     *
     * @param value the new value
     * @return this builder
     */
    public ServerBuilder writeTimeout(Duration value) {
        writeTimeout = value;
        return this;
    }

    /**
     * Sets {@link ServerConfig#shutdownGrace()}.
     *
     * @param value the new value
     * @return this builder
     */
    public ServerBuilder shutdownGrace(Duration value) {
        shutdownGrace = value;
        return this;
    }

    /**
     * See {@link ServerConfig#acceptedSocketOptions()}: SO_KEEPALIVE, TCP_NODELAY and buffer sizes for every
     * accepted connection, set once on the listeners.
     *
     * @param value the options (null options keep the kernel's defaults)
     * @return this builder
     */
    public ServerBuilder acceptedSocketOptions(AcceptedSocketOptions value) {
        acceptedSocketOptions = value;
        return this;
    }

    /**
     * Bytes written to a connection refused because {@code maxConnections} are being served, before it is
     * closed — e.g. an HTTP 503 (the HTTP server sets one). Written with one non-blocking write: a fresh
     * connection's send buffer takes a short response whole, but nothing waits for a client that does not read,
     * and a client that sent more than the server then reads and discards may see a reset (RST) before the
     * response. Default: none (the connection is just closed, the client sees the end of stream).
     *
     * @param response the bytes (copied), or null for none; at most 4 KiB
     * @return this builder
     */
    public ServerBuilder overCapacityResponse(byte[] response) {
        if (response != null && response.length > Server.MAX_OVER_CAPACITY_RESPONSE_BYTES) {
            throw new IllegalArgumentException("overCapacityResponse must be at most "
                    + Server.MAX_OVER_CAPACITY_RESPONSE_BYTES + " bytes, was " + response.length);
        }
        overCapacityResponse = response == null ? null : response.clone();
        return this;
    }

    /**
     * Called once, on the thread that found out, when the server has failed: a thread it depends on (a poller
     * thread, the master poller, the timeout sweeper) could not continue, so it stopped accepting. The server
     * logs it at ERROR either way; a process that should exit then (to be restarted by its supervisor) does it
     * here, e.g. {@code failure -> System.exit(70)}. Must not block for long; its exceptions are ignored.
     *
     * @param callback what to do; not null
     * @return this builder
     */
    public ServerBuilder onFailure(Consumer<? super Throwable> callback) {
        if (callback == null) {
            throw new IllegalArgumentException("onFailure must not be null");
        }
        onFailure = callback;
        return this;
    }

    /** The thread-start seam (tests make a start fail). */
    ServerBuilder threadStarts(ThreadStarts starts) {
        threadStarts = starts;
        return this;
    }

    /**
     * The configuration so far, validated.
     *
     * @return the configuration
     * @throws IllegalArgumentException naming the first bad option
     */
    public ServerConfig config() {
        if (host == null) {
            throw new IllegalArgumentException("host must not be null");
        }
        return new ServerConfig(new InetSocketAddress(host, port), acceptors, acceptMode, pollerSets, pollerMode,
                backlog, deferAccept, firstRunOnAcceptor, maxConnections, firstByteTimeout, idleTimeout, readTimeout,
                writeTimeout, shutdownGrace, acceptedSocketOptions);
    }

    /**
     * Starts a server with these options; it is accepting when this returns.
     *
     * @param handler serves each connection, on its own virtual thread
     * @return the running server
     * @throws java.net.BindException if another socket holds the address
     * @throws IOException            if the poller or a listener cannot be opened (nothing is left behind)
     */
    public Server start(ConnectionHandler handler) throws IOException {
        return Server.start(config(), handler, new Server.Extras(overCapacityResponse, onFailure, threadStarts));
    }
}

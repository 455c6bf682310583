package dev.weft.helidon;

import dev.weft.server.Connection;
import dev.weft.server.ConnectionHandler;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.context.Context;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.http.media.MediaContext;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.Router;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The default socket of a {@link WeftWebServer}: what every connection shares (router, HTTP/1.1 selector,
 * request limit, media and encoding contexts, error handlers), and the weft {@link ConnectionHandler} that
 * serves one accepted connection with Helidon's HTTP/1.1 engine — what Helidon's package-private
 * {@code ServerListener} and {@code ConnectionHandler} do for a stock server, minus the accept loop, the socket
 * options and the idle sweep (weft's acceptors, listener and connection timeouts do those).
 *
 * <pre>
 * Threading: immutable after construction, shared by every connection thread. connectionNumbers: atomic.
 * </pre>
 */
final class HelidonListener implements ListenerContext, ConnectionHandler {
    private static final System.Logger LOG = System.getLogger(HelidonListener.class.getName());
    /** A staged close reads and discards at most this much of what the client still sends. */
    private static final long LINGER_BYTES = 64 * 1024;
    /** ... for at most this long. */
    private static final long LINGER_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

    private final ListenerConfig config;
    private final Router router;
    private final Http1ConnectionSelector selector;
    private final Limit requestLimit;
    private final Context context;
    private final MediaContext mediaContext;
    private final ContentEncodingContext contentEncoding;
    private final DirectHandlers directHandlers;
    private final ExecutorService executor;
    private final long headTimeoutNanos;
    private final AtomicLong connectionNumbers = new AtomicLong();

    HelidonListener(ListenerConfig config, Router router, Http1ConnectionSelector selector, Limit requestLimit,
                    Context context, ExecutorService executor, long headTimeoutNanos) {
        this.config = config;
        this.router = router;
        this.selector = selector;
        this.requestLimit = requestLimit;
        this.context = context;
        this.executor = executor;
        this.headTimeoutNanos = headTimeoutNanos;
        this.mediaContext = config.mediaContext().orElseGet(MediaContext::create);
        this.contentEncoding = config.contentEncoding().orElseGet(ContentEncodingContext::create);
        this.directHandlers = config.directHandlers().orElseGet(DirectHandlers::create);
    }

    /**
     * Serves one connection to its end: Helidon's HTTP/1.1 loop over a {@link WeftSocket}. Any way the loop
     * ends — the client closed, a response said close, a timeout, an error response Helidon wrote itself — the
     * connection is closed here (and by weft's server after the handler returns, idempotently).
     */
    @Override
    public void handle(Connection connection) throws Exception {
        WeftSocket socket = new WeftSocket(connection, config.name(), connectionNumbers.incrementAndGet());
        WeftConnectionContext ctx = new WeftConnectionContext(this, socket);
        ServerConnection serverConnection = selector.connection(ctx);
        ctx.connection(serverConnection);
        // handle() returning normally means Helidon answered an error itself, with Connection: close, and gave
        // up on the input: close in stages so that the client reads that answer rather than a reset.
        boolean staged = true;
        try {
            serverConnection.handle(requestLimit);
        } catch (CloseConnectionException e) {
            // ServerConnectionException included: the client went away, a read timed out, a response said
            // close, or shutdown closed the connection. A normal end, as for Helidon's own handler.
            staged = ctx.mayHaveUnreadInput(); // a request left unanswered, or a body Helidon skipped
            LOG.log(System.Logger.Level.TRACE, () -> "connection ended: " + e.getMessage());
        } catch (UncheckedIOException e) {
            staged = false; // the connection is broken: nothing more will reach the client
            LOG.log(System.Logger.Level.TRACE, () -> "connection I/O failed: " + e.getMessage());
        } finally {
            ctx.dataWriter().close();
        }
        if (staged) {
            connection.closeLingering(LINGER_BYTES, LINGER_NANOS);
        }
    }

    long headTimeoutNanos() {
        return headTimeoutNanos;
    }

    // ---- ListenerContext ----

    @Override
    public Context context() {
        return context;
    }

    @Override
    public MediaContext mediaContext() {
        return mediaContext;
    }

    @Override
    public ContentEncodingContext contentEncodingContext() {
        return contentEncoding;
    }

    @Override
    public DirectHandlers directHandlers() {
        return directHandlers;
    }

    @Override
    public ListenerConfig config() {
        return config;
    }

    @Override
    public ExecutorService executor() {
        return executor;
    }

    Router router() {
        return router;
    }
}

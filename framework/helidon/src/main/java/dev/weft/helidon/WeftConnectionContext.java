package dev.weft.helidon;

import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.PeerInfo;
import io.helidon.common.socket.SocketWriter;
import io.helidon.common.task.InterruptableTask;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.Router;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.spi.ServerConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.ExecutorService;

/**
 * What Helidon's HTTP/1.1 connection sees of one weft connection: the socket, a reader and a writer over it, the
 * router, and the listener. It also keeps the rules weft adds around Helidon's exchange loop
 * ({@link ExchangeRules} calls in here):
 * <ul>
 *   <li><b>Close after {@code Connection: close}</b> (helidon-io/helidon#12324: 4.5.0 sends the header, then
 *       waits for another request): once a request or a response said "close", the next read of a request
 *       prologue ends the stream, and a request already buffered behind it is refused (RFC 9112 §9.6), so the
 *       server closes first, right after the response.</li>
 *   <li><b>Close after a 5xx answer to a request with a body</b>: Helidon 4.5.0 answers a malformed chunked body
 *       with 500 and keeps the connection, parsing what follows the error as the next request, so a request
 *       hidden in a body gets answered (docs/helidon.md). The 500 now says Connection: close, and ends it.</li>
 *   <li><b>A deadline for the whole request head</b> (Helidon has only a per-connection idle sweep, so a head
 *       trickled a byte at a time is never cut): from the first byte of a prologue to the end of its fields;
 *       past it the client gets 408 and the connection ends.</li>
 * </ul>
 *
 * <pre>
 * Threading: the connection's thread drives Helidon's loop and is the only reader; response heads may be
 * written (and ExchangeRules' send side run) by another thread streaming the response, so closeAfterResponse,
 * requestWithBody, responseStatus and lastResponseSent are volatile. headDeadline, endOfStream and connection
 * are touched only by the connection's thread.
 * </pre>
 */
final class WeftConnectionContext implements ConnectionContext {
    /** A whole response up to this length, the connection's last, is sent with its FIN in its last segment. */
    static final long FIN_WITH_RESPONSE_BYTES = 4096;

    private final HelidonListener listener;
    private final WeftSocket socket;
    private final DataReader reader;
    private final SocketWriter writer;
    private ServerConnection connection;        // set once, right after Helidon creates it
    private volatile boolean closeAfterResponse; // sticky: a request or response of this connection said close
    private volatile boolean requestWithBody;    // the request of the exchange in progress carries a body
    private volatile int responseStatus;         // the status of the response being written
    private volatile boolean lastResponseSent;   // a response that ends the connection has gone out
    private long headDeadline;                   // connection thread only: 0 while no head is arriving
    private long requestsSeen;                   // connection thread only: request heads received
    private boolean endOfStream;                 // connection thread only: the peer closed its side

    WeftConnectionContext(HelidonListener listener, WeftSocket socket) {
        this.listener = listener;
        this.socket = socket;
        // Helidon's own handler maps socket failures to ServerConnectionException, which its loop lets through
        // as a plain end of the connection; left unmapped, a timed-out idle read would be answered with a 500.
        this.reader = DataReader.create(this::readForHelidon);
        this.writer = SocketWriter.create(socket);
        // A request body may still be read after its response began (streaming): the exchange ends when Helidon
        // waits for the next request (readForHelidon), not at a write.
        socket.connection().exchangesEndExplicitly();
    }

    void connection(ServerConnection connection) {
        this.connection = connection;
    }

    WeftSocket socket() {
        return socket;
    }

    /**
     * Whether closing now could leave the client's bytes unread in the kernel (and so reset the response on its
     * way): it has not closed its side, and either Helidon holds bytes it did not use, or the last request carried
     * a body that Helidon skipped after a response that said close.
     */
    boolean mayHaveUnreadInput() {
        return !endOfStream && (reader.available() > 0 || (closeAfterResponse && requestWithBody));
    }

    /** The DataReader's source: the socket's next bytes, under the head deadline and the close rule. */
    private byte[] readForHelidon() {
        boolean atPrologue = readingPrologue();
        if (atPrologue && closeAfterResponse) {
            throw new ConnectionEnd("the last response said close"); // end here, server side first
        }
        byte[] bytes;
        try {
            if (atPrologue && headDeadline == 0) {
                awaitNextRequest();
            }
            bytes = socket.read(headDeadline == 0 ? 0 : remainingHeadNanos());
        } catch (UncheckedIOException e) {
            if (headDeadline != 0 && e.getCause() instanceof SocketTimeoutException) {
                requestTimeout();
            }
            throw new ServerConnectionException("failed to read from the socket", e);
        }
        if (bytes == null) {
            endOfStream = true;
            if (atPrologue || headDeadline != 0) {
                // Between requests: the client is done. Inside a head: Helidon would answer with a 500 and log a
                // stack trace, for every client that hangs up mid-request; nothing can be answered. End quietly.
                throw new ConnectionEnd("the client closed its side");
            }
        } else if (atPrologue && headDeadline == 0) {
            headDeadline = System.nanoTime() + listener.headTimeoutNanos();
        }
        return bytes;
    }

    /**
     * Between requests: the exchange is over (the wait is under the idle timeout, and ends at once while the
     * server drains). After a response, the next request is rarely there already: wait for it without a read that
     * could only say EAGAIN (as weft's own HTTP server does). Not before a connection's first request: accepted
     * with TCP_DEFER_ACCEPT, its bytes are there, and a wait would cost an EPOLL_CTL_MOD and a poller wake-up.
     */
    private void awaitNextRequest() {
        socket.connection().exchangeEnded();
        if (requestsSeen > 0) {
            try {
                socket.connection().awaitReadable();
            } catch (IOException e) {
                throw new UncheckedIOException(e); // as a read's failure: mapped below
            }
        }
    }

    /** True while Helidon is reading a request's first line (Http1Connection says so through canInterrupt). */
    private boolean readingPrologue() {
        return connection instanceof InterruptableTask<?> task && task.canInterrupt();
    }

    private long remainingHeadNanos() {
        long left = headDeadline - System.nanoTime();
        if (left <= 0) {
            requestTimeout();
            throw new CloseConnectionException("request head not received in time");
        }
        return left;
    }

    /** The head deadline passed: 408 with Connection: close; the caller then ends the connection. */
    private void requestTimeout() {
        closeAfterResponse = true;
        headDeadline = 0;
        try {
            socket.write(io.helidon.common.buffers.BufferData.create(Responses.requestTimeout()));
        } catch (UncheckedIOException e) {
            // the client is gone as well: nothing to tell it
        }
    }

    // ---- called by ExchangeRules ----

    /**
     * A request-line was parsed. Its head's deadline starts now if it did not start at a read: a request-line
     * pipelined behind the previous request is parsed from bytes already read, and its fields could otherwise be
     * trickled under nothing but the idle timeout.
     */
    void requestLineReceived() {
        if (headDeadline == 0) {
            headDeadline = System.nanoTime() + listener.headTimeoutNanos();
        }
    }

    /**
     * A request head is complete: no deadline until the next one starts. {@code close}: it said Connection:
     * close; {@code withBody}: a body follows (Content-Length > 0, or Transfer-Encoding).
     */
    void requestHeadReceived(boolean close, boolean withBody) {
        headDeadline = 0;
        requestsSeen++;
        requestWithBody = withBody;
        if (close) {
            closeAfterResponse = true;
        }
    }

    /** The status of the response about to be written (reported just before its head). */
    void responseStatus(int code) {
        responseStatus = code;
    }

    /**
     * A response head is about to be written; {@code close} when it says Connection: close already;
     * {@code contentLength} its Content-Length, or -1 (streamed). True when
     * this response must end the connection and say so: the server is stopping (graceful stop: the exchange in
     * flight is the connection's last), or a 5xx answer to a request with a body. Helidon 4.5.0
     * answers a broken chunked body with 500 and keeps reading the same bytes as the next request, which
     * lets a request hidden in the body be answered; after such an answer nothing of that input is trusted.
     */
    boolean responseHeadSending(boolean close, long contentLength) {
        if (lastResponseSent) {
            // A response after one that ended the connection: Helidon read what followed (a body it did not
            // consume) as a request and is answering it. One response per request: nothing more goes out.
            throw new CloseConnectionException("a response after the connection's last one");
        }
        boolean failedWithBody = requestWithBody && responseStatus >= 500;
        boolean last = failedWithBody || socket.connection().isDraining(); // the server is stopping: say so
        if (close || last) {
            closeAfterResponse = true;
        }
        lastResponseSent = closeAfterResponse;
        if (lastResponseSent && !requestWithBody && contentLength >= 0 && contentLength <= FIN_WITH_RESPONSE_BYTES) {
            // Helidon writes it and the exchange loop ends: its last segment can wait for the close's FIN. Not a
            // streamed body (its chunks may be apart) nor a request with a body (the handler may wait for it).
            socket.lastResponseFollows();
        }
        return last && !close;
    }

    /** A request prologue was parsed from bytes buffered behind a response that said close. */
    boolean closeAfterResponse() {
        return closeAfterResponse;
    }

    // ---- ConnectionContext ----

    @Override
    public ListenerContext listenerContext() {
        return listener;
    }

    @Override
    public ExecutorService executor() {
        return listener.executor();
    }

    @Override
    public DataWriter dataWriter() {
        return writer;
    }

    @Override
    public DataReader dataReader() {
        return reader;
    }

    @Override
    public Router router() {
        return listener.router();
    }

    @Override
    public PeerInfo remotePeer() {
        return socket.remotePeer();
    }

    @Override
    public PeerInfo localPeer() {
        return socket.localPeer();
    }

    @Override
    public boolean isSecure() {
        return false;
    }

    @Override
    public String socketId() {
        return socket.socketId();
    }

    @Override
    public String childSocketId() {
        return socket.childSocketId();
    }
}

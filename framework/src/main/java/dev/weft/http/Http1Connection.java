package dev.weft.http;

import dev.weft.server.Connection;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 on one connection (RFC 9112): read a head within the head deadline, frame the body, route, respond,
 * and keep the connection for the next request — pipelined requests are answered strictly in order, since one
 * thread serves them one after another from one buffer. A request the server rejects gets its error status
 * with "Connection: close", then a staged close (shut down output, drain a little input, close), so the client
 * reads the error instead of a reset and nothing after the rejected request is ever answered. A request body
 * that times out or arrives too slowly is answered 408 (when nothing was sent yet) and ends the connection.
 * Each exchange, rejected ones included, is reported once to the {@link ExchangeObserver}, if there is one.
 *
 * <pre>
 * Threading: the connection's virtual thread only.
 * </pre>
 */
final class Http1Connection {
    private static final System.Logger LOG = System.getLogger("dev.weft.http");
    /** How long a staged close waits for the client to stop sending. */
    private static final long LINGER_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

    private final Connection connection;
    private final Router router;
    private final Errors errors;
    private final HttpLimits limits;
    private final JsonCodec json;
    private final BodyBudget budget;
    private final ExchangeObserver observer; // null: nothing observed, no clock read
    private final InputBuffer in;
    private final HeadParser parser;
    private final Endpoints endpoints;
    private final long idleNanos; // the wait for the first byte of a request: the server's idle timeout
    // The exchange in progress (reset by each exchange):
    private RequestHead head;     // once its head parsed
    private RequestBody body;     // once framed
    private Request request;      // once routed
    private Response current;     // once there is a response
    private long startNanos;      // first byte seen (only with an observer)
    private int headBytes;        // bytes the head took
    private boolean observed;     // reported to the observer
    private boolean servedOne;    // an exchange has ended on this connection (the next waits without a buffer)
    private RequestBody emptyBody; // every bodiless request's body, made on the first (RequestBody.isEmpty)

    Http1Connection(Connection connection, HttpServer.Shared shared, long idleNanos) {
        this.connection = connection;
        this.idleNanos = idleNanos;
        this.router = shared.router();
        this.errors = shared.errors();
        this.limits = shared.limits();
        this.json = shared.json();
        this.budget = shared.budget();
        this.observer = shared.observer();
        this.in = new InputBuffer(connection, limits.maxRequestLineBytes() + limits.maxHeaderBytes() + 4096);
        this.parser = new HeadParser(limits);
        this.endpoints = new Endpoints(connection);
        connection.exchangesEndExplicitly(); // a body may still be read after its response began (full duplex)
    }

    void serve() throws IOException {
        try {
            while (exchange()) {
                servedOne = true; // next request on the same connection
            }
        } catch (HttpException e) {
            reject(e.status(), e.getMessage()); // only ever thrown before the exchange has a response
        } catch (RequestBody.BadBodyException e) {
            if (current != null && current.onWire()) {
                observeFailed();
                closeGently(); // a response is out (or under way): an error now would answer the wrong request
            } else {
                reject(e.cause.status(), e.getMessage());
            }
        } catch (SocketTimeoutException e) {
            if (body != null && e == body.failure() && !current.onWire()) {
                reject(408, e.getMessage()); // the body timed out or came too slowly; the server counts it
            } else {
                observeFailed();
            }
            throw e;
        } catch (IOException | RuntimeException | Error e) {
            observeFailed();
            throw e;
        } finally {
            if (body != null) {
                body.releaseBudget();
            }
            in.discard(); // the connection is done: its read buffer goes back to the pool, whatever it held
        }
    }

    /** One request and its response; false when the connection is done. */
    private boolean exchange() throws IOException, HttpException {
        head = null;
        body = null;
        request = null;
        current = null;
        startNanos = 0;
        observed = false;
        RequestHead h = readHead();
        if (h == null) {
            return false; // the client closed between requests, or stayed idle too long
        }
        head = h;
        Framing framing = Framing.of(h);
        if (!framing.chunked() && framing.length() > limits.maxBodyBytes()) {
            throw new HttpException(413, "request body larger than " + limits.maxBodyBytes() + " bytes");
        }
        boolean expectContinue = expectsContinue(h, framing);
        RequestBody b = framing.chunked() || framing.length() > 0
                ? new RequestBody(in, connection, framing, limits, budget, expectContinue) : emptyBody(framing);
        body = b;
        long drainBudget = limits.errorDrainBytes();
        Response response = new Response(connection, h.method().equals("HEAD"), h.minorVersion(),
                keepAlive(h), json, in, b, drainBudget);
        current = response;
        request = new Request(h, b, endpoints, json);
        boolean healthy = true;
        if (h.path().equals("*")) {
            response.header("Allow", String.join(", ", router.allMethods())).status(204).send();
        } else {
            healthy = route(request, response, b);
        }
        if (healthy) {
            response.finish(); // a handler that failed mid-stream gets no last chunk: its body must read as cut
        }
        if (observer != null && !response.keepAlive() && response.complete() && b.fullyRead()) {
            // The connection ends with this exchange, and its last segment waits for the close (MSG_MORE): close
            // now, so that the observer's time (an access log line) is not the client's. The peer is asked first:
            // the observer's record names it, and the kernel forgets it at close.
            endpoints.peerOrNull();
            connection.close();
        }
        observe(response.onWire() ? response.status() : 0, response.complete());
        b.releaseBudget();
        // Keep the connection only if the framing of what follows is certain: the body fully consumed.
        if (healthy && response.keepAlive() && b.drain(drainBudget)) {
            connection.exchangeEnded(); // what comes next waits as between requests
            return true;
        }
        if (!b.fullyRead() || !response.complete()) {
            closeGently(); // unread input would turn our close into a reset that can cut the response short
        }
        return false;
    }

    /** The body of a request without one: one object per connection, since an empty body has no state to reset. */
    private RequestBody emptyBody(Framing framing) {
        if (emptyBody == null) {
            emptyBody = new RequestBody(in, connection, framing, limits, budget, false);
        }
        assert emptyBody.isEmpty();
        return emptyBody;
    }

    /** Runs the router; false when the connection must end after this exchange. */
    private boolean route(Request req, Response response, RequestBody b) throws IOException {
        try {
            router.handle(req, response);
            return true;
        } catch (Throwable t) {
            IOException broken = connectionFailure(t, b, response);
            if (broken != null) {
                throw broken; // the connection itself is broken: handled by serve()/the server
            }
            Throwable failure = t instanceof HttpException e ? new HttpStatusException(e.status(), e.getMessage()) : t;
            return errors.answer(req, response, failure); // e.g. a malformed path escape: 400, connection kept
        }
    }

    /** The connection's own read or write failure, if {@code t} is (or wraps) one. */
    private static IOException connectionFailure(Throwable t, RequestBody b, Response response) {
        int depth = 0;
        for (Throwable x = t; x != null && depth < 16; x = x.getCause(), depth++) {
            if (x == b.failure() || x == response.wireFailure()) {
                return (IOException) x;
            }
        }
        return null;
    }

    /** Reads until a whole head is buffered; null when the connection ended cleanly before one began. */
    private RequestHead readHead() throws IOException, HttpException {
        parser.reset();
        long deadline = 0; // set when the head's first byte is in: the whole head must arrive by then
        for (;;) {
            if (observer != null && startNanos == 0 && in.available() > 0) {
                startNanos = System.nanoTime();
            }
            RequestHead parsed = parser.feed(in.buf, in.start, in.end);
            if (parsed != null) {
                headBytes = parser.consumed();
                in.start += parser.consumed();
                return parsed;
            }
            if (in.available() > 0 && deadline == 0) {
                deadline = System.nanoTime() + limits.headTimeout().toNanos();
            }
            if (in.full()) {
                throw new HttpException(431, "request head too large"); // parser limits make this unreachable
            }
            long timeout = deadline == 0 ? idleNanos : deadline - System.nanoTime();
            if (timeout <= 0) {
                throw new HttpException(408, "request head not received in time");
            }
            if (deadline == 0 && servedOne && !awaitNextRequest()) {
                return null; // idle too long between requests: just close
            }
            boolean more;
            try {
                more = in.fill(timeout);
            } catch (SocketTimeoutException e) {
                if (deadline == 0) {
                    return null; // idle between requests: just close
                }
                throw new HttpException(408, "request head not received in time");
            }
            if (!more) {
                return null; // EOF, mid-head or between requests: nothing to answer
            }
        }
    }

    /**
     * Between requests of a kept-alive connection, with nothing buffered: the read buffer goes back to the pool
     * and the thread waits for input without one (an idle connection holds no buffer), and without a read that
     * could only say EAGAIN (the next request is rarely there the instant a response has gone out: nginx's
     * "not ready until the next event" rule). Not for a connection's first request: accepted with
     * TCP_DEFER_ACCEPT, its bytes are there already, and a wait would cost an EPOLL_CTL_MOD and a poller wake-up.
     * False when the idle timeout passed.
     */
    private boolean awaitNextRequest() throws IOException {
        in.release();
        try {
            connection.awaitReadable();
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    /** HTTP/1.1: persistent unless "close"; HTTP/1.0: only with "keep-alive" (RFC 9112 §9.3). */
    private static boolean keepAlive(RequestHead head) {
        Headers h = head.headers();
        if (h.hasToken("connection", "close")) {
            return false;
        }
        return head.minorVersion() == 1 || h.hasToken("connection", "keep-alive");
    }

    private static boolean expectsContinue(RequestHead head, Framing framing) throws HttpException {
        String expect = head.headers().get("expect");
        if (expect == null) {
            return false;
        }
        if (!expect.equalsIgnoreCase("100-continue")) {
            throw new HttpException(417, "unsupported expectation"); // RFC 9110 §10.1.1
        }
        return head.minorVersion() == 1 && (framing.chunked() || framing.length() > 0);
    }

    /** An error response with Connection: close, then a staged close so the client can read it. */
    private void reject(int status, String reason) throws IOException {
        byte[] body = (Status.reason(status) + ": " + reason + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + Status.reason(status) + "\r\nContent-Type: text/plain; "
                + "charset=UTF-8\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n";
        byte[] date = DateHeader.line();
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[h.length + date.length + 2 + body.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(date, 0, out, h.length, date.length);
        out[h.length + date.length] = '\r';
        out[h.length + date.length + 1] = '\n';
        System.arraycopy(body, 0, out, h.length + date.length + 2, body.length);
        boolean written = false;
        try {
            connection.writeBeforeClose(MemorySegment.ofArray(out)); // the staged close's FIN rides with it
            written = true;
        } finally {
            observe(written ? status : 0, written, out.length);
        }
        closeGently();
    }

    /** Reports the exchange in progress, if it was not reported yet, as ended by a broken connection. */
    private void observeFailed() {
        if (current != null) {
            observe(current.onWire() ? current.status() : 0, false);
        } else if (head != null) {
            observe(0, false, 0);
        }
    }

    private void observe(int status, boolean completed) {
        observe(status, completed, current == null ? 0 : current.bytesOut());
    }

    /** Tells the observer about the exchange in progress, once. */
    private void observe(int status, boolean completed, long bytesOut) {
        if (observer == null || observed) {
            return;
        }
        observed = true;
        long bytesIn = head == null ? in.available() : headBytes + (body == null ? 0 : body.wireBytes());
        long duration = startNanos == 0 ? 0 : System.nanoTime() - startNanos;
        try {
            observer.exchangeDone(new Exchange(endpoints.peerOrNull(), head == null ? null : head.requestLine(),
                    head == null ? null : head.method(), request == null ? null : request.route(), status, bytesIn,
                    bytesOut, duration, completed));
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "exchange observer " + observer.getClass().getName() + " failed", e);
        }
    }

    /** Staged close: FIN, a little input read and discarded (bounded), then close: the client sees no reset. */
    private void closeGently() {
        connection.closeLingering(limits.errorDrainBytes(), LINGER_NANOS);
    }
}

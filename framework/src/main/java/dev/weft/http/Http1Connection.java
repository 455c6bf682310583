package dev.weft.http;

import dev.weft.server.Connection;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 on one connection (RFC 9112): read a head within the head deadline, frame the body, route, respond,
 * and keep the connection for the next request — pipelined requests are answered strictly in order, since one
 * thread serves them one after another from one buffer. A request the server rejects gets its error status
 * with "Connection: close", then a staged close (shut down output, drain a little input, close), so the client
 * reads the error instead of a reset and nothing after the rejected request is ever answered.
 *
 * <pre>
 * Threading: the connection's virtual thread only.
 * </pre>
 */
final class Http1Connection {
    private final Connection connection;
    private final Router router;
    private final HttpLimits limits;
    private final JsonWriter json;
    private final InputBuffer in;
    private final HeadParser parser;
    private final long idleNanos; // the wait for the first byte of a request: the server's idle timeout
    private Response current;     // the response of the exchange in progress, once there is one

    Http1Connection(Connection connection, Router router, HttpLimits limits, JsonWriter json, long idleNanos) {
        this.connection = connection;
        this.idleNanos = idleNanos;
        this.router = router;
        this.limits = limits;
        this.json = json;
        this.in = new InputBuffer(connection, limits.maxRequestLineBytes() + limits.maxHeaderBytes() + 4096);
        this.parser = new HeadParser(limits);
    }

    void serve() throws IOException {
        try {
            while (exchange()) {
                // next request on the same connection
            }
        } catch (HttpException e) {
            reject(e.status(), e.getMessage()); // only ever thrown before the exchange has a response
        } catch (RequestBody.BadBodyException e) {
            if (current != null && current.isCommitted()) {
                closeGently(); // a response is out (or under way): an error now would answer the wrong request
            } else {
                reject(e.cause.status(), e.getMessage());
            }
        }
    }

    /** One request and its response; false when the connection is done. */
    private boolean exchange() throws IOException, HttpException {
        current = null;
        RequestHead head = readHead();
        if (head == null) {
            return false; // the client closed between requests, or stayed idle too long
        }
        Framing framing = Framing.of(head);
        if (!framing.chunked() && framing.length() > limits.maxBodyBytes()) {
            throw new HttpException(413, "request body larger than " + limits.maxBodyBytes() + " bytes");
        }
        boolean expectContinue = expectsContinue(head, framing);
        RequestBody body = new RequestBody(in, connection, framing, limits, expectContinue);
        long drainBudget = limits.errorDrainBytes();
        Response response = new Response(connection, head.method().equals("HEAD"), head.minorVersion(),
                keepAlive(head), json, () -> body.finalResponseStarted(drainBudget));
        current = response;
        Request request = new Request(head, body);
        if (head.path().equals("*")) {
            response.header("Allow", String.join(", ", router.allMethods())).status(204).send();
        } else {
            route(request, response);
        }
        response.finish();
        // Keep the connection only if the framing of what follows is certain: the body fully consumed.
        if (response.keepAlive() && body.drain(limits.errorDrainBytes())) {
            return true;
        }
        if (!body.fullyRead()) {
            closeGently(); // unread input would turn our close into a reset that can cut the response short
        }
        return false;
    }

    private void route(Request request, Response response) throws IOException {
        try {
            router.handle(request, response);
        } catch (RequestBody.BadBodyException | SocketTimeoutException e) {
            throw e; // the connection itself is broken: handled by serve()/the server
        } catch (HttpException e) {
            answer(response, e.status(), e); // e.g. a malformed percent-encoding in the path: 400, connection kept
        } catch (Exception e) {
            int status = router.errorStatus(e);
            answer(response, status >= 400 && status <= 599 ? status : 500, e);
        }
    }

    private static void answer(Response response, int status, Exception cause) throws IOException {
        if (response.isCommitted()) {
            throw new IOException("handler failed after the response began", cause); // cannot be answered now
        }
        response.resetForError();
        response.status(status).send(Status.reason(status) + "\n");
    }

    /** Reads until a whole head is buffered; null when the connection ended cleanly before one began. */
    private RequestHead readHead() throws IOException, HttpException {
        parser.reset();
        long deadline = 0; // set when the head's first byte is in: the whole head must arrive by then
        for (;;) {
            RequestHead head = parser.feed(in.buf, in.start, in.end);
            if (head != null) {
                in.start += parser.consumed();
                return head;
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
        connection.write(out, 0, out.length);
        closeGently();
    }

    /** Staged close: send FIN, read and discard a little input (bounded), so the client sees no reset. */
    private void closeGently() throws IOException {
        connection.shutdownOutput();
        drainBriefly();
    }

    /** Reads and discards input for a moment, bounded in bytes and time, before the server closes. */
    private void drainBriefly() {
        byte[] sink = new byte[8192];
        long left = limits.errorDrainBytes();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
        try {
            while (left > 0) {
                long timeout = deadline - System.nanoTime();
                if (timeout <= 0) {
                    return;
                }
                int n = connection.read(sink, 0, (int) Math.min(sink.length, left), timeout);
                if (n < 0) {
                    return;
                }
                left -= n;
            }
        } catch (IOException e) {
            // the client went away or stayed silent: either way we close now
        }
    }
}

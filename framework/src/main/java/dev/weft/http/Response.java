package dev.weft.http;

import dev.weft.server.BufferPool;
import dev.weft.server.Connection;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * The response to one request: status and fields, then either a whole body ({@link #send}) or a streamed one
 * ({@link #stream()}: chunked on HTTP/1.1, close-delimited on HTTP/1.0, buffered into chunks of
 * {@value ChunkedOutput#CHUNK_BYTES} bytes). The head and a small body go out in one write. HEAD responses carry
 * the fields (Content-Length included) and no body. Date is always added; "Connection: close" when the
 * connection will close after this response — and then the response's last segment (a whole body's, or the one
 * that ends a stream) waits in the kernel for the close that follows, so that the FIN travels in it
 * ({@link Connection#writeBeforeClose}).
 *
 * <p>A response is sent once: {@code send} after {@code send} (or after {@code stream()}) throws
 * {@link IllegalStateException}, and the server logs it as a handler bug.
 *
 * <pre>
 * Threading: used by the request's handler thread only.
 * States: open (status and fields may change) → started (send or stream called: they are frozen)
 *         → on the wire (head written) → complete (whole response written). An error before "on the wire"
 *         can still replace the response (resetForError); after it, only a close can.
 * </pre>
 */
public final class Response {
    private static final int COALESCE_BYTES = 16 * 1024;
    private static final String[] TEXT_PLAIN = {"Content-Type", "text/plain; charset=UTF-8"};
    private static final String[] JSON = {"Content-Type", "application/json"};
    /** Content-Type pairs a response shares while it is the only field ({@link #contentType}), as TEXT_PLAIN. */
    private static final String[][] COMMON_TYPES = {{"Content-Type", "text/plain"}, TEXT_PLAIN, JSON,
        {"Content-Type", "text/html; charset=UTF-8"}, {"Content-Type", "application/octet-stream"}};

    private final Connection connection;
    private final boolean head;         // a HEAD request: fields only
    private final int minorVersion;
    private final JsonCodec json;       // the user's JSON library, or null
    private final InputBuffer input;       // its buffer is borrowed for a small response when nothing is buffered
    private final RequestBody requestBody; // asked once, as the head goes out: can the connection read another
    private final long drainBudget;        // request after this exchange (its body drained within this budget)?
    private boolean keepAlive;
    private int status = 200;
    private final ResponseFields fields = new ResponseFields();
    private int keptFields;             // fields set before the current handler began: an error keeps them
    private boolean started;            // send() or stream() called: status and fields frozen
    private byte[] pendingHead;         // stream(): the head, until the first chunk carries it
    private boolean headDeferred;       // stream() called, the head not built yet (built as it goes out)
    private boolean streamChunked;      // stream(): chunked framing (HTTP/1.1 with a body)
    private boolean onWire;             // the head has been written
    private boolean complete;           // the whole response has been written
    private ChunkedOutput stream;       // non-null once streaming began
    private long bytesOut;              // bytes written, head included
    private IOException wireFailure;    // a write to the connection failed: the connection is done

    Response(Connection connection, boolean head, int minorVersion, boolean keepAlive, JsonCodec json,
             InputBuffer input, RequestBody requestBody, long drainBudget) {
        this.connection = connection;
        this.input = input;
        this.json = json;
        this.requestBody = requestBody;
        this.drainBudget = drainBudget;
        this.head = head;
        this.minorVersion = minorVersion;
        this.keepAlive = keepAlive;
    }

    /**
     * Sets the status (default 200).
     *
     * @param code 200..599 (1xx are the server's; 100 Continue is sent by the request body)
     * @return this response
     * @throws IllegalArgumentException outside 200..599
     * @throws IllegalStateException    once the response was sent or its stream opened
     */
    public Response status(int code) {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("status must be 200..599 here, was " + code);
        }
        checkNotStarted();
        status = code;
        return this;
    }

    /** {@return the status set so far (200 unless changed)} */
    public int status() {
        return status;
    }

    /**
     * Adds a field; Content-Length, Transfer-Encoding, Date and Connection are the server's to set.
     *
     * @param name  a field name (RFC 9110 token)
     * @param value a field value: no CR, LF or other control characters (no header injection)
     * @return this response
     * @throws IllegalArgumentException for an invalid name or value, or a field the server sets
     * @throws IllegalStateException    once the response was sent or its stream opened
     */
    public Response header(String name, String value) {
        checkNotStarted();
        for (int i = 0; i < name.length(); i++) {
            if (!Tokens.isTchar((byte) name.charAt(i)) || name.charAt(i) > 0x7E) {
                throw new IllegalArgumentException("invalid field name: " + name);
            }
        }
        checkValue(name, value);
        if (name.equalsIgnoreCase("content-length") || name.equalsIgnoreCase("transfer-encoding")
                || name.equalsIgnoreCase("date") || name.equalsIgnoreCase("connection")) {
            throw new IllegalArgumentException(name + " is set by the server");
        }
        fields.add(name, value);
        return this;
    }

    private static void checkValue(String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xFF || !Tokens.isFieldValueByte((byte) c)) {
                throw new IllegalArgumentException("invalid character in the value of " + name); // no CR/LF injection
            }
        }
    }

    /**
     * Sets Content-Type: replaces any Content-Type field the response has. A common type set as the response's
     * first field (text/plain, text/plain; charset=UTF-8, application/json, text/html; charset=UTF-8,
     * application/octet-stream) allocates nothing.
     *
     * @param value the media type, e.g. {@code text/html; charset=UTF-8}
     * @return this response
     * @throws IllegalArgumentException for an invalid value (as {@link #header})
     * @throws IllegalStateException    once the response was sent or its stream opened
     */
    public Response contentType(String value) {
        checkNotStarted();
        String[] common = null;
        for (String[] pair : COMMON_TYPES) {
            if (pair[1].equals(value)) {
                common = pair;
                break;
            }
        }
        if (common == null) {
            checkValue("Content-Type", value);
        }
        fields.remove("content-type");
        if (common != null) {
            fields.addShared(common);
        } else {
            fields.add("Content-Type", value);
        }
        return this;
    }

    /**
     * Asks the server to close the connection after this response (adds Connection: close).
     *
     * @return this response
     */
    public Response close() {
        checkNotStarted();
        keepAlive = false;
        return this;
    }

    boolean keepAlive() {
        return keepAlive;
    }

    /** {@return true once the response was sent or its stream opened: status and fields can no longer change} */
    public boolean isCommitted() {
        return started;
    }

    /**
     * Sends the whole response with this text as its body, UTF-8 encoded (Content-Type text/plain unless set).
     *
     * @param body the body
     * @throws IOException when the client cannot be written to (the connection is then closed)
     */
    public void send(String body) throws IOException {
        if (!started && !hasField("content-type")) {
            fields.addShared(TEXT_PLAIN); // no copy of the constant pair
        }
        send(body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends the whole response with this body (Content-Length framing). When the connection closes after it
     * ("Connection: close": the client asked, HTTP/1.0, the server is draining) and the request body has been
     * read, its last segment leaves with the connection's FIN when the handler has returned (the connection is
     * closed before the exchange observer runs): two segments fewer per connection. A handler that goes on
     * working after sending such a response holds that segment back until it returns, or for at most TCP's cork
     * ceiling (about 200 ms).
     *
     * @param body the body (not sent for HEAD, 204 and 304)
     * @throws IOException           when the client cannot be written to (the connection is then closed)
     * @throws IllegalStateException when the response was already sent or its stream opened
     */
    public void send(byte[] body) throws IOException {
        checkNotStarted();
        started = true;
        boolean withBody = !head && status != 204 && status != 304;
        decideKeepAlive();
        long contentLength = status != 204 && status != 304 ? body.length : -1;
        int headLength = ResponseHead.length(minorVersion, status, fields, contentLength, false, keepAlive);
        int bodyLength = withBody ? body.length : 0;
        // The connection's last bytes, its FIN to ride with them once the handler returns — unless the handler may
        // still be waiting for the client (a request body left to read) before it returns.
        boolean last = !keepAlive && requestBody.fullyRead();
        if (headLength + bodyLength <= BufferPool.BUFFER_BYTES) {
            // The usual small response: head and body in a pooled buffer — the request's own when all its input is
            // consumed, else one from the pool — one write, no array allocated.
            BufferPool.Buffer lent = input.lendIfEmpty();
            BufferPool.Buffer out = lent != null ? lent : BufferPool.SHARED.acquire();
            try {
                ResponseHead.write(minorVersion, status, fields, contentLength, false, keepAlive, out.array());
                System.arraycopy(body, 0, out.array(), headLength, bodyLength);
                write(out.segment(), headLength + bodyLength, last);
            } finally {
                if (lent == null) {
                    BufferPool.SHARED.release(out);
                }
            }
        } else {
            int room = bodyLength <= COALESCE_BYTES ? bodyLength : 0; // a body up to 16 KiB goes in the same write
            byte[] all = ResponseHead.encode(minorVersion, status, fields, contentLength, false, keepAlive, room);
            System.arraycopy(body, 0, all, headLength, room);
            boolean bodyAfter = room < bodyLength;
            write(all, 0, all.length, last && !bodyAfter);
            if (bodyAfter) {
                write(body, 0, bodyLength, last);
            }
        }
        complete = true;
    }

    /**
     * Sends {@code value} as JSON, written by the {@link JsonCodec} the server was built with (Content-Type
     * application/json unless set).
     *
     * @param value what to serialise
     * @throws Exception             what the codec throws, or an I/O failure
     * @throws IllegalStateException without a codec ({@link HttpServer.Builder#json(JsonCodec)})
     */
    public void json(Object value) throws Exception {
        if (json == null) {
            throw new IllegalStateException("no JsonCodec configured: HttpServer.builder().json(codec)");
        }
        byte[] body = json.write(value);
        if (!started && !hasField("content-type")) {
            fields.addShared(JSON);
        }
        send(body);
    }

    /**
     * Sends an empty body.
     *
     * @throws IOException when the client cannot be written to
     */
    public void send() throws IOException {
        send(new byte[0]);
    }

    /**
     * A streamed body: chunked on HTTP/1.1, close-delimited on HTTP/1.0. Writes are buffered into chunks of
     * {@value ChunkedOutput#CHUNK_BYTES} bytes; {@code flush()} sends what is buffered (the head with it, the
     * first time); {@code close()} ends the body (the server closes it if the handler does not). Calling it
     * again returns the same stream. On a connection that closes after the response, what {@code close()} writes
     * leaves with the connection's FIN, as {@link #send}'s last segment does (and with the same cost: a handler
     * that goes on working after closing the stream holds it back until it returns, or about 200 ms at most);
     * the chunks before it leave as they are written.
     *
     * @return the body stream
     * @throws IllegalStateException when the response was already sent
     */
    public OutputStream stream() {
        if (stream != null) {
            return stream;
        }
        checkNotStarted();
        started = true;
        boolean noBody = head || status == 204 || status == 304; // RFC 9110 §6.4.1: no content, no framing
        boolean chunked = minorVersion == 1 && !noBody;
        if (minorVersion == 0 && !noBody) {
            keepAlive = false; // HTTP/1.0: the end of the body is the end of the connection
        }
        // The head is built when it goes out (the first chunk, a flush, or the end), not now: building it decides
        // what the request body's 100 Continue and the connection's keep-alive become, and a handler may still
        // read the body first (RFC 9110 §10.1.1). No Content-Length: HEAD's would be the GET's, which is chunked.
        streamChunked = chunked;
        headDeferred = true;
        stream = new ChunkedOutput(this, chunked, noBody);
        return stream;
    }

    /** Completes the response if the handler did not: an empty body, or the end of a stream. */
    void finish() throws IOException {
        if (stream != null) {
            stream.close();
            complete = true;
        } else if (!started) {
            send();
        }
    }

    /**
     * Called by the stream: its bytes, preceded by the head the first time (one write). {@code end}: they end the
     * body (the stream is closing) — the connection's last bytes if it closes after this response and the request
     * body has been read, sent as {@link #send}'s are so that the FIN rides with them.
     */
    void writeBody(byte[] b, int off, int len, boolean end) throws IOException {
        if (headDeferred) {
            headDeferred = false;
            pendingHead = streamHead(streamChunked);
        }
        boolean last = end && !keepAlive && requestBody.fullyRead();
        if (pendingHead != null) {
            byte[] h = pendingHead;
            pendingHead = null;
            byte[] all = java.util.Arrays.copyOf(h, h.length + len);
            System.arraycopy(b, off, all, h.length, len);
            write(all, 0, all.length, last);
        } else if (len > 0) {
            write(b, off, len, last);
        }
    }

    private void write(byte[] b, int off, int len, boolean last) throws IOException {
        MemorySegment whole = MemorySegment.ofArray(b);
        write(off == 0 ? whole : whole.asSlice(off), len, last);
    }

    /**
     * Writes the first {@code length} bytes of {@code bytes}. {@code last}: the connection's last bytes, closed
     * right after (its FIN rides in their segment).
     */
    private void write(MemorySegment bytes, long length, boolean last) throws IOException {
        if (wireFailure != null) {
            throw wireFailure; // the connection broke: nothing more can be sent on it
        }
        onWire = true;
        try {
            if (last) {
                connection.writeBeforeClose(bytes, length);
            } else {
                connection.write(bytes, length);
            }
        } catch (IOException e) {
            wireFailure = e;
            throw e;
        }
        bytesOut += length;
    }

    /** Fields set so far are the filters': an error response keeps them (called as each stage begins). */
    void keepFieldsSetSoFar() {
        keptFields = fields.size();
    }

    /**
     * For an error response replacing what a failed handler began: drops its fields (cookies, Location...) but
     * keeps those set before it ran, forgets a stream it opened but never flushed, and starts again at 500.
     */
    void resetForError() {
        if (onWire) {
            throw new IllegalStateException("the response is on the wire");
        }
        fields.truncate(keptFields);
        started = false;
        stream = null;
        pendingHead = null;
        headDeferred = false;
        status = 500;
    }

    /** True once part of the response has been written: it can no longer be replaced by an error. */
    boolean onWire() {
        return onWire;
    }

    /** True once the whole response has been written. */
    boolean complete() {
        return complete;
    }

    /** The exception a write to the connection failed with, or null: such a connection is done. */
    IOException wireFailure() {
        return wireFailure;
    }

    long bytesOut() {
        return bytesOut;
    }

    boolean hasField(String name) {
        return fields.has(name);
    }

    /** A streamed response's head (no Content-Length), deciding Connection: close as it goes out. */
    private byte[] streamHead(boolean chunked) {
        decideKeepAlive();
        return ResponseHead.encode(minorVersion, status, fields, -1, chunked, keepAlive, 0);
    }

    /** Whether the connection stays open after this response, decided as its head goes out. */
    private void decideKeepAlive() {
        if (keepAlive && !requestBody.finalResponseStarted(drainBudget)) {
            keepAlive = false; // the request body will not be read to its end: this exchange ends the connection
        }
        if (keepAlive && connection.isDraining()) {
            keepAlive = false; // the server is closing: this exchange is the connection's last
        }
    }

    private void checkNotStarted() {
        if (started) {
            throw new IllegalStateException("the response was already sent (or its stream opened): a response is "
                    + "sent once");
        }
    }
}

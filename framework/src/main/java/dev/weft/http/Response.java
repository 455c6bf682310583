package dev.weft.http;

import dev.weft.server.Connection;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The response to one request: status and fields, then either a whole body ({@link #send}) or a streamed one
 * ({@link #stream()}: chunked on HTTP/1.1, close-delimited on HTTP/1.0). The head and a small body go out in one
 * write. HEAD responses carry the fields (Content-Length included) and no body. Date is always added;
 * "Connection: close" when the connection will close after this response.
 *
 * <pre>
 * Threading: used by the request's handler thread only.
 * </pre>
 */
public final class Response {
    private static final int COALESCE_BYTES = 16 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};

    private final Connection connection;
    private final boolean head;         // a HEAD request: fields only
    private final int minorVersion;
    private boolean keepAlive;
    private int status = 200;
    private final List<String> fields = new ArrayList<>(4); // name, value, name, value...
    private boolean committed;          // the head has been written
    private ChunkedOutput stream;       // non-null once streaming began
    private final JsonWriter json;      // the user's JSON library, or null
    private final java.util.function.BooleanSupplier inputIntact; // can the connection read another request?

    Response(Connection connection, boolean head, int minorVersion, boolean keepAlive, JsonWriter json,
             java.util.function.BooleanSupplier inputIntact) {
        this.connection = connection;
        this.json = json;
        this.inputIntact = inputIntact;
        this.head = head;
        this.minorVersion = minorVersion;
        this.keepAlive = keepAlive;
    }

    public Response status(int code) {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("status must be 200..599 here, was " + code);
        }
        checkNotCommitted();
        status = code;
        return this;
    }

    public int status() {
        return status;
    }

    /** Adds a field; Content-Length, Transfer-Encoding, Date and Connection are the server's to set. */
    public Response header(String name, String value) {
        checkNotCommitted();
        for (int i = 0; i < name.length(); i++) {
            if (!Tokens.isTchar((byte) name.charAt(i)) || name.charAt(i) > 0x7E) {
                throw new IllegalArgumentException("invalid field name: " + name);
            }
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xFF || !Tokens.isFieldValueByte((byte) c)) {
                throw new IllegalArgumentException("invalid character in the value of " + name); // no CR/LF injection
            }
        }
        if (name.equalsIgnoreCase("content-length") || name.equalsIgnoreCase("transfer-encoding")
                || name.equalsIgnoreCase("date") || name.equalsIgnoreCase("connection")) {
            throw new IllegalArgumentException(name + " is set by the server");
        }
        fields.add(name);
        fields.add(value);
        return this;
    }

    public Response contentType(String value) {
        return header("Content-Type", value);
    }

    /** Asks the server to close the connection after this response (adds Connection: close). */
    public Response close() {
        checkNotCommitted();
        keepAlive = false;
        return this;
    }

    boolean keepAlive() {
        return keepAlive;
    }

    public boolean isCommitted() {
        return committed;
    }

    public void send(String body) throws IOException {
        if (!hasField("content-type")) {
            contentType("text/plain; charset=UTF-8");
        }
        send(body.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends the whole response with this body (Content-Length framing). */
    public void send(byte[] body) throws IOException {
        checkNotCommitted();
        byte[] headBytes = head(body.length, false);
        committed = true;
        boolean withBody = !head && status != 204 && status != 304;
        if (withBody && headBytes.length + body.length <= COALESCE_BYTES) {
            byte[] all = java.util.Arrays.copyOf(headBytes, headBytes.length + body.length);
            System.arraycopy(body, 0, all, headBytes.length, body.length);
            connection.write(all, 0, all.length); // one write, one syscall
        } else {
            connection.write(headBytes, 0, headBytes.length);
            if (withBody) {
                connection.write(body, 0, body.length);
            }
        }
    }

    /** Sends {@code value} as JSON, written by the {@link JsonWriter} the server was built with. */
    public void json(Object value) throws Exception {
        if (json == null) {
            throw new IllegalStateException("no JsonWriter configured: HttpServer.builder().json(writer)");
        }
        byte[] body = json.write(value);
        if (!hasField("content-type")) {
            contentType("application/json");
        }
        send(body);
    }

    /** Sends an empty body. */
    public void send() throws IOException {
        send(new byte[0]);
    }

    /** A streamed body: chunked on HTTP/1.1, close-delimited on HTTP/1.0. Close the stream to finish. */
    public OutputStream stream() throws IOException {
        if (stream != null) {
            return stream;
        }
        checkNotCommitted();
        boolean noBody = head || status == 204 || status == 304; // RFC 9110 §6.4.1: no content, no framing
        boolean chunked = minorVersion == 1 && !noBody;
        if (minorVersion == 0 && !noBody) {
            keepAlive = false; // HTTP/1.0: the end of the body is the end of the connection
        }
        byte[] headBytes = head(noBody ? 0 : -1, chunked);
        connection.write(headBytes, 0, headBytes.length);
        committed = true;
        stream = new ChunkedOutput(connection, chunked, noBody);
        return stream;
    }

    /** Completes the response if the handler did not: an empty body, or the end of a stream. */
    void finish() throws IOException {
        if (stream != null) {
            stream.close();
        } else if (!committed) {
            send();
        }
    }

    /** For an error response replacing what a failed handler began: drops its fields (cookies, Location...). */
    void resetForError() {
        checkNotCommitted();
        fields.clear();
    }

    private byte[] head(long contentLength, boolean chunked) {
        if (keepAlive && !inputIntact.getAsBoolean()) {
            keepAlive = false; // the request body will not be read to its end: this exchange ends the connection
        }
        if (keepAlive && connection.isDraining()) {
            keepAlive = false; // the server is closing: this exchange is the connection's last
        }
        StringBuilder sb = new StringBuilder(128);
        sb.append(minorVersion == 0 ? "HTTP/1.0 " : "HTTP/1.1 ").append(status).append(' ')
                .append(Status.reason(status)).append("\r\n");
        for (int i = 0; i < fields.size(); i += 2) {
            sb.append(fields.get(i)).append(": ").append(fields.get(i + 1)).append("\r\n");
        }
        if (chunked) {
            sb.append("Transfer-Encoding: chunked\r\n");
        } else if (contentLength >= 0 && status != 204 && status != 304) {
            sb.append("Content-Length: ").append(contentLength).append("\r\n");
        }
        if (!keepAlive) {
            sb.append("Connection: close\r\n");
        } else if (minorVersion == 0) {
            sb.append("Connection: keep-alive\r\n");
        }
        byte[] start = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] date = DateHeader.line();
        byte[] out = java.util.Arrays.copyOf(start, start.length + date.length + CRLF.length);
        System.arraycopy(date, 0, out, start.length, date.length);
        System.arraycopy(CRLF, 0, out, start.length + date.length, CRLF.length);
        return out;
    }

    private boolean hasField(String name) {
        for (int i = 0; i < fields.size(); i += 2) {
            if (fields.get(i).equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private void checkNotCommitted() {
        if (committed) {
            throw new IllegalStateException("the response head was already sent");
        }
    }
}

package dev.weft.http;

import dev.weft.server.Connection;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** A streamed response body: each write becomes one chunk (RFC 9112 §7.1); close() sends the last chunk. */
final class ChunkedOutput extends OutputStream {
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Connection connection;
    private final boolean chunked;   // false: HTTP/1.0 close-delimited
    private final boolean discard;   // HEAD: no body at all
    private boolean closed;

    ChunkedOutput(Connection connection, boolean chunked, boolean discard) {
        this.connection = connection;
        this.chunked = chunked;
        this.discard = discard;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("response stream closed");
        }
        if (len == 0 || discard) {
            return;
        }
        if (!chunked) {
            connection.write(b, off, len);
            return;
        }
        byte[] size = (Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] chunk = new byte[size.length + len + 2];
        System.arraycopy(size, 0, chunk, 0, size.length);
        System.arraycopy(b, off, chunk, size.length, len);
        chunk[chunk.length - 2] = '\r';
        chunk[chunk.length - 1] = '\n';
        connection.write(chunk, 0, chunk.length);
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (chunked && !discard) {
            connection.write(LAST_CHUNK, 0, LAST_CHUNK.length);
        }
    }
}

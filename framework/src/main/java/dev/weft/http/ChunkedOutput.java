package dev.weft.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A streamed response body, buffered: writes collect in one {@value #CHUNK_BYTES}-byte buffer, which goes out
 * as one chunk (RFC 9112 §7.1) when it is full, on {@link #flush()} and on {@link #close()} — so small writes
 * (even {@code write(int)}) cost no syscall each. The response head goes out with the first chunk; close sends
 * the last chunk in the same write as the data before it. On HTTP/1.0 the body is close-delimited (no framing);
 * for HEAD, 204 and 304 there is no body and writes are discarded. The write that ends the body is the
 * response's last ({@link Response#writeBody}): on a connection that closes after it, its FIN rides with it.
 *
 * <pre>
 * Buffer layout (one array, one write per chunk):
 *   [ reserve for "hex-size CRLF" | data ... | CRLF "0" CRLF CRLF ]
 *                       ^ SIZE_RESERVE
 * Threading: the request's handler thread only.
 * </pre>
 */
final class ChunkedOutput extends OutputStream {
    /** Bytes of data per chunk (and per write on HTTP/1.0). */
    static final int CHUNK_BYTES = 8 * 1024;
    private static final int SIZE_RESERVE = 6;          // "2000\r\n": 4 hex digits cover CHUNK_BYTES
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Response response;
    private final boolean chunked;   // false: HTTP/1.0 close-delimited
    private final boolean discard;   // HEAD, 204, 304: no body at all
    private final byte[] buf = new byte[SIZE_RESERVE + CHUNK_BYTES + 2 + LAST_CHUNK.length];
    private int count;               // data bytes buffered, from SIZE_RESERVE
    private boolean closed;

    ChunkedOutput(Response response, boolean chunked, boolean discard) {
        this.response = response;
        this.chunked = chunked;
        this.discard = discard;
    }

    @Override
    public void write(int b) throws IOException {
        checkOpen();
        if (discard) {
            return;
        }
        if (count == CHUNK_BYTES) {
            emit(false);
        }
        buf[SIZE_RESERVE + count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        checkOpen();
        if (discard) {
            return;
        }
        while (len > 0) {
            if (count == CHUNK_BYTES) {
                emit(false);
            }
            int n = Math.min(len, CHUNK_BYTES - count);
            System.arraycopy(b, off, buf, SIZE_RESERVE + count, n);
            count += n;
            off += n;
            len -= n;
        }
    }

    /** Sends what is buffered as one chunk (and the head, if it has not gone out yet). */
    @Override
    public void flush() throws IOException {
        checkOpen();
        if (count > 0 || !response.onWire()) {
            emit(false);
        }
    }

    /** Sends what is buffered and ends the body (the last chunk). Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        emit(true);
    }

    boolean isClosed() {
        return closed;
    }

    /** One write: the head if still pending, the buffered data framed as a chunk, and the last chunk if last. */
    private void emit(boolean last) throws IOException {
        int start = SIZE_RESERVE;
        int end = SIZE_RESERVE + count;
        if (chunked && count > 0) {
            byte[] size = (Integer.toHexString(count) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            start -= size.length;
            System.arraycopy(size, 0, buf, start, size.length);
            buf[end++] = '\r';
            buf[end++] = '\n';
        }
        if (chunked && last && !discard) {
            System.arraycopy(LAST_CHUNK, 0, buf, end, LAST_CHUNK.length);
            end += LAST_CHUNK.length;
        }
        count = 0;
        response.writeBody(buf, start, end - start, last);
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("response stream closed");
        }
    }
}

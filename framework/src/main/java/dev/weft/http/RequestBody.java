package dev.weft.http;

import dev.weft.server.Connection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A request body as a stream, delimited by its {@link Framing}: Content-Length bytes, or chunked. The first read
 * sends "100 Continue" when the client asked for it (RFC 9110 §10.1.1). A body longer than the limit is 413;
 * a client that stops sending is cut by the body timeout. Threading: the request's handler thread only.
 */
final class RequestBody extends InputStream {
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final InputBuffer in;
    private final Connection connection;
    private final long timeoutNanos;
    private long remaining;                 // Content-Length framing: bytes left
    private final ChunkedDecoder chunked;   // chunked framing, else null
    private boolean expectContinue;         // 100 Continue still to send before the first read
    private boolean touched;                // the handler read (some of) the body
    private BadBodyException failure;       // the framing broke mid-body: nothing after it can be trusted
    private long wireBytes;                 // bytes taken from the input for this body, framing included

    RequestBody(InputBuffer in, Connection connection, Framing framing, HttpLimits limits, boolean expectContinue) {
        this.in = in;
        this.connection = connection;
        this.timeoutNanos = limits.bodyTimeout().toNanos();
        this.remaining = framing.chunked() ? 0 : framing.length();
        this.chunked = framing.chunked() ? new ChunkedDecoder(limits.maxBodyBytes(), limits.maxHeaderBytes()) : null;
        this.expectContinue = expectContinue;
    }

    boolean fullyRead() {
        return chunked == null ? remaining == 0 : chunked.done();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        touched = true;
        if (failure != null) {
            throw failure; // a broken body stays broken: its decoder state cannot be resumed
        }
        if (fullyRead()) {
            return -1;
        }
        sendContinue();
        return chunked == null ? readLength(b, off, len) : readChunked(b, off, len);
    }

    private int readLength(byte[] b, int off, int len) throws IOException {
        if (in.available() == 0) {
            fill();
        }
        int n = (int) Math.min(Math.min(len, remaining), in.available());
        System.arraycopy(in.buf, in.start, b, off, n);
        in.start += n;
        remaining -= n;
        wireBytes += n;
        return n;
    }

    private int readChunked(byte[] b, int off, int len) throws IOException {
        int[] produced = {0};
        while (produced[0] == 0 && !chunked.done()) {
            if (in.available() == 0) {
                fill();
            }
            // Framing bytes are consumed too, so giving the decoder at most len input bytes bounds its output.
            int end = (int) Math.min(in.end, (long) in.start + len - produced[0]);
            int from = in.start;
            try {
                in.start = chunked.decode(in.buf, in.start, end, (src, s, n) -> {
                    System.arraycopy(src, s, b, off + produced[0], n);
                    produced[0] += n;
                });
            } catch (HttpException e) {
                failure = new BadBodyException(e);
                throw failure;
            }
            wireBytes += in.start - from;
        }
        return produced[0] == 0 ? -1 : produced[0];
    }

    private void fill() throws IOException {
        if (!in.fill(timeoutNanos)) {
            throw new java.io.EOFException("the client closed before the end of the request body");
        }
    }

    private void sendContinue() throws IOException {
        if (expectContinue) {
            expectContinue = false;
            connection.writeInterim(CONTINUE, 0, CONTINUE.length); // the exchange goes on: a drain lets it finish
        }
    }

    /**
     * Whether what the handler left could be read and discarded within {@code maxBytes} of input: not after a
     * framing error, not while the client still waits for 100 Continue, not when a Content-Length says more.
     */
    boolean drainable(long maxBytes) {
        if (fullyRead()) {
            return true;
        }
        if (failure != null || (expectContinue && !touched)) {
            return false;
        }
        return chunked != null || remaining <= maxBytes;
    }

    /**
     * Reads and discards what the handler left, taking at most {@code maxBytes} of input (framing included).
     * False when the body could not be finished — too much, broken framing, or the client went away — so the
     * connection must not carry another request. Never throws for the body's own faults.
     */
    boolean drain(long maxBytes) throws IOException {
        if (fullyRead()) {
            return true;
        }
        if (!drainable(maxBytes)) {
            return false;
        }
        byte[] sink = new byte[8192];
        long limit = wireBytes + maxBytes;
        try {
            while (!fullyRead()) {
                if (wireBytes > limit || read(sink, 0, sink.length) < 0) {
                    return false;
                }
            }
        } catch (BadBodyException | java.io.EOFException e) {
            return false;
        }
        return true;
    }

    /** A chunked body broke the framing rules mid-stream: the connection cannot continue. */
    static final class BadBodyException extends IOException {
        private static final long serialVersionUID = 1L;
        final transient HttpException cause;

        BadBodyException(HttpException cause) {
            super(cause.getMessage());
            this.cause = cause;
        }
    }
}

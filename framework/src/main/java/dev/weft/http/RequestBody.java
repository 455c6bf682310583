package dev.weft.http;

import dev.weft.server.Connection;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A request body as a stream, delimited by its {@link Framing}: Content-Length bytes, or chunked. The first read
 * sends "100 Continue" when the client asked for it (RFC 9110 §10.1.1). A body longer than the limit is 413.
 * A client that sends too slowly is cut: each read waits at most {@code bodyTimeout}, and the body as a whole
 * must arrive at {@code minBodyBytesPerSecond} or faster once {@code bodyRateGrace} has been spent waiting —
 * counting only the time the server waits for body bytes, not the time the handler takes between reads.
 * {@link #readAll()} buffers the whole body within the server's {@link BodyBudget}.
 *
 * <pre>
 * Threading: the request's handler thread only.
 * </pre>
 */
final class RequestBody extends InputStream {
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final InputBuffer in;
    private final Connection connection;
    private final HttpLimits limits;        // body timeout, minimum rate (0: none) and its grace, size cap
    private final BodyBudget budget;
    private long remaining;                 // Content-Length framing: bytes left
    private final ChunkedDecoder chunked;   // chunked framing, else null
    private boolean expectContinue;         // 100 Continue still to send before the first read
    private boolean touched;                // the handler read (some of) the body
    private IOException failure;            // reading broke mid-body: nothing after it can be trusted
    private boolean abandoned;              // the server gave up on it (over budget): the connection ends
    private long wireBytes;                 // bytes taken from the input for this body, framing included
    private long waitedNanos;               // time spent waiting for body bytes
    private long reserved;                  // bytes reserved in the budget, released by releaseBudget()

    RequestBody(InputBuffer in, Connection connection, Framing framing, HttpLimits limits, BodyBudget budget,
                boolean expectContinue) {
        this.in = in;
        this.connection = connection;
        this.limits = limits;
        this.budget = budget;
        this.remaining = framing.chunked() ? 0 : framing.length();
        this.chunked = framing.chunked() ? new ChunkedDecoder(limits.maxBodyBytes(), limits.maxHeaderBytes()) : null;
        this.expectContinue = expectContinue;
    }

    /**
     * True for a body of length 0 that nothing has gone wrong with — and nothing can: no byte is ever read, no
     * budget reserved, no 100 Continue owed ({@code touched} only matters while one is). Such a body can serve
     * every bodiless request of its connection.
     */
    boolean isEmpty() {
        return chunked == null && remaining == 0 && !expectContinue && failure == null && !abandoned
                && wireBytes == 0 && reserved == 0;
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
        try {
            sendContinue();
            return chunked == null ? readLength(b, off, len) : readChunked(b, off, len);
        } catch (IOException e) {
            failure = e; // EOF, reset, timeout, bad framing: the connection cannot carry another request
            throw e;
        }
    }

    /**
     * The whole body in one array, buffered within the server's budget: the array grows (doubling, never past
     * the Content-Length or the body limit) and each growth beyond {@link BodyBudget#FREE_BYTES} is reserved.
     *
     * @throws HttpStatusException 503 when the budget cannot cover the body (the connection then ends)
     */
    byte[] readAll() throws IOException {
        long limit = chunked == null ? remaining : limits.maxBodyBytes();
        byte[] buf = new byte[(int) Math.min(limit, 8192)];
        int n = 0;
        for (;;) {
            if (n == buf.length) {
                if (n >= limit) {
                    if (chunked == null || read(new byte[1], 0, 1) < 0) {
                        break; // Content-Length: exactly full; chunked: the decoder enforces the limit
                    }
                    throw new AssertionError("the chunked decoder let more than the body limit through");
                }
                int next = (int) Math.min(limit, Math.max(8192, (long) buf.length * 2));
                reserve(next);
                buf = Arrays.copyOf(buf, next);
            }
            int r = read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n == buf.length ? buf : Arrays.copyOf(buf, n);
    }

    /** Reserves budget so that a buffer of {@code capacity} bytes is covered (past the free bytes). */
    private void reserve(long capacity) {
        long need = capacity - BodyBudget.FREE_BYTES - reserved;
        if (need <= 0) {
            return;
        }
        if (!budget.tryReserve(need)) {
            abandoned = true; // its bytes will not be read: the response must close the connection
            throw new HttpStatusException(503, "request bodies buffered by the server are over its budget; "
                    + "retry later");
        }
        reserved += need;
    }

    /** Gives back this body's reservation (the exchange ended, or its buffer was parsed and dropped). */
    void releaseBudget() {
        if (reserved > 0) {
            budget.release(reserved);
            reserved = 0;
        }
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
                throw new BadBodyException(e);
            }
            wireBytes += in.start - from;
        }
        return produced[0] == 0 ? -1 : produced[0];
    }

    /** Waits for more body bytes: at most the body timeout, and no longer than the minimum rate allows. */
    private void fill() throws IOException {
        long rateWait = rateAllowanceNanos();
        long timeoutNanos = limits.bodyTimeout().toNanos();
        long timeout = Math.min(timeoutNanos, rateWait);
        if (timeout <= 0) {
            throw slow();
        }
        long start = System.nanoTime();
        boolean more;
        try {
            more = in.fill(timeout);
        } catch (SocketTimeoutException e) {
            waitedNanos += System.nanoTime() - start;
            throw rateWait <= timeoutNanos ? slow() : e;
        }
        waitedNanos += System.nanoTime() - start;
        if (!more) {
            throw new java.io.EOFException("the client closed before the end of the request body");
        }
    }

    private long rateAllowanceNanos() {
        return allowanceNanos(wireBytes, waitedNanos, limits.minBodyBytesPerSecond(),
                limits.bodyRateGrace().toNanos());
    }

    /**
     * How much longer the server may wait for the next body byte, having received {@code bodyBytes} in
     * {@code waitedNanos} of waiting: the body must keep {@code bodyBytes + 1 ≥ rate × (waited − grace)};
     * Long.MAX_VALUE without a rate rule (rate 0). Saturating: a huge grace or body never runs out.
     */
    static long allowanceNanos(long bodyBytes, long waitedNanos, long minBytesPerSecond, long graceNanos) {
        if (minBytesPerSecond == 0) {
            return Long.MAX_VALUE;
        }
        long earnedNanos = bodyBytes + 1 > Long.MAX_VALUE / 1_000_000_000L / 4 ? Long.MAX_VALUE / 4
                : (bodyBytes + 1) * 1_000_000_000L / minBytesPerSecond;
        return Math.min(graceNanos, Long.MAX_VALUE / 4) + earnedNanos - waitedNanos;
    }

    private SlowBodyException slow() {
        return new SlowBodyException("request body slower than " + limits.minBodyBytesPerSecond()
                + " bytes/s after a grace of " + limits.bodyRateGrace().toMillis() + " ms (" + wireBytes
                + " bytes in " + waitedNanos / 1_000_000 + " ms)");
    }

    private void sendContinue() throws IOException {
        if (expectContinue) {
            expectContinue = false;
            connection.writeInterim(CONTINUE, 0, CONTINUE.length); // the exchange goes on: a drain lets it finish
        }
    }

    /** The exception reading this body failed with (EOF, timeout, reset, bad framing), or null. */
    IOException failure() {
        return failure;
    }

    /** Bytes taken from the input for this body so far, framing included. */
    long wireBytes() {
        return wireBytes;
    }

    /**
     * The final response's head is going out: from now on no 100 Continue may be sent (it would land inside the
     * response; RFC 9110 §10.1.1 — a client that waits for it sends the body after its own timeout). Returns
     * whether the connection can carry another request after this exchange ({@link #drainable}), judged before
     * the 100 Continue is withdrawn: a client that was still waiting for it may never send the body.
     */
    boolean finalResponseStarted(long maxBytes) {
        boolean intact = drainable(maxBytes);
        expectContinue = false;
        return intact;
    }

    /**
     * Whether what the handler left could be read and discarded within {@code maxBytes} of input: not after a
     * read failure or when the server gave up on it, not while the client still waits for 100 Continue, not
     * when a Content-Length says more.
     */
    boolean drainable(long maxBytes) {
        if (fullyRead()) {
            return true;
        }
        if (failure != null || abandoned || (expectContinue && !touched)) {
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

    /** The client sent its body slower than the minimum rate: cut like a timeout (the server counts it so). */
    static final class SlowBodyException extends SocketTimeoutException {
        private static final long serialVersionUID = 1L;

        SlowBodyException(String message) {
            super(message);
        }
    }
}

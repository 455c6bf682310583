package dev.weft.http;

import dev.weft.server.BufferPool;
import dev.weft.server.Connection;
import java.io.IOException;

/**
 * One connection's input: bytes read but not yet consumed, shared by the head parser and the body reader, so
 * pipelined requests that arrive together are parsed from the same buffer, none lost. Between requests, with
 * nothing buffered, the array goes back to the {@link BufferPool} ({@link #release}) and the next fill takes
 * one again: an idle connection holds no read buffer. Threading: the connection's handler thread only.
 */
final class InputBuffer {
    private static final byte[] NONE = new byte[0];

    private final Connection connection;
    private final int maxBytes;
    private BufferPool.Buffer pooled; // the pooled buffer buf is, or null (none held, or buf grew past it)
    byte[] buf = NONE;
    int start;
    int end;

    InputBuffer(Connection connection, int maxBytes) {
        this.connection = connection;
        this.maxBytes = maxBytes;
    }

    int available() {
        return end - start;
    }

    /**
     * Reads more bytes (keeping the unconsumed ones), waiting at most {@code timeoutNanos}. Returns false at
     * end of stream. The buffer grows up to {@code maxBytes}; a caller that needs more is over a limit.
     */
    boolean fill(long timeoutNanos) throws IOException {
        if (buf == NONE) {
            pooled = BufferPool.SHARED.acquire();
            buf = pooled.array();
        }
        if (start > 0 && start == end) {
            start = 0;
            end = 0;
        }
        if (end == buf.length) {
            if (start > 0) {
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
            } else {
                if (buf.length >= maxBytes) {
                    throw new IllegalStateException("input buffer full at " + maxBytes + " bytes");
                }
                buf = java.util.Arrays.copyOf(buf, Math.min(maxBytes, buf.length * 2));
                giveBack();
            }
        }
        int n = pooled != null ? connection.read(pooled.segment(end, buf.length - end), timeoutNanos)
                : connection.read(buf, end, buf.length - end, timeoutNanos);
        if (n < 0) {
            return false;
        }
        end += n;
        return true;
    }

    /** Gives the array back to the pool; only when nothing is buffered. */
    void release() {
        assert start == end : "release with " + available() + " bytes buffered";
        giveBack();
        buf = NONE;
        start = 0;
        end = 0;
    }

    private void giveBack() {
        if (pooled != null) {
            BufferPool.SHARED.release(pooled);
            pooled = null;
        }
    }

    /**
     * The pooled buffer, lent for one write that completes before the caller returns, when nothing is buffered:
     * its bytes are all consumed then (the head parsed and copied out), and the next fill starts over at 0. Null
     * when input is buffered (a pipelined request, body bytes) or no pooled buffer is held.
     */
    BufferPool.Buffer lendIfEmpty() {
        return start == end ? pooled : null;
    }

    /** Drops whatever is buffered and gives the array back: the connection has ended. */
    void discard() {
        start = end;
        release();
    }

    boolean full() {
        return start == 0 && end == buf.length && buf.length >= maxBytes;
    }
}

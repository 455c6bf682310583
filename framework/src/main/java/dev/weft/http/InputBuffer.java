package dev.weft.http;

import dev.weft.server.Connection;
import java.io.IOException;

/**
 * One connection's input: bytes read but not yet consumed, shared by the head parser and the body reader, so
 * pipelined requests that arrive together are parsed from the same buffer, none lost. Threading: the
 * connection's handler thread only.
 */
final class InputBuffer {
    private final Connection connection;
    private final int maxBytes;
    byte[] buf = new byte[4096];
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
            }
        }
        int n = connection.read(buf, end, buf.length - end, timeoutNanos);
        if (n < 0) {
            return false;
        }
        end += n;
        return true;
    }

    boolean full() {
        return start == 0 && end == buf.length && buf.length >= maxBytes;
    }
}

package dev.weft.helidon;

import dev.weft.server.Connection;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Closing first while the client may still be sending: shut down output (FIN after the last response), read and
 * discard a bounded amount for a bounded time, then close. A plain close with unread input makes the kernel send
 * a reset, which can destroy the response still in flight at the client (RFC 9112 §9.6).
 */
final class StagedClose {
    static final int DRAIN_BYTES = 64 * 1024;
    static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(1);

    private StagedClose() {}

    static void close(Connection connection) {
        try {
            connection.shutdownOutput();
            byte[] sink = new byte[8192];
            long left = DRAIN_BYTES;
            long deadline = System.nanoTime() + DRAIN_NANOS;
            while (left > 0) {
                long timeout = deadline - System.nanoTime();
                if (timeout <= 0) {
                    break;
                }
                int n = connection.read(sink, 0, (int) Math.min(sink.length, left), timeout);
                if (n < 0) {
                    break;
                }
                left -= n;
            }
        } catch (IOException e) {
            // the client went away or stayed silent: either way it is closed now
        } finally {
            connection.close();
        }
    }
}

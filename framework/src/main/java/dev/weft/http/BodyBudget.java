package dev.weft.http;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server-wide budget for request bytes buffered in memory ({@link Request#bodyBytes()}, {@link
 * Request#json(Class)}): across all connections at most {@link HttpLimits#maxBufferedBodyBytes()}. A body
 * reserves as its buffer grows; the first {@value #FREE_BYTES} bytes of each body are free (like the head
 * buffer, they are bounded by the connection cap), so small requests are served even while large ones exhaust
 * the budget. Reservations are released when the exchange ends. A body that cannot reserve fails with 503.
 *
 * <pre>
 * Threading: shared by every connection. used: CAS only. exhausted: set by the first failed reservation of an
 * episode (which logs), cleared when usage falls under half the budget.
 * </pre>
 */
final class BodyBudget {
    /** Bytes of each body buffered outside the budget. */
    static final int FREE_BYTES = 16 * 1024;

    private static final System.Logger LOG = System.getLogger("dev.weft.http");

    private final long maxBytes;
    private final AtomicLong used = new AtomicLong();
    private final AtomicBoolean exhausted = new AtomicBoolean();

    BodyBudget(long maxBytes) {
        assert maxBytes >= 0;
        this.maxBytes = maxBytes;
    }

    /** Reserves {@code bytes} (> 0), or returns false when that would exceed the budget. */
    boolean tryReserve(long bytes) {
        assert bytes > 0;
        for (;;) {
            long u = used.get();
            if (u + bytes > maxBytes) {
                if (exhausted.compareAndSet(false, true)) {
                    LOG.log(Level.WARNING, "request bodies buffered in memory reached the budget of " + maxBytes
                            + " bytes (HttpLimits.maxBufferedBodyBytes): answering 503 to bodies that need more"
                            + " until it frees up (logged once per episode)");
                }
                return false;
            }
            if (used.compareAndSet(u, u + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        assert bytes >= 0;
        long u = used.addAndGet(-bytes);
        assert u >= 0 : "released more than reserved: " + u;
        if (u < maxBytes / 2 && exhausted.get()) {
            exhausted.set(false);
        }
    }

    /** Bytes reserved now. */
    long used() {
        return used.get();
    }
}

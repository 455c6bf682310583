package dev.weft.http;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Read buffers of {@value #BUFFER_BYTES} bytes for connections that are between requests: an idle keep-alive
 * connection gives its buffer back and waits without one (so 10,000 idle connections hold no read buffers), and
 * takes one again when its next request arrives. At most {@value #SLOTS} free buffers are kept (1 MiB); beyond
 * that a returned buffer is left to the GC, and an empty pool allocates.
 *
 * <pre>
 * Threading: lock-free. slots: each element is a free buffer or null, taken with compareAndSet(buffer, null)
 * and filled with compareAndSet(null, buffer); a thread probes a few slots from a random start, so threads
 * rarely touch the same slot. A buffer is owned by exactly one connection between acquire and release.
 * </pre>
 */
final class BufferPool {
    static final int BUFFER_BYTES = 4096;
    private static final int SLOTS = 256;
    private static final int PROBES = 8;

    static final BufferPool SHARED = new BufferPool();

    private final AtomicReferenceArray<byte[]> slots = new AtomicReferenceArray<>(SLOTS);

    /** A free buffer of {@link #BUFFER_BYTES} bytes (its content is garbage). */
    byte[] acquire() {
        int start = ThreadLocalRandom.current().nextInt();
        for (int i = 0; i < PROBES; i++) {
            int slot = (start + i) & (SLOTS - 1);
            byte[] b = slots.get(slot);
            if (b != null && slots.compareAndSet(slot, b, null)) {
                return b;
            }
        }
        return new byte[BUFFER_BYTES];
    }

    /** Gives a buffer back; the caller must not touch it afterwards. Buffers of another size are dropped. */
    void release(byte[] b) {
        if (b.length != BUFFER_BYTES) {
            return;
        }
        int start = ThreadLocalRandom.current().nextInt();
        for (int i = 0; i < PROBES; i++) {
            int slot = (start + i) & (SLOTS - 1);
            if (slots.get(slot) == null && slots.compareAndSet(slot, null, b)) {
                return;
            }
        }
    }
}

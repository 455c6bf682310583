package dev.weft.server;

/**
 * Read buffers of {@value #BUFFER_BYTES} bytes for connections between exchanges: a connection waiting for its
 * next request gives its buffer back and waits without one ({@link Connection#awaitReadable()}), so 10,000 idle
 * connections hold no read buffers, and takes one again when input arrives. Used by the HTTP server and the
 * Helidon embedding; a handler of the TCP server may use it the same way. At most {@value #MAX_FREE} free
 * buffers are kept (1 MiB); beyond that a returned buffer is left to the GC, and an empty pool allocates.
 *
 * <pre>
 * Locking: this object's monitor guards free and size; held for a push or a pop only (uncontended it costs a
 * CAS; a virtual thread does not pin its carrier on it since JDK 24). A buffer is owned by exactly one
 * connection between acquire and release.
 * </pre>
 */
public final class BufferPool {
    /** The size of every pooled buffer. */
    public static final int BUFFER_BYTES = 4096;
    private static final int MAX_FREE = 256;

    /** The pool every weft server in this JVM shares. */
    public static final BufferPool SHARED = new BufferPool();

    private final byte[][] free = new byte[MAX_FREE][]; // guarded by this
    private int size;                                   // guarded by this

    /** A pool of its own (servers share {@link #SHARED}). */
    public BufferPool() {
    }

    /** A free buffer of {@link #BUFFER_BYTES} bytes (its content is garbage). */
    public byte[] acquire() {
        synchronized (this) {
            if (size > 0) {
                byte[] b = free[--size];
                free[size] = null;
                return b;
            }
        }
        return new byte[BUFFER_BYTES];
    }

    /** Gives a buffer back; the caller must not touch it afterwards. Buffers of another size are dropped. */
    public void release(byte[] b) {
        if (b.length != BUFFER_BYTES) {
            return;
        }
        synchronized (this) {
            if (size < MAX_FREE) {
                free[size++] = b;
            }
        }
    }

    /** Free buffers held now (for tests and diagnostics). */
    public synchronized int free() {
        return size;
    }
}

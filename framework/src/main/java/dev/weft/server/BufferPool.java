package dev.weft.server;

import java.lang.foreign.MemorySegment;

/**
 * Buffers of {@value #BUFFER_BYTES} bytes held for one read or one exchange at a time: a connection waiting for
 * its next request gives its buffer back and waits without one ({@link Connection#awaitReadable()}), so 10,000
 * idle connections hold no buffers, and takes one again when input arrives. Each buffer carries a memory segment
 * over its array, made once: a read or write through it ({@link Connection#read(MemorySegment, long)}) makes no
 * segment per syscall. Used by the HTTP server and the Helidon embedding; a handler of the TCP server may use it
 * the same way. At most {@value #MAX_FREE} free buffers are kept (1 MiB); beyond that a returned buffer is left
 * to the GC, and an empty pool allocates.
 *
 * <pre>
 * Locking: this object's monitor guards free and size; held for a push or a pop only (uncontended it costs a
 * CAS; a virtual thread does not pin its carrier on it since JDK 24). A buffer is owned by exactly one
 * user between acquire and release.
 * </pre>
 */
public final class BufferPool {
    /** The size of every pooled buffer. */
    public static final int BUFFER_BYTES = 4096;
    private static final int MAX_FREE = 256;

    /** The pool every weft server in this JVM shares. */
    public static final BufferPool SHARED = new BufferPool();

    /** A pooled array and the segment over all of it. */
    public static final class Buffer {
        private final byte[] array = new byte[BUFFER_BYTES];
        private final MemorySegment segment = MemorySegment.ofArray(array);

        private Buffer() {
        }

        /** {@return the array ({@link #BUFFER_BYTES} bytes; its content is garbage when acquired)} */
        public byte[] array() {
            return array;
        }

        /**
         * {@return the segment over the whole array, made once} Write a prefix of it with a length
         * ({@link Connection#write(MemorySegment, long)}): no slice, so no object per write.
         */
        public MemorySegment segment() {
            return segment;
        }

        /**
         * The segment over {@code array()[offset, offset+length)}: the whole one is made once, a part is one slice.
         *
         * @param offset where it starts
         * @param length how many bytes
         * @return the segment
         */
        public MemorySegment segment(int offset, int length) {
            return offset == 0 && length == BUFFER_BYTES ? segment : segment.asSlice(offset, length);
        }
    }

    private final Buffer[] free = new Buffer[MAX_FREE]; // guarded by this
    private int size;                                   // guarded by this

    /** A pool of its own (servers share {@link #SHARED}). */
    public BufferPool() {
    }

    /** {@return a free buffer, owned by the caller until it gives it back} */
    public Buffer acquire() {
        synchronized (this) {
            if (size > 0) {
                Buffer b = free[--size];
                free[size] = null;
                return b;
            }
        }
        return new Buffer();
    }

    /**
     * Gives a buffer back; the caller must not touch it afterwards.
     *
     * @param b a buffer from {@link #acquire()} (of any pool)
     */
    public void release(Buffer b) {
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

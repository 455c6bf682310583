package dev.weft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/**
 * BufferPool hands out each free buffer once, keeps what is given back (up to its bound), gives each a segment
 * over its array.
 */
class BufferPoolTest {
    @Test
    void aReturnedBufferIsHandedOutAgainAndOnlyOnce() {
        BufferPool pool = new BufferPool();
        BufferPool.Buffer a = pool.acquire();
        BufferPool.Buffer b = pool.acquire();
        assertNotSame(a, b);
        assertEquals(BufferPool.BUFFER_BYTES, a.array().length);
        pool.release(a);
        assertEquals(1, pool.free());
        assertSame(a, pool.acquire());
        assertEquals(0, pool.free());
        assertNotSame(a, pool.acquire()); // empty: a new one
    }

    @Test
    void aBuffersSegmentCoversItsArray() {
        BufferPool.Buffer a = new BufferPool().acquire();
        a.segment(0, BufferPool.BUFFER_BYTES).set(java.lang.foreign.ValueLayout.JAVA_BYTE, 7, (byte) 42);
        a.segment(100, 8).set(java.lang.foreign.ValueLayout.JAVA_BYTE, 1, (byte) 43);
        assertEquals(42, a.array()[7]);
        assertEquals(43, a.array()[101]);
        assertEquals(8, a.segment(100, 8).byteSize());
        assertSame(a.segment(0, BufferPool.BUFFER_BYTES), a.segment(0, BufferPool.BUFFER_BYTES)); // made once
    }

    @Test
    void atMostTheBoundIsKept() {
        BufferPool pool = new BufferPool();
        BufferPool other = new BufferPool();
        for (int i = 0; i < 1000; i++) {
            pool.release(other.acquire());
        }
        assertEquals(256, pool.free());
    }
}

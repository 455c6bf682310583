package dev.weft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** BufferPool hands out each free buffer once, keeps what is given back (up to its bound), drops odd sizes. */
class BufferPoolTest {
    @Test
    void aReturnedBufferIsHandedOutAgainAndOnlyOnce() {
        BufferPool pool = new BufferPool();
        byte[] a = pool.acquire();
        byte[] b = pool.acquire();
        assertNotSame(a, b);
        assertEquals(BufferPool.BUFFER_BYTES, a.length);
        pool.release(a);
        assertEquals(1, pool.free());
        assertSame(a, pool.acquire());
        assertEquals(0, pool.free());
        assertNotSame(a, pool.acquire()); // empty: a new one
    }

    @Test
    void buffersOfAnotherSizeAreNotKept() {
        BufferPool pool = new BufferPool();
        pool.release(new byte[BufferPool.BUFFER_BYTES * 2]);
        assertEquals(0, pool.free());
    }

    @Test
    void atMostTheBoundIsKept() {
        BufferPool pool = new BufferPool();
        for (int i = 0; i < 1000; i++) {
            pool.release(new byte[BufferPool.BUFFER_BYTES]);
        }
        assertEquals(256, pool.free());
    }
}

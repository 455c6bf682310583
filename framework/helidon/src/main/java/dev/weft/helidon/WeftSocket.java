package dev.weft.helidon;

import dev.weft.server.BufferPool;
import dev.weft.server.Connection;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Helidon's view of one weft {@link Connection}: {@link #get()} returns the next bytes read (parking on the weft
 * poller, never on a carrier), {@code null} at end of stream; {@link #write} parks while the peer's window is
 * full. Timeouts, interrupts and shutdown surface as {@link UncheckedIOException}, as from Helidon's own sockets.
 *
 * <pre>
 * Threading: get() is called by the connection's thread only (Helidon's reader is single-threaded); it reads
 * through a pooled buffer held for that read only. write() may be called by any thread (a streaming response
 * written from elsewhere): writeLock serialises writers. lastResponse is volatile, set once (false → true) by the
 * thread about to write the connection's last response head, read by writers.
 * </pre>
 */
final class WeftSocket implements HelidonSocket {
    /** Bytes copied out of Helidon's buffers per write(2). */
    private static final int MAX_WRITE_BYTES = 64 * 1024;

    private final Connection connection;
    private final String socketId;
    private final long connectionNumber;
    private final PeerInfo remote;
    private final PeerInfo local;
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile boolean lastResponse; // set once: what is written from now on is the connection's last bytes

    WeftSocket(Connection connection, String socketId, long connectionNumber) {
        this.connection = connection;
        this.socketId = socketId;
        this.connectionNumber = connectionNumber;
        this.remote = new WeftPeerInfo(connection, true);
        this.local = new WeftPeerInfo(connection, false);
    }

    Connection connection() {
        return connection;
    }

    /** The next bytes from the peer, a new array each time (Helidon keeps it); null at end of stream. */
    @Override
    public byte[] get() {
        return read(0);
    }

    /**
     * Like {@link #get()}, waiting at most {@code timeoutNanos} (> 0; 0 = the connection's idle or read timeout)
     * before it throws {@link UncheckedIOException} with a {@link java.net.SocketTimeoutException}.
     */
    byte[] read(long timeoutNanos) {
        // held for this read only: an idle connection holds none
        BufferPool.Buffer buffer = BufferPool.SHARED.acquire();
        try {
            MemorySegment all = buffer.segment();
            int n = timeoutNanos == 0 ? connection.read(all) : connection.read(all, timeoutNanos);
            return n < 0 ? null : Arrays.copyOf(buffer.array(), n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            BufferPool.SHARED.release(buffer);
        }
    }

    /**
     * The connection's last response, a small whole one, is about to be written and the connection closes right
     * after it: from now on writes carry MSG_MORE ({@link Connection#writeBeforeClose}), so that the close's FIN
     * travels in the response's last segment.
     */
    void lastResponseFollows() {
        lastResponse = true;
    }

    /**
     * Writes every available byte of {@code buffer}, parking while the peer's window is full. Up to a pooled
     * buffer's size it goes through a pooled buffer held for this write only; a larger one through an array of its
     * own (at most {@value #MAX_WRITE_BYTES} bytes per write(2)), dropped afterwards: an idle connection holds no
     * write buffer.
     */
    @Override
    public void write(BufferData buffer) {
        writeLock.lock();
        BufferPool.Buffer pooled = null;
        try {
            for (int n; (n = buffer.available()) > 0; ) {
                if (n <= BufferPool.BUFFER_BYTES) {
                    pooled = pooled != null ? pooled : BufferPool.SHARED.acquire();
                    buffer.read(pooled.array(), 0, n);
                    write(pooled.segment(), n);
                } else {
                    n = Math.min(n, MAX_WRITE_BYTES);
                    byte[] out = new byte[n];
                    buffer.read(out, 0, n);
                    write(MemorySegment.ofArray(out), n);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (pooled != null) {
                BufferPool.SHARED.release(pooled);
            }
            writeLock.unlock();
        }
    }

    /** Writes the first {@code length} bytes of {@code bytes}. */
    private void write(MemorySegment bytes, int length) throws IOException {
        if (lastResponse) {
            connection.writeBeforeClose(bytes, length);
        } else {
            connection.write(bytes, length);
        }
    }

    /** Helidon 4.x still declares it (deprecated, unused by its server); a copy into the caller's buffer. */
    @SuppressWarnings("removal")
    public int read(BufferData buffer) {
        byte[] bytes = get();
        if (bytes == null) {
            return -1;
        }
        buffer.write(bytes);
        return bytes.length;
    }

    /** Closes the connection (close(2), no EPOLL_CTL_DEL); a parked read or write wakes and fails. */
    @Override
    public void close() {
        connection.close();
    }

    /** Client-side connection caching only; the server never calls it. */
    @Override
    public void idle() {
    }

    @Override
    public boolean isConnected() {
        return connection.isOpen();
    }

    @Override
    public PeerInfo remotePeer() {
        return remote;
    }

    @Override
    public PeerInfo localPeer() {
        return local;
    }

    @Override
    public boolean isSecure() {
        return false;
    }

    @Override
    public String socketId() {
        return socketId;
    }

    @Override
    public String childSocketId() {
        return Long.toHexString(connectionNumber);
    }

    @Override
    public String toString() {
        return "WeftSocket[" + socketId + " " + childSocketId() + ", " + connection + "]";
    }
}

package dev.weft.server;

import dev.weft.poller.BlockingIo;
import dev.weft.poller.FileClosedException;
import dev.weft.poller.Item;
import dev.weft.poller.PollFile;
import dev.weft.poller.SetClosedException;
import dev.weft.poller.WaitResult;
import dev.weft.poller.sys.Errno;
import dev.weft.poller.sys.Sockets;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One accepted TCP connection, served by one virtual thread. Reads and writes park on the weft poller; they
 * never block a carrier. Reads into the caller's own memory (heap arrays included: the syscalls are critical
 * downcalls), so an idle connection holds no read buffer: {@link #awaitReadable()} waits without one.
 *
 * <p>Timeouts: a read waits at most {@code idleTimeout} when nothing has arrived since the last write (between
 * exchanges), at most {@code readTimeout} once input has started arriving; a write waits at most
 * {@code writeTimeout} for a peer that does not read. Expiry throws {@link SocketTimeoutException}.
 *
 * <pre>
 * Threading: meant for its handler thread. exchangeStarted is written only by that thread. close() may also be
 * called by the server's shutdown from another thread: it is idempotent and wakes a parked handler, whose
 * I/O then fails with FileClosedException.
 * </pre>
 */
public final class Connection implements AutoCloseable {
    private final PollFile file;
    private final Item item;
    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final long openedAtNanos = System.nanoTime();
    private boolean exchangeStarted; // handler thread only: input arrived since the last write
    private long bytesIn;            // handler thread only
    private long bytesOut;           // handler thread only
    private Runnable beforeFirstBlock; // handler thread only: the acceptor's hand-off, run once before a park
    private InputStream input;       // handler thread only, lazily
    private OutputStream output;     // handler thread only, lazily

    Connection(PollFile file, Item item, ServerConfig config, ServerMetrics metrics) {
        this.file = file;
        this.item = item;
        this.config = config;
        this.metrics = metrics;
    }

    /** Reads into {@code dst[offset, offset+length)}; returns the count (≥ 1), or -1 at end of stream. */
    public int read(byte[] dst, int offset, int length) throws IOException {
        return read(dst, offset, length, readTimeoutNanos());
    }

    /**
     * Like {@link #read(byte[], int, int)} but waiting at most {@code timeoutNanos} (> 0) instead of the idle or
     * read timeout: for protocols with deadlines of their own (a whole request head, say).
     */
    public int read(byte[] dst, int offset, int length, long timeoutNanos) throws IOException {
        Objects.checkFromIndexSize(offset, length, dst.length);
        if (length == 0) {
            return 0;
        }
        return read(MemorySegment.ofArray(dst).asSlice(offset, length), timeoutNanos);
    }

    /** Reads into the buffer's remaining space (heap or direct); returns the count, or -1 at end of stream. */
    public int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        int n = read(MemorySegment.ofBuffer(dst), readTimeoutNanos());
        if (n > 0) {
            dst.position(dst.position() + n);
        }
        return n;
    }

    private int read(MemorySegment dst, long timeoutNanos) throws IOException {
        long n = beforeFirstBlock == null ? BlockingIo.read(item, dst, timeoutNanos) : BlockingIo.tryRead(item, dst);
        if (n == Errno.WOULD_BLOCK) {
            handOff();
            n = BlockingIo.read(item, dst, timeoutNanos);
        }
        if (n == 0) {
            return -1;
        }
        exchangeStarted = true;
        bytesIn += n;
        metrics.bytesIn(n);
        return (int) n;
    }

    /**
     * Parks until input (or end of stream) is available, under the same timeout a read would have, without
     * touching any buffer: the way to keep an idle connection small.
     */
    public void awaitReadable() throws IOException {
        handOff(); // it cannot tell without reading whether input is there: with serveOnAcceptor, a handler that
                   // waits before it reads hands the accept loop over at once (correct, just no saving)
        WaitResult result = item.awaitInput(readTimeoutNanos());
        switch (result) {
            case READY -> { }
            case TIMED_OUT -> throw new SocketTimeoutException("idle or read timeout");
            case INTERRUPTED -> throw new InterruptedIOException("interrupted");
            case FILE_CLOSED -> throw new FileClosedException(file.fd());
            case SET_CLOSED -> throw new SetClosedException("server poller");
        }
    }

    /** Writes all of {@code src[offset, offset+length)}. */
    public void write(byte[] src, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, src.length);
        write(MemorySegment.ofArray(src).asSlice(offset, length));
    }

    /** Writes all of the buffer's remaining bytes (heap or direct). */
    public void write(ByteBuffer src) throws IOException {
        int length = src.remaining();
        write(MemorySegment.ofBuffer(src));
        src.position(src.position() + length);
    }

    private void write(MemorySegment src) throws IOException {
        MemorySegment rest = src;
        if (beforeFirstBlock != null) {
            long n = BlockingIo.tryWrite(item, src);
            rest = src.asSlice(Math.max(0, n));
            if (rest.byteSize() > 0) {
                handOff();
            }
        }
        if (rest.byteSize() > 0) {
            BlockingIo.write(item, rest, config.writeTimeout().toNanos());
        }
        exchangeStarted = false;
        bytesOut += src.byteSize();
        metrics.bytesOut(src.byteSize());
    }

    private long readTimeoutNanos() {
        return (exchangeStarted ? config.readTimeout() : config.idleTimeout()).toNanos();
    }

    /** A stream view of {@link #read(byte[], int, int)}; closing it closes the connection. */
    public InputStream input() {
        if (input == null) {
            input = new ConnectionStreams.In(this);
        }
        return input;
    }

    /** A stream view of {@link #write(byte[], int, int)}, unbuffered; closing it closes the connection. */
    public OutputStream output() {
        if (output == null) {
            output = new ConnectionStreams.Out(this);
        }
        return output;
    }

    /** Half-close: sends FIN; reads still work. */
    public void shutdownOutput() throws IOException {
        if (!file.pin()) {
            throw new FileClosedException(file.fd());
        }
        try {
            Sockets.shutdown(file.fd(), Sockets.SHUT_WR);
        } finally {
            file.unpin();
        }
    }

    public InetSocketAddress peerAddress() throws IOException {
        return address(true);
    }

    public InetSocketAddress localAddress() throws IOException {
        return address(false);
    }

    private InetSocketAddress address(boolean peer) throws IOException {
        if (!file.pin()) {
            throw new FileClosedException(file.fd());
        }
        try {
            return peer ? Sockets.peerAddress(file.fd()) : Sockets.localAddress(file.fd());
        } finally {
            file.unpin();
        }
    }

    /**
     * Serves this connection on its accepting thread until it would first block: {@code handOff} then runs once,
     * just before the first park (it starts a replacement acceptor). A connection-per-request exchange whose
     * request is already there and whose response fits the socket buffer never blocks: no thread start, no
     * carrier wake-up for it (../shared/notes/connection-cost.md, its best variant).
     */
    void beforeFirstBlock(Runnable handOff) {
        this.beforeFirstBlock = handOff;
    }

    private void handOff() {
        Runnable r = beforeFirstBlock;
        if (r != null) {
            beforeFirstBlock = null;
            r.run();
        }
    }

    /** Emits the JFR close event (when enabled); called by the server on the handler thread as it ends. */
    void recordClose(String cause) {
        ConnectionEvents.closed(file.fd(), System.nanoTime() - openedAtNanos, bytesIn, bytesOut, cause);
    }

    public boolean isOpen() {
        return file.isOpen();
    }

    /**
     * Closes the connection: close(2) without EPOLL_CTL_DEL (the per-connection registration pattern of
     * ../shared/seed: weft's release path and the kernel's eventpoll_release_file both run). Idempotent.
     */
    @Override
    public void close() {
        file.close();
    }

    @Override
    public String toString() {
        return "Connection[" + file + "]";
    }
}

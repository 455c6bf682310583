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
import java.util.function.BooleanSupplier;

/**
 * One accepted TCP connection, served by one virtual thread. Reads and writes park on the weft poller; they
 * never block a carrier. Reads into the caller's own memory (heap arrays included: the syscalls are critical
 * downcalls), so an idle connection holds no read buffer: {@link #awaitReadable()} waits without one.
 *
 * <p>Timeouts: before the connection's first byte, a read waits at most {@code firstByteTimeout} (whatever it
 * asked for); after it, at most {@code idleTimeout} when nothing has arrived since the last write (between
 * exchanges), at most {@code readTimeout} once input has started arriving; a write waits at most
 * {@code writeTimeout} for a peer that does not read. Expiry throws {@link SocketTimeoutException}.
 *
 * <p>Graceful close (issue 11, item 2): once the server is closing ({@link #isDraining()}), a read that would
 * have to wait while no exchange is in progress — nothing read since the last write, or, for a protocol that
 * ends its exchanges itself ({@link #exchangesEndExplicitly()}), since its last {@link #exchangeEnded()} —
 * makes one non-blocking attempt and, finding nothing, returns end of stream (-1); {@link #awaitReadable()}
 * then returns at once. So a
 * request that already arrived is still read and served, an idle connection ends now, and an exchange in
 * progress (input read, response not yet written) keeps its reads and writes for the shutdown grace. A protocol
 * should end the exchange it answers while draining with its own "closing" signal (HTTP: {@code Connection:
 * close}).
 *
 * <pre>
 * Threading: meant for its handler thread; exchangeStarted, bytesIn, bytesOut, input and output are touched
 * only by it. close() and wakeReader() may also be called by the server's shutdown from
 * another thread: close() is idempotent and wakes a parked handler, whose I/O then fails with
 * FileClosedException; wakeReader() only makes a parked reader look again.
 * </pre>
 */
public final class Connection implements AutoCloseable {
    private final PollFile file;
    private final Item item;
    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final BooleanSupplier serverDraining;
    private final BooleanSupplier idleMustEnd = this::idleMustEnd;
    private final long openedAtNanos = System.nanoTime();
    private boolean exchangeStarted; // handler thread only: input arrived since the exchange ended (see below)
    private boolean explicitExchanges; // handler thread only: the protocol ends exchanges (exchangeEnded)
    private long bytesIn;            // handler thread only
    private long bytesOut;           // handler thread only
    private InputStream input;       // handler thread only, lazily
    private OutputStream output;     // handler thread only, lazily

    Connection(PollFile file, Item item, ServerConfig config, ServerMetrics metrics, BooleanSupplier serverDraining) {
        this.file = file;
        this.item = item;
        this.config = config;
        this.metrics = metrics;
        this.serverDraining = serverDraining;
    }

    /**
     * Reads into {@code dst[offset, offset+length)}, waiting under the first-byte, idle or read timeout.
     *
     * @param dst    the array to fill
     * @param offset where to start
     * @param length at most this many bytes
     * @return the count (≥ 1; 0 only for {@code length == 0}), or -1 at end of stream (also: idle while the
     *         server is closing)
     * @throws IOException {@link SocketTimeoutException} on a timeout, {@link FileClosedException} when the
     *                     server closed the connection, or the syscall's error (a reset peer)
     */
    public int read(byte[] dst, int offset, int length) throws IOException {
        return read(dst, offset, length, readTimeoutNanos());
    }

    /**
     * Like {@link #read(byte[], int, int)} but waiting at most {@code timeoutNanos} (> 0) instead of the idle or
     * read timeout: for protocols with deadlines of their own (a whole request head, say). Before the
     * connection's first byte the first-byte timeout still caps the wait.
     *
     * @param dst          the array to fill
     * @param offset       where to start
     * @param length       at most this many bytes
     * @param timeoutNanos the longest wait, in nanoseconds (&gt; 0)
     * @return the count, or -1 at end of stream
     * @throws IOException as {@link #read(byte[], int, int)}
     */
    public int read(byte[] dst, int offset, int length, long timeoutNanos) throws IOException {
        Objects.checkFromIndexSize(offset, length, dst.length);
        if (length == 0) {
            return 0;
        }
        return readSegment(segment(dst, offset, length), firstByteCapped(timeoutNanos));
    }

    /**
     * Like {@link #read(byte[], int, int)}, into a segment (heap or native): with one made once per buffer
     * ({@link BufferPool.Buffer#segment()}), a read allocates nothing.
     *
     * @param dst where to put the bytes (at most its size)
     * @return the count, or -1 at end of stream
     * @throws IOException as {@link #read(byte[], int, int)}
     */
    public int read(MemorySegment dst) throws IOException {
        return dst.byteSize() == 0 ? 0 : readSegment(dst, readTimeoutNanos());
    }

    /**
     * Like {@link #read(byte[], int, int, long)}, into a segment (heap or native): with one made once per buffer
     * ({@link BufferPool.Buffer#segment}), a read allocates nothing.
     *
     * @param dst          where to put the bytes (at most its size)
     * @param timeoutNanos the longest wait, in nanoseconds (&gt; 0)
     * @return the count, or -1 at end of stream
     * @throws IOException as {@link #read(byte[], int, int)}
     */
    public int read(MemorySegment dst, long timeoutNanos) throws IOException {
        if (dst.byteSize() == 0) {
            return 0;
        }
        return readSegment(dst, firstByteCapped(timeoutNanos));
    }

    /**
     * Reads into the buffer's remaining space (heap or direct), advancing its position.
     *
     * @param dst the buffer to fill
     * @return the count, or -1 at end of stream
     * @throws IOException as {@link #read(byte[], int, int)}
     */
    public int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        int n = readSegment(MemorySegment.ofBuffer(dst), readTimeoutNanos());
        if (n > 0) {
            dst.position(dst.position() + n);
        }
        return n;
    }

    private int readSegment(MemorySegment dst, long timeoutNanos) throws IOException {
        long n = BlockingIo.read(item, dst, timeoutNanos, idleMustEnd);
        if (n == 0 || n == Errno.WOULD_BLOCK) {
            return -1; // end of stream, or idle while the server closes
        }
        exchangeStarted = true;
        bytesIn += n;
        metrics.bytesIn(n);
        return (int) n;
    }

    /** An idle read (no exchange in progress) must not wait once the server is closing. */
    private boolean idleMustEnd() {
        return !exchangeStarted && serverDraining.getAsBoolean();
    }

    /**
     * Parks until input (or end of stream) is available, under the same timeout a read would have, without
     * touching any buffer: the way to keep an idle connection small. Returns at once when the server is closing
     * and no exchange is in progress: the next read then returns what has arrived, or end of stream.
     *
     * @throws IOException {@link SocketTimeoutException} on a timeout, {@link InterruptedIOException} if the
     *                     thread was interrupted, {@link FileClosedException} when the server closed the
     *                     connection, {@link SetClosedException} when the poller closed
     */
    public void awaitReadable() throws IOException {
        if (idleMustEnd()) {
            return;
        }
        WaitResult result = item.awaitInput(readTimeoutNanos());
        switch (result) {
            case READY -> { }
            case TIMED_OUT -> throw new SocketTimeoutException(bytesIn == 0 ? "first-byte timeout"
                    : "idle or read timeout");
            case INTERRUPTED -> throw new InterruptedIOException("interrupted");
            case FILE_CLOSED -> throw new FileClosedException(file.fd());
            case SET_CLOSED -> throw new SetClosedException("server poller");
        }
    }

    /**
     * Writes all of {@code src[offset, offset+length)}, parking while the peer's window is full.
     *
     * @param src    the bytes
     * @param offset where they start
     * @param length how many
     * @throws IOException {@link SocketTimeoutException} after the write timeout, {@link FileClosedException}
     *                     when the server closed the connection, or the syscall's error (a reset peer)
     */
    public void write(byte[] src, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, src.length);
        write(from(src, offset), length, true, false);
    }

    /**
     * Writes an interim message that does not end the exchange in progress — the peer's input is expected to go
     * on (HTTP's {@code 100 Continue} before a request body). Unlike {@link #write(byte[], int, int)}, the reads
     * that follow still count as mid-exchange: the read timeout applies, and a closing server lets them wait.
     *
     * @param src    the bytes
     * @param offset where they start
     * @param length how many
     * @throws IOException as {@link #write(byte[], int, int)}
     */
    public void writeInterim(byte[] src, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, src.length);
        write(from(src, offset), length, false, false);
    }

    /**
     * Writes all of {@code src} (heap or native), parking while the peer's window is full: with a segment made
     * once per buffer ({@link BufferPool.Buffer#segment()}) and {@link #write(MemorySegment, long)} for a part
     * of it, a write allocates nothing.
     *
     * @param src the bytes
     * @throws IOException as {@link #write(byte[], int, int)}
     */
    public void write(MemorySegment src) throws IOException {
        write(src, src.byteSize(), true, false);
    }

    /**
     * Writes the first {@code length} bytes of {@code src}, as {@link #write(MemorySegment)}: a pooled buffer's
     * one segment serves every length, with no slice per write.
     *
     * @param src    the bytes
     * @param length how many of them, from the start (0..src.byteSize())
     * @throws IOException as {@link #write(byte[], int, int)}
     */
    public void write(MemorySegment src, long length) throws IOException {
        write(src, length, true, false);
    }

    /**
     * Writes the last bytes this connection sends, when it is closed (or its output shut down) right after:
     * like {@link #write(MemorySegment)}, but the kernel keeps the last partial segment until the FIN, which then
     * travels in it — one segment for both and one acknowledgement from the peer, two segments fewer per
     * connection ({@link BlockingIo#writeBeforeClose}). Should the close not follow, the bytes leave with the
     * next write, or at TCP's cork ceiling (about 200 ms).
     *
     * @param src the bytes
     * @throws IOException as {@link #write(byte[], int, int)}
     */
    public void writeBeforeClose(MemorySegment src) throws IOException {
        write(src, src.byteSize(), true, true);
    }

    /**
     * Like {@link #writeBeforeClose(MemorySegment)}, for the first {@code length} bytes of {@code src}.
     *
     * @param src    the bytes
     * @param length how many of them, from the start (0..src.byteSize())
     * @throws IOException as {@link #write(byte[], int, int)}
     */
    public void writeBeforeClose(MemorySegment src, long length) throws IOException {
        write(src, length, true, true);
    }

    /**
     * Writes all of the buffer's remaining bytes (heap or direct), advancing its position.
     *
     * @param src the bytes
     * @throws IOException as {@link #write(byte[], int, int)}
     */
    public void write(ByteBuffer src) throws IOException {
        int length = src.remaining();
        write(MemorySegment.ofBuffer(src), length, true, false);
        src.position(src.position() + length);
    }

    /** The array's range as a segment: a whole array needs no slice (one object less per read or write). */
    private static MemorySegment segment(byte[] array, int offset, int length) {
        MemorySegment whole = MemorySegment.ofArray(array);
        return offset == 0 && length == array.length ? whole : whole.asSlice(offset, length);
    }

    /** The array from {@code offset} on, as a segment to write a prefix of: from 0 it needs no slice. */
    private static MemorySegment from(byte[] array, int offset) {
        MemorySegment whole = MemorySegment.ofArray(array);
        return offset == 0 ? whole : whole.asSlice(offset);
    }

    private void write(MemorySegment src, long length, boolean endsExchange, boolean beforeClose)
            throws IOException {
        Objects.checkFromToIndex(0, length, src.byteSize());
        if (length > 0) {
            long timeout = config.writeTimeout().toNanos();
            if (beforeClose) {
                BlockingIo.writeBeforeClose(item, src, length, timeout);
            } else {
                BlockingIo.write(item, src, length, timeout);
            }
        }
        if (endsExchange && !explicitExchanges) {
            exchangeStarted = false;
        }
        bytesOut += length;
        metrics.bytesOut(length);
    }

    /**
     * For protocols that know where an exchange ends (HTTP: once the response is complete and the request body
     * read): from now on a write does not end the exchange, {@link #exchangeEnded()} does. Without this, a write
     * ends it, which is right for request-then-response protocols but not for a full-duplex one: a request body
     * still read after its response began would count as a wait between exchanges (the idle timeout instead of
     * the read timeout, and end of stream once the server drains). Call it once, before the first exchange.
     */
    public void exchangesEndExplicitly() {
        explicitExchanges = true;
    }

    /**
     * The exchange in progress is over: the next read waits as one between exchanges (idle timeout; while the
     * server drains, end of stream unless input is already there). For protocols that called
     * {@link #exchangesEndExplicitly()}; harmless otherwise.
     */
    public void exchangeEnded() {
        exchangeStarted = false;
    }

    private long readTimeoutNanos() {
        return firstByteCapped((exchangeStarted ? config.readTimeout() : config.idleTimeout()).toNanos());
    }

    /** Before the first byte, no wait is longer than the first-byte timeout (a silent connection holds a slot). */
    private long firstByteCapped(long timeoutNanos) {
        return bytesIn == 0 ? Math.min(timeoutNanos, config.firstByteTimeout().toNanos()) : timeoutNanos;
    }

    /**
     * A lingering close, for a server that closes first while the peer may still be sending: FIN (shutdown of
     * output), then input read and discarded — at most {@code maxBytes}, for at most {@code timeoutNanos}, or until
     * the peer's own FIN — then close. A plain close with unread input makes the kernel answer with a reset, which
     * can destroy the response still on its way to the peer (RFC 9112 §9.6; nginx's lingering close). Never
     * throws: a peer that went away or stays silent just ends it sooner.
     *
     * @param maxBytes     input to discard at most
     * @param timeoutNanos how long to wait for it at most
     */
    public void closeLingering(long maxBytes, long timeoutNanos) {
        try {
            shutdownOutput();
            byte[] sink = new byte[8192];
            long left = maxBytes;
            long deadline = System.nanoTime() + timeoutNanos;
            while (left > 0) {
                long timeout = deadline - System.nanoTime();
                int n = timeout <= 0 ? -1 : read(sink, 0, (int) Math.min(sink.length, left), timeout);
                if (n < 0) {
                    break;
                }
                left -= n;
            }
        } catch (IOException e) {
            // the peer went away or stayed silent: either way it is closed now
        } finally {
            close();
        }
    }

    /**
     * True once the server has begun to close: a read that would wait between exchanges now returns end of
     * stream, and a response written now should tell the peer that the connection ends after it (HTTP:
     * {@code Connection: close}).
     *
     * @return whether the server is draining
     */
    public boolean isDraining() {
        return serverDraining.getAsBoolean();
    }

    /**
     * A stream view of {@link #read(byte[], int, int)}; closing it closes the connection.
     *
     * @return the stream (one per connection)
     */
    public InputStream input() {
        if (input == null) {
            input = new ConnectionStreams.In(this);
        }
        return input;
    }

    /**
     * A stream view of {@link #write(byte[], int, int)}, unbuffered; closing it closes the connection.
     *
     * @return the stream (one per connection)
     */
    public OutputStream output() {
        if (output == null) {
            output = new ConnectionStreams.Out(this);
        }
        return output;
    }

    /**
     * Half-close: sends FIN; reads still work.
     *
     * @throws IOException {@link FileClosedException} if the connection is closed, or the syscall's error
     */
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

    /**
     * The peer's address.
     *
     * @return the remote address and port
     * @throws IOException {@link FileClosedException} if the connection is closed, or the syscall's error
     */
    public InetSocketAddress peerAddress() throws IOException {
        return address(true);
    }

    /**
     * This end's address.
     *
     * @return the local address and port
     * @throws IOException {@link FileClosedException} if the connection is closed, or the syscall's error
     */
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

    /** Makes a reader parked on this connection look again (the server is closing: an idle one then ends). */
    void wakeReader() {
        item.signalInput();
    }

    /** The poll set the connection is registered in (its carrier runs the connection's thread). */
    int setIndex() {
        return item.setIndex();
    }

    /** The connection's fd (thread names, events). */
    int fd() {
        return file.fd();
    }

    /** Emits the JFR close event (when enabled); called by the server on the handler thread as it ends. */
    void recordClose(String cause) {
        ConnectionEvents.closed(file.fd(), openedAtNanos, bytesIn, bytesOut, cause);
    }

    /**
     * Whether the connection is still open: true until it is closed, by its handler's end or by the server.
     *
     * @return true while open
     */
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

package dev.weft.poller;

import dev.weft.poller.sys.Errno;
import dev.weft.poller.sys.ErrnoException;
import dev.weft.poller.sys.Fds;
import dev.weft.poller.sys.Sockets;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Blocking-style I/O on a registered, non-blocking fd: try the syscall; on EAGAIN park on the item until the
 * poller reports readiness; repeat. Works from virtual and platform threads alike; no thread ever blocks in
 * the kernel. Each syscall is made under a pin, so the fd cannot be closed and its number reused under it.
 *
 * <p>Timeouts are deadlines for the whole call ({@code timeoutNanos > 0}), counted from its first wait: the
 * non-blocking syscalls before it take microseconds, and a call that never waits reads no clock (most reads and
 * writes). {@link #NO_TIMEOUT} waits forever.
 * A wait that ends without readiness throws: {@link SocketTimeoutException} (deadline), {@link
 * InterruptedIOException} (interrupt; the thread's interrupt status stays set), {@link FileClosedException},
 * {@link SetClosedException}.
 */
public final class BlockingIo {
    /** Pass as {@code timeoutNanos} to wait without a deadline. */
    public static final long NO_TIMEOUT = Long.MAX_VALUE;

    private BlockingIo() {}

    private static final BooleanSupplier NEVER = () -> false;

    /**
     * Reads at least one byte into {@code dst}.
     *
     * @param item         the registration of the fd to read
     * @param dst          where to put the bytes
     * @param timeoutNanos a deadline for the whole call (&gt; 0), or {@link #NO_TIMEOUT}
     * @return the count, or 0 at end of stream (or for an empty dst)
     * @throws IOException {@link SocketTimeoutException}, {@link InterruptedIOException}, {@link
     *                     FileClosedException}, {@link SetClosedException}, or the syscall's error
     */
    public static long read(Item item, MemorySegment dst, long timeoutNanos) throws IOException {
        return read(item, dst, timeoutNanos, NEVER);
    }

    /**
     * Like {@link #read(Item, MemorySegment, long)}, but asks {@code stopWaiting} each time the read would have
     * to wait (after a non-blocking attempt found nothing): when it says so, returns {@link Errno#WOULD_BLOCK}
     * having read nothing. A thread parked meanwhile must be woken to ask again ({@link Item#signalInput()}).
     *
     * @param item         the registration of the fd to read
     * @param dst          where to put the bytes
     * @param timeoutNanos a deadline for the whole call (&gt; 0), or {@link #NO_TIMEOUT}
     * @param stopWaiting  true when the caller would rather stop than wait
     * @return the count, 0 at end of stream, or {@link Errno#WOULD_BLOCK} when it stopped instead of waiting
     * @throws IOException as {@link #read(Item, MemorySegment, long)}
     */
    public static long read(Item item, MemorySegment dst, long timeoutNanos, BooleanSupplier stopWaiting)
            throws IOException {
        checkTimeout(timeoutNanos);
        long deadline = NOT_WAITED;
        for (;;) {
            long n = tryRead(item, dst);
            if (n != Errno.WOULD_BLOCK || stopWaiting.getAsBoolean()) {
                return n;
            }
            deadline = await(item, true, deadline, timeoutNanos);
        }
    }

    /**
     * One non-blocking read attempt, recv(2) on a {@linkplain PollFile#ofSocket socket}, read(2) otherwise: the
     * byte count, 0 at end of stream, or {@link Errno#WOULD_BLOCK}.
     */
    private static long tryRead(Item item, MemorySegment dst) throws IOException {
        PollFile file = item.file();
        file.pinOrThrow();
        try {
            return file.isSocket() ? Sockets.recv(file.fd(), dst, 0, item.readErrno)
                    : Fds.read(file.fd(), dst, item.readErrno);
        } finally {
            file.unpin();
        }
    }

    /**
     * One non-blocking write attempt, send(2) on a {@linkplain PollFile#ofSocket socket} or with MSG_MORE, write(2)
     * otherwise: the bytes written (maybe fewer than asked), or {@link Errno#WOULD_BLOCK}.
     */
    private static long tryWrite(Item item, MemorySegment src, long count, boolean more) throws IOException {
        PollFile file = item.file();
        file.pinOrThrow();
        try {
            if (more || file.isSocket()) {
                int flags = more ? Sockets.MSG_MORE | Sockets.MSG_NOSIGNAL : Sockets.MSG_NOSIGNAL;
                return Sockets.send(file.fd(), src, count, flags, item.writeErrno);
            }
            return Fds.write(file.fd(), src, count, item.writeErrno);
        } finally {
            file.unpin();
        }
    }

    /**
     * Writes all of {@code src}, parking whenever the socket buffer is full.
     *
     * @param item         the registration of the fd to write
     * @param src          the bytes
     * @param timeoutNanos a deadline for the whole call (&gt; 0), or {@link #NO_TIMEOUT}
     * @throws IOException as {@link #read(Item, MemorySegment, long)}
     */
    public static void write(Item item, MemorySegment src, long timeoutNanos) throws IOException {
        write(item, src, src.byteSize(), timeoutNanos, false);
    }

    /**
     * Like {@link #write(Item, MemorySegment, long)}, for the first {@code length} bytes of {@code src}: a pooled
     * buffer's one segment serves every response length, with no slice (one object) per write.
     *
     * @param item         the registration of the fd to write
     * @param src          the bytes
     * @param length       how many of them, from the start (0..src.byteSize())
     * @param timeoutNanos a deadline for the whole call (&gt; 0), or {@link #NO_TIMEOUT}
     * @throws IOException as {@link #read(Item, MemorySegment, long)}
     */
    public static void write(Item item, MemorySegment src, long length, long timeoutNanos) throws IOException {
        write(item, src, length, timeoutNanos, false);
    }

    /**
     * Like {@link #write(Item, MemorySegment, long)}, for the last bytes before the fd's FIN (close, or shutdown
     * of output): each send carries MSG_MORE, so the kernel keeps the last partial segment until the FIN goes
     * out in it — one segment for both, and one acknowledgement. It also leaves with the next write, or at TCP's
     * cork ceiling (about 200 ms, tcp(7)) if the FIN is late.
     *
     * @param item         the registration of the socket to write
     * @param src          the bytes
     * @param timeoutNanos a deadline for the whole call (&gt; 0), or {@link #NO_TIMEOUT}
     * @throws IOException as {@link #read(Item, MemorySegment, long)}
     */
    public static void writeBeforeClose(Item item, MemorySegment src, long timeoutNanos) throws IOException {
        write(item, src, src.byteSize(), timeoutNanos, true);
    }

    /**
     * Like {@link #writeBeforeClose(Item, MemorySegment, long)}, for the first {@code length} bytes of {@code src}.
     *
     * @param item         the registration of the socket to write
     * @param src          the bytes
     * @param length       how many of them, from the start (0..src.byteSize())
     * @param timeoutNanos a deadline for the whole call (&gt; 0), or {@link #NO_TIMEOUT}
     * @throws IOException as {@link #read(Item, MemorySegment, long)}
     */
    public static void writeBeforeClose(Item item, MemorySegment src, long length, long timeoutNanos)
            throws IOException {
        write(item, src, length, timeoutNanos, true);
    }

    private static void write(Item item, MemorySegment src, long length, long timeoutNanos, boolean more)
            throws IOException {
        Objects.checkFromToIndex(0, length, src.byteSize());
        checkTimeout(timeoutNanos);
        long deadline = NOT_WAITED;
        long offset = 0;
        while (offset < length) {
            long n = offset == 0 ? tryWrite(item, src, length, more) // the first try needs no slice
                    : tryWrite(item, src.asSlice(offset), length - offset, more);
            if (n == Errno.WOULD_BLOCK) {
                deadline = await(item, false, deadline, timeoutNanos);
            } else {
                offset += n;
            }
        }
    }

    /**
     * Accepts one connection on a listening socket.
     *
     * @param item         the registration of the listening socket
     * @param timeoutNanos a deadline for the whole call (&gt; 0), or {@link #NO_TIMEOUT}
     * @return the new fd (O_NONBLOCK | O_CLOEXEC)
     * @throws IOException as {@link #read(Item, MemorySegment, long)}; EMFILE and the like as ErrnoException
     */
    public static int accept(Item item, long timeoutNanos) throws IOException {
        checkTimeout(timeoutNanos);
        long deadline = NOT_WAITED;
        for (;;) {
            PollFile file = item.file();
            file.pinOrThrow();
            int fd;
            try {
                fd = Sockets.accept(file.fd(), item.readErrno); // accepting is the item's one reader
            } finally {
                file.unpin();
            }
            if (fd != Errno.WOULD_BLOCK) {
                return fd;
            }
            deadline = await(item, true, deadline, timeoutNanos);
        }
    }

    /**
     * Connects a registered, non-blocking socket: EINPROGRESS parks until writable, then reads SO_ERROR.
     *
     * @param item         the registration of the socket
     * @param address      where to connect
     * @param timeoutNanos a deadline for the whole call (&gt; 0), or {@link #NO_TIMEOUT}
     * @throws IOException as {@link #read(Item, MemorySegment, long)}; a refused connection as ErrnoException
     */
    public static void connect(Item item, InetSocketAddress address, long timeoutNanos) throws IOException {
        checkTimeout(timeoutNanos);
        long deadline = NOT_WAITED;
        PollFile file = item.file();
        file.pinOrThrow();
        int r;
        try {
            r = Sockets.connectRaw(file.fd(), address);
        } finally {
            file.unpin();
        }
        if (r == 0) {
            return;
        }
        if (r != -Errno.EINPROGRESS) {
            throw new ErrnoException("connect(" + address + ")", file.fd(), -r);
        }
        // A socket registered before connect reports EPOLLHUP at its ADD (an unconnected TCP socket is "hung
        // up"), so one READY is not proof of a connection: re-check after every wake-up.
        for (;;) {
            deadline = await(item, false, deadline, timeoutNanos);
            file.pinOrThrow();
            try {
                int error = Sockets.getInt(file.fd(), Sockets.SOL_SOCKET, Sockets.SO_ERROR);
                if (error != 0) {
                    throw new ErrnoException("connect(" + address + ")", file.fd(), error);
                }
                if (Sockets.isConnected(file.fd())) {
                    return;
                }
            } finally {
                file.unpin();
            }
        }
    }

    /** A call's deadline before its first wait, and always for {@link #NO_TIMEOUT}. */
    private static final long NOT_WAITED = 0;

    private static void checkTimeout(long timeoutNanos) {
        if (timeoutNanos != NO_TIMEOUT) {
            Item.checkTimeout(timeoutNanos);
        }
    }

    /**
     * One wait of a call for input or output, within its deadline, or forever for {@link #NO_TIMEOUT}; throws
     * unless the wait ended in readiness.
     *
     * @param deadline the call's deadline, or NOT_WAITED before its first wait (which fixes it)
     * @return the call's deadline (System.nanoTime() based), or NOT_WAITED without a timeout
     */
    private static long await(Item item, boolean input, long deadline, long timeoutNanos) throws IOException {
        if (timeoutNanos == NO_TIMEOUT) {
            check(item, input ? item.awaitInput() : item.awaitOutput());
            return NOT_WAITED;
        }
        long remaining;
        if (deadline == NOT_WAITED) {
            long d = System.nanoTime() + timeoutNanos;
            deadline = d == NOT_WAITED ? 1 : d;
            remaining = timeoutNanos;
        } else {
            remaining = Math.max(1, deadline - System.nanoTime());
        }
        check(item, input ? item.awaitInput(remaining) : item.awaitOutput(remaining));
        return deadline;
    }

    private static void check(Item item, WaitResult result) throws IOException {
        switch (result) {
            case READY -> { }
            case TIMED_OUT -> throw new SocketTimeoutException("fd " + item.file().fd() + ": timed out");
            case INTERRUPTED -> throw new InterruptedIOException("fd " + item.file().fd() + ": interrupted");
            case FILE_CLOSED -> throw new FileClosedException(item.file().fd());
            case SET_CLOSED -> throw new SetClosedException("poll set " + item.setIndex());
        }
    }
}

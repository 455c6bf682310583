package dev.weft.poller.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Objects;

/**
 * Plain file-descriptor calls: read(2), write(2), close(2), fcntl(F_DUPFD_CLOEXEC), open(2). No policy.
 *
 * <p>{@code read}/{@code write} accept heap or native segments (critical downcalls, see {@link Libc}); they are
 * meant for O_NONBLOCK fds and return {@link Errno#WOULD_BLOCK} where the call would block.
 */
public final class Fds {
    public static final int O_RDONLY = 0;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;
    private static final int F_DUPFD_CLOEXEC = 1030;

    private static final MethodHandle READ =
            Libc.quick("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE =
            Libc.quick("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = Libc.quick("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FCNTL =
            Libc.quickVariadic("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), 2);
    private static final MethodHandle GETFL =
            Libc.quickVariadic("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), 2);
    private static final int F_GETFL = 3;
    // open(2) can sleep (a FIFO, NFS, a device): not a critical downcall.
    private static final MethodHandle OPEN =
            Libc.blockingVariadic("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), 2);

    private Fds() {}

    /** read(fd, dst, dst.byteSize()): bytes read, 0 at end of stream, or {@link Errno#WOULD_BLOCK}. */
    public static long read(int fd, MemorySegment dst) throws ErrnoException {
        return read(fd, dst, Errno.capture());
    }

    /**
     * Like {@link #read(int, MemorySegment)}, capturing errno into {@code errno} (from {@link Errno#capture()}),
     * which the caller owns and reuses: no allocation per call. One call at a time per segment.
     */
    public static long read(int fd, MemorySegment dst, MemorySegment errno) throws ErrnoException {
        long r;
        try {
            r = (long) READ.invokeExact(errno, fd, dst, dst.byteSize());
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        return Errno.checkNonBlocking("read", fd, Errno.raw(r, errno));
    }

    /** write(fd, src, src.byteSize()): bytes written (maybe fewer), or {@link Errno#WOULD_BLOCK}. */
    public static long write(int fd, MemorySegment src) throws ErrnoException {
        return write(fd, src, src.byteSize(), Errno.capture());
    }

    /**
     * write(fd, src, count): the first {@code count} bytes of {@code src}, so that a buffer's one segment serves
     * every length without a slice per call. Captures errno into the caller's reused {@code errno}.
     *
     * @throws IndexOutOfBoundsException unless 0 &lt;= count &lt;= src.byteSize()
     */
    public static long write(int fd, MemorySegment src, long count, MemorySegment errno) throws ErrnoException {
        Objects.checkFromToIndex(0, count, src.byteSize());
        long r;
        try {
            r = (long) WRITE.invokeExact(errno, fd, src, count);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        return Errno.checkNonBlocking("write", fd, Errno.raw(r, errno));
    }

    /**
     * close(2). On Linux the fd is released even when close reports EINTR, so EINTR is success here and is
     * never retried (a retry could close a number another thread was just given). weft never sets SO_LINGER,
     * so closing a non-blocking socket does not sleep.
     */
    public static void close(int fd) throws ErrnoException {
        MemorySegment errno = Errno.capture();
        int r;
        try {
            r = (int) CLOSE.invokeExact(errno, fd);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        long raw = Errno.raw(r, errno);
        if (raw != -Errno.EINTR) {
            Errno.check("close", fd, raw);
        }
    }

    /** fcntl(fd, F_DUPFD_CLOEXEC, 0): a second fd number for the same open file description. */
    public static int dup(int fd) throws ErrnoException {
        MemorySegment errno = Errno.capture();
        int r;
        try {
            r = (int) FCNTL.invokeExact(errno, fd, F_DUPFD_CLOEXEC, 0);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        return (int) Errno.check("fcntl(F_DUPFD_CLOEXEC)", fd, Errno.raw(r, errno));
    }

    /** fcntl(fd, F_GETFL): the file status flags (O_NONBLOCK, ...). */
    public static int statusFlags(int fd) throws ErrnoException {
        MemorySegment errno = Errno.capture();
        int r;
        try {
            r = (int) GETFL.invokeExact(errno, fd, F_GETFL);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        return (int) Errno.check("fcntl(F_GETFL)", fd, Errno.raw(r, errno));
    }

    /** open(path, flags | O_CLOEXEC). May sleep: call it from a platform thread or accept the pinning. */
    public static int open(String path, int flags) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cPath = arena.allocateFrom(path);
            MemorySegment errno = arena.allocate(EPoll.captureLayout());
            int r = (int) OPEN.invokeExact(errno, cPath, flags | O_CLOEXEC, 0);
            return (int) Errno.check("open(" + path + ")", -1, Errno.raw(r, errno));
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }
}

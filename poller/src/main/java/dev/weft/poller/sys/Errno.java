package dev.weft.poller.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * errno values (asm-generic, identical on x86_64 and aarch64; checked against the C headers by a test) and the
 * one boundary where a raw result of {@code -errno} becomes a value or a typed {@link ErrnoException}.
 *
 * <p>Raw bindings in this package return the syscall's result, or {@code -errno} when it failed. {@link #check}
 * turns any failure into an {@link ErrnoException}, and {@link #checkNonBlocking} is the one place EAGAIN is
 * tolerated (as {@link #WOULD_BLOCK}). The few other tolerated errnos are each handled, with a comment, in the
 * one binding they belong to: EINTR in {@link EPoll#await} and {@link Sockets#acceptBlocking} (retried) and
 * {@link Fds#close} (the fd is gone anyway), ENOTCONN in {@link Sockets#isConnected}; EINPROGRESS is
 * {@link Sockets#connectRaw}'s caller's.
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int EPIPE = 32;
    public static final int EADDRINUSE = 98;
    public static final int ECONNABORTED = 103;
    public static final int ECONNRESET = 104;
    public static final int ENOBUFS = 105;
    public static final int ENOTCONN = 107;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    public static final int EINPROGRESS = 115;

    /** What {@link #checkNonBlocking} returns for EAGAIN: the call would have blocked. */
    public static final long WOULD_BLOCK = -1;

    private static final StructLayout CAPTURE_LAYOUT = (StructLayout) java.lang.foreign.Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final int CAPTURE_INTS = (int) (CAPTURE_LAYOUT.byteSize() / Integer.BYTES);

    private Errno() {}

    /**
     * A fresh capture segment for a {@code quick} call: a tiny heap array, so no native memory per thread. A
     * caller that makes many calls (an item's reads) keeps one and passes it each time.
     *
     * @return the segment
     */
    public static MemorySegment capture() {
        return MemorySegment.ofArray(new int[CAPTURE_INTS]);
    }

    /** The errno a downcall captured into {@code capture}. */
    static int captured(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    /** Raw result ({@code r}, or {@code -errno} when negative) of a downcall whose errno went into capture. */
    static long raw(long result, MemorySegment capture) {
        return result >= 0 ? result : -captured(capture);
    }

    /** Returns {@code r} when the call succeeded, else throws the typed exception naming syscall and fd. */
    public static long check(String syscall, int fd, long r) throws ErrnoException {
        if (r >= 0) {
            return r;
        }
        throw new ErrnoException(syscall, fd, (int) -r);
    }

    /**
     * Like {@link #check}, but EAGAIN (== EWOULDBLOCK on Linux) on a non-blocking fd is not a failure: it means
     * "park until ready and try again", and comes back as {@link #WOULD_BLOCK}.
     */
    public static long checkNonBlocking(String syscall, int fd, long r) throws ErrnoException {
        if (r == -EAGAIN) {
            return WOULD_BLOCK;
        }
        return check(syscall, fd, r);
    }

    /** The symbolic name of an errno value, e.g. "EAGAIN", or "errno N" for one this class does not name. */
    public static String name(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case EINTR -> "EINTR";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EEXIST -> "EEXIST";
            case EINVAL -> "EINVAL";
            case ENFILE -> "ENFILE";
            case EMFILE -> "EMFILE";
            case EPIPE -> "EPIPE";
            case EADDRINUSE -> "EADDRINUSE";
            case ECONNABORTED -> "ECONNABORTED";
            case ECONNRESET -> "ECONNRESET";
            case ENOBUFS -> "ENOBUFS";
            case ENOTCONN -> "ENOTCONN";
            case ETIMEDOUT -> "ETIMEDOUT";
            case ECONNREFUSED -> "ECONNREFUSED";
            case EINPROGRESS -> "EINPROGRESS";
            default -> "errno " + errno;
        };
    }
}

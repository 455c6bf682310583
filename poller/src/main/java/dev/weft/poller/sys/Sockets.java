package dev.weft.poller.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Socket calls: socket, socketpair, setsockopt/getsockopt, bind, listen, accept4, connect, recv, send,
 * shutdown, getsockname, getpeername. No policy. Every socket is created O_NONBLOCK|O_CLOEXEC (SOCK_NONBLOCK,
 * SOCK_CLOEXEC; accept4 flags), so no call here ever blocks a thread — with one pair of exceptions:
 * {@link #blockingSocket} makes a listener that only platform threads accept from, through
 * {@link #acceptBlocking}, the one call here that sleeps (the sockets it returns are O_NONBLOCK again).
 */
public final class Sockets {
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_NONBLOCK = Fds.O_NONBLOCK;
    public static final int SOCK_CLOEXEC = Fds.O_CLOEXEC;

    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_ERROR = 4;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_KEEPALIVE = 9;
    public static final int SO_REUSEPORT = 15;
    public static final int IPPROTO_TCP = 6;
    public static final int TCP_NODELAY = 1;
    public static final int TCP_DEFER_ACCEPT = 9;
    public static final int TCP_INFO = 11;

    /** send(2) flag: more data follows; the kernel may keep a last partial segment until then (or the FIN). */
    public static final int MSG_MORE = 0x8000;
    /** send(2) flag: a write to a connection the peer has closed fails with EPIPE and raises no SIGPIPE. */
    public static final int MSG_NOSIGNAL = 0x4000;

    public static final int SHUT_RD = 0;
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;

    private static final MethodHandle SOCKET =
            Libc.quick("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SOCKETPAIR =
            Libc.quick("socketpair", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SETSOCKOPT = Libc.quick("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = Libc.quick("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final FunctionDescriptor FD_ADDR_LEN = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final FunctionDescriptor FD_ADDR_LENP = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle BIND = Libc.quick("bind", FD_ADDR_LEN);
    private static final MethodHandle CONNECT = Libc.quick("connect", FD_ADDR_LEN);
    private static final MethodHandle LISTEN = Libc.quick("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle ACCEPT4 =
            Libc.quick("accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle ACCEPT4_BLOCKING =
            Libc.blocking("accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle RECV =
            Libc.quick("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SEND =
            Libc.quick("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SHUTDOWN =
            Libc.quick("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle GETSOCKNAME = Libc.quick("getsockname", FD_ADDR_LENP);
    private static final MethodHandle GETPEERNAME = Libc.quick("getpeername", FD_ADDR_LENP);

    private Sockets() {}

    /** socket(domain, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0). */
    public static int socket(int domain) throws ErrnoException {
        MemorySegment errno = Errno.capture();
        int r;
        try {
            r = (int) SOCKET.invokeExact(errno, domain, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        return (int) Errno.check("socket", -1, Errno.raw(r, errno));
    }

    /**
     * socket(domain, SOCK_STREAM | SOCK_CLOEXEC, 0): a <em>blocking</em> socket, for a listener whose accepting
     * threads are platform threads sleeping in {@link #acceptBlocking}. setsockopt, bind, listen, getsockname and
     * shutdown never sleep on it; accept must only ever be {@link #acceptBlocking}.
     */
    public static int blockingSocket(int domain) throws ErrnoException {
        MemorySegment errno = Errno.capture();
        int r;
        try {
            r = (int) SOCKET.invokeExact(errno, domain, SOCK_STREAM | SOCK_CLOEXEC, 0);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        return (int) Errno.check("socket", -1, Errno.raw(r, errno));
    }

    /** socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC): two connected fds. */
    public static int[] socketpair() throws ErrnoException {
        int[] fds = new int[2];
        MemorySegment errno = Errno.capture();
        int r;
        try {
            r = (int) SOCKETPAIR.invokeExact(errno, SockAddr.AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
                    MemorySegment.ofArray(fds));
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        Errno.check("socketpair", -1, Errno.raw(r, errno));
        return fds;
    }

    public static void setInt(int fd, int level, int option, int value) throws ErrnoException {
        MemorySegment errno = Errno.capture();
        int r;
        try {
            r = (int) SETSOCKOPT.invokeExact(errno, fd, level, option, MemorySegment.ofArray(new int[] {value}),
                    Integer.BYTES);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        Errno.check("setsockopt(" + level + "," + option + ")", fd, Errno.raw(r, errno));
    }

    public static int getInt(int fd, int level, int option) throws ErrnoException {
        int[] value = new int[1];
        get(fd, level, option, MemorySegment.ofArray(value));
        return value[0];
    }

    /**
     * getsockopt(fd, level, option) into {@code value} (a structure: TCP_INFO...): the length the kernel wrote,
     * at most {@code value.byteSize()}.
     */
    public static int get(int fd, int level, int option, MemorySegment value) throws ErrnoException {
        int[] length = {(int) value.byteSize()};
        MemorySegment errno = Errno.capture();
        int r;
        try {
            r = (int) GETSOCKOPT.invokeExact(errno, fd, level, option, value, MemorySegment.ofArray(length));
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        Errno.check("getsockopt(" + level + "," + option + ")", fd, Errno.raw(r, errno));
        return length[0];
    }

    public static void bind(int fd, InetSocketAddress address) throws ErrnoException {
        MemorySegment storage = SockAddr.storage();
        int length = SockAddr.encode(address, storage);
        MemorySegment errno = Errno.capture();
        int r;
        try {
            r = (int) BIND.invokeExact(errno, fd, storage, length);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        Errno.check("bind(" + address + ")", fd, Errno.raw(r, errno));
    }

    public static void listen(int fd, int backlog) throws ErrnoException {
        MemorySegment errno = Errno.capture();
        int r;
        try {
            r = (int) LISTEN.invokeExact(errno, fd, backlog);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        Errno.check("listen", fd, Errno.raw(r, errno));
    }

    /**
     * accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC): the new fd, or {@link Errno#WOULD_BLOCK}. The peer
     * address is not copied out; {@link #peerAddress} reads it when someone asks.
     */
    public static int accept(int fd) throws ErrnoException {
        return accept(fd, Errno.capture());
    }

    /** Like {@link #accept(int)}, capturing errno into the caller's reused {@code errno}. */
    public static int accept(int fd, MemorySegment errno) throws ErrnoException {
        int r;
        try {
            r = (int) ACCEPT4.invokeExact(errno, fd, MemorySegment.NULL, MemorySegment.NULL,
                    SOCK_NONBLOCK | SOCK_CLOEXEC);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        return (int) Errno.checkNonBlocking("accept4", fd, Errno.raw(r, errno));
    }

    /**
     * accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC) on a blocking listener ({@link #blockingSocket}): sleeps
     * in the kernel until a connection is there, so platform threads only. {@code errno} is a native capture
     * segment of {@link EPoll#captureLayout()} owned by the caller. EINTR (a signal: a debugger, a profiler) is
     * retried here, and only here.
     */
    public static int acceptBlocking(int fd, MemorySegment errno) throws ErrnoException {
        assert !Thread.currentThread().isVirtual() : "a virtual thread must never block in accept4";
        for (;;) {
            int r;
            try {
                r = (int) ACCEPT4_BLOCKING.invokeExact(errno, fd, MemorySegment.NULL, MemorySegment.NULL,
                        SOCK_NONBLOCK | SOCK_CLOEXEC);
            } catch (Throwable t) {
                throw Libc.unexpected(t);
            }
            long raw = Errno.raw(r, errno);
            if (raw != -Errno.EINTR) {
                return (int) Errno.check("accept4", fd, raw);
            }
        }
    }

    /**
     * recv(fd, dst, dst.byteSize(), flags) on an O_NONBLOCK socket: bytes received, 0 at end of stream, or {@link
     * Errno#WOULD_BLOCK}. {@code dst} heap or native, {@code errno} the caller's reused capture, as {@link
     * Fds#read(int, MemorySegment, MemorySegment)}, which works on any fd; recv(2) works on sockets only
     * (ENOTSOCK) and skips the VFS layer read(2) goes through.
     */
    public static long recv(int fd, MemorySegment dst, int flags, MemorySegment errno) throws ErrnoException {
        long r;
        try {
            r = (long) RECV.invokeExact(errno, fd, dst, dst.byteSize(), flags);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        return Errno.checkNonBlocking("recv", fd, Errno.raw(r, errno));
    }

    /**
     * send(fd, src, count, flags) on an O_NONBLOCK socket: bytes sent of the first {@code count} of {@code src}
     * (maybe fewer), or {@link Errno#WOULD_BLOCK}. {@code src} heap or native, {@code errno} the caller's reused
     * capture, as {@link Fds#write(int, MemorySegment, long, MemorySegment)}.
     *
     * @throws IndexOutOfBoundsException unless 0 &lt;= count &lt;= src.byteSize()
     */
    public static long send(int fd, MemorySegment src, long count, int flags, MemorySegment errno)
            throws ErrnoException {
        Objects.checkFromToIndex(0, count, src.byteSize());
        long r;
        try {
            r = (long) SEND.invokeExact(errno, fd, src, count, flags);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        return Errno.checkNonBlocking("send", fd, Errno.raw(r, errno));
    }

    /** connect(2) on a non-blocking socket: 0 when connected, or {@code -errno} (EINPROGRESS: wait for output). */
    public static int connectRaw(int fd, InetSocketAddress address) {
        MemorySegment storage = SockAddr.storage();
        int length = SockAddr.encode(address, storage);
        MemorySegment errno = Errno.capture();
        int r;
        try {
            r = (int) CONNECT.invokeExact(errno, fd, storage, length);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        return (int) Errno.raw(r, errno);
    }

    public static void shutdown(int fd, int how) throws ErrnoException {
        MemorySegment errno = Errno.capture();
        int r;
        try {
            r = (int) SHUTDOWN.invokeExact(errno, fd, how);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        Errno.check("shutdown", fd, Errno.raw(r, errno));
    }

    /** True when the socket has a peer; ENOTCONN (still connecting, or never connected) is the false case. */
    public static boolean isConnected(int fd) throws ErrnoException {
        long raw = nameRaw(GETPEERNAME, fd, SockAddr.storage());
        if (raw == -Errno.ENOTCONN) {
            return false;
        }
        Errno.check("getpeername", fd, raw);
        return true;
    }

    public static InetSocketAddress localAddress(int fd) throws ErrnoException {
        return name(GETSOCKNAME, "getsockname", fd);
    }

    public static InetSocketAddress peerAddress(int fd) throws ErrnoException {
        return name(GETPEERNAME, "getpeername", fd);
    }

    private static InetSocketAddress name(MethodHandle call, String syscall, int fd) throws ErrnoException {
        MemorySegment storage = SockAddr.storage();
        Errno.check(syscall, fd, nameRaw(call, fd, storage));
        return SockAddr.decode(storage);
    }

    /** getsockname / getpeername into {@code storage}: 0 or {@code -errno}. */
    private static long nameRaw(MethodHandle call, int fd, MemorySegment storage) {
        int[] length = {SockAddr.STORAGE_BYTES};
        MemorySegment errno = Errno.capture();
        int r;
        try {
            r = (int) call.invokeExact(errno, fd, storage, MemorySegment.ofArray(length));
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        return Errno.raw(r, errno);
    }
}

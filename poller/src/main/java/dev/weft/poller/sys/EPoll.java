package dev.weft.poller.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

/**
 * epoll(7): epoll_create1, epoll_ctl, epoll_wait, and the layout of {@code struct epoll_event}. No policy.
 *
 * <pre>
 * typedef union epoll_data { void *ptr; int fd; uint32_t u32; uint64_t u64; } epoll_data_t;
 *
 * struct epoll_event {
 *     uint32_t     events;
 *     epoll_data_t data;
 * } EPOLL_PACKED;      // __attribute__((packed)) on x86_64 only: 12 bytes there, 16 elsewhere (aarch64, ...)
 * </pre>
 * weft puts a token (slot + generation) in {@code data.u64}, never an fd number.
 */
public final class EPoll {
    public static final int EPOLLIN = 0x001;
    public static final int EPOLLPRI = 0x002;
    public static final int EPOLLOUT = 0x004;
    public static final int EPOLLERR = 0x008;
    public static final int EPOLLHUP = 0x010;
    public static final int EPOLLRDHUP = 0x2000;
    public static final int EPOLLEXCLUSIVE = 1 << 28;
    public static final int EPOLLONESHOT = 1 << 30;
    public static final int EPOLLET = 1 << 31;

    public static final int EPOLL_CTL_ADD = 1;
    /**
     * Part of the facility, but weft never issues it: every file closes without DEL (the seed's pattern; close(2)
     * drops the registration). Only RegisterCloseBenchmark uses it, to compare DEL-then-close.
     */
    public static final int EPOLL_CTL_DEL = 2;
    public static final int EPOLL_CTL_MOD = 3;

    public static final int EPOLL_CLOEXEC = 0x80000; // == O_CLOEXEC

    /** {@code struct epoll_event} for this architecture. */
    public static final StructLayout EVENT = eventLayout(System.getProperty("os.arch"));
    public static final long EVENT_SIZE = EVENT.byteSize();
    private static final long EVENTS_OFFSET = EVENT.byteOffset(MemoryLayout.PathElement.groupElement("events"));
    private static final long DATA_OFFSET = EVENT.byteOffset(MemoryLayout.PathElement.groupElement("data"));

    private static final MethodHandle CREATE1 = Libc.quick("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle CTL =
            Libc.quick("epoll_ctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final FunctionDescriptor WAIT_DESCRIPTOR =
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    private static final MethodHandle WAIT_NOW = Libc.quick("epoll_wait", WAIT_DESCRIPTOR);
    private static final MethodHandle WAIT_BLOCKING = Libc.blocking("epoll_wait", WAIT_DESCRIPTOR);

    private EPoll() {}

    /** x86_64 packs the struct (no padding before {@code data}); every other Linux architecture aligns it. */
    static StructLayout eventLayout(String osArch) {
        boolean packed = osArch.equals("amd64") || osArch.equals("x86_64");
        return packed
                ? MemoryLayout.structLayout(JAVA_INT.withName("events"), JAVA_LONG_UNALIGNED.withName("data"))
                : MemoryLayout.structLayout(JAVA_INT.withName("events"), MemoryLayout.paddingLayout(4),
                        JAVA_LONG.withName("data"));
    }

    /** epoll_create1(EPOLL_CLOEXEC). */
    public static int create() throws ErrnoException {
        MemorySegment errno = Errno.capture();
        int r;
        try {
            r = (int) CREATE1.invokeExact(errno, EPOLL_CLOEXEC);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        return (int) Errno.check("epoll_create1", -1, Errno.raw(r, errno));
    }

    /**
     * epoll_ctl(epfd, op, fd, {events, data}); returns 0 or {@code -errno}. The caller must hold a reference on
     * the set that owns {@code epfd} and a pin on {@code fd}, so neither number can be closed and reused under it.
     */
    public static int ctlRaw(int epfd, int op, int fd, int events, long data) {
        // A heap segment is fine for a critical downcall: no malloc per call. long[2] covers both layouts.
        return ctlRaw(epfd, op, fd, events, data, MemorySegment.ofArray(new long[2]), Errno.capture());
    }

    /**
     * Like {@link #ctlRaw(int, int, int, int, long)}, with the caller's reused {@code event} (of {@link #EVENT}'s
     * size, heap or native) and errno capture: no allocation per call. One call at a time per pair of segments.
     */
    public static int ctlRaw(int epfd, int op, int fd, int events, long data, MemorySegment event,
                             MemorySegment errno) {
        event.set(JAVA_INT_UNALIGNED, EVENTS_OFFSET, events);
        event.set(JAVA_LONG_UNALIGNED, DATA_OFFSET, data);
        int r;
        try {
            r = (int) CTL.invokeExact(errno, epfd, op, fd, event);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        return (int) Errno.raw(r, errno);
    }

    public static void ctl(int epfd, int op, int fd, int events, long data) throws ErrnoException {
        Errno.check(opName(op), fd, ctlRaw(epfd, op, fd, events, data));
    }

    /** epoll_wait(epfd, events, maxEvents, 0): returns at once with the number of ready events. */
    public static int pollNow(int epfd, MemorySegment events, int maxEvents) throws ErrnoException {
        return pollNow(epfd, events, maxEvents, Errno.capture());
    }

    /** Like {@link #pollNow(int, MemorySegment, int)}, capturing errno into the caller's reused {@code errno}. */
    public static int pollNow(int epfd, MemorySegment events, int maxEvents, MemorySegment errno)
            throws ErrnoException {
        int r;
        try {
            r = (int) WAIT_NOW.invokeExact(errno, epfd, events, maxEvents, 0);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        return (int) Errno.check("epoll_wait", epfd, Errno.raw(r, errno));
    }

    /**
     * epoll_wait with a timeout (-1: forever), for platform threads only. {@code errno} is a native capture
     * segment of {@link #captureLayout()} owned by the caller. EINTR (a signal, e.g. from a debugger or a
     * profiler) is retried here, and only here, with the time that remains.
     */
    public static int await(int epfd, MemorySegment events, int maxEvents, int timeoutMillis, MemorySegment errno)
            throws ErrnoException {
        assert !Thread.currentThread().isVirtual() : "a virtual thread must never block in epoll_wait";
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        int timeout = timeoutMillis;
        for (;;) {
            int r;
            try {
                r = (int) WAIT_BLOCKING.invokeExact(errno, epfd, events, maxEvents, timeout);
            } catch (Throwable t) {
                throw Libc.unexpected(t);
            }
            long raw = Errno.raw(r, errno);
            if (raw != -Errno.EINTR) {
                return (int) Errno.check("epoll_wait", epfd, raw);
            }
            if (timeoutMillis > 0) {
                timeout = (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
            }
        }
    }

    /** The layout of the capture segment {@link #await} needs. */
    public static MemoryLayout captureLayout() {
        return java.lang.foreign.Linker.Option.captureStateLayout();
    }

    public static int events(MemorySegment buffer, int index) {
        return buffer.get(JAVA_INT_UNALIGNED, index * EVENT_SIZE + EVENTS_OFFSET);
    }

    public static long data(MemorySegment buffer, int index) {
        return buffer.get(JAVA_LONG_UNALIGNED, index * EVENT_SIZE + DATA_OFFSET);
    }

    private static String opName(int op) {
        return switch (op) {
            case EPOLL_CTL_ADD -> "epoll_ctl(ADD)";
            case EPOLL_CTL_MOD -> "epoll_ctl(MOD)";
            case EPOLL_CTL_DEL -> "epoll_ctl(DEL)";
            default -> "epoll_ctl(" + op + ")";
        };
    }
}

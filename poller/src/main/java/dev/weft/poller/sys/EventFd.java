package dev.weft.poller.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** eventfd(2), used to wake a poller thread. No policy. */
public final class EventFd {
    private static final int EFD_NONBLOCK = Fds.O_NONBLOCK;
    private static final int EFD_CLOEXEC = Fds.O_CLOEXEC;

    private static final MethodHandle EVENTFD =
            Libc.quick("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    private EventFd() {}

    /** eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC). */
    public static int create() throws ErrnoException {
        MemorySegment errno = Errno.capture();
        int r;
        try {
            r = (int) EVENTFD.invokeExact(errno, 0, EFD_NONBLOCK | EFD_CLOEXEC);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        return (int) Errno.check("eventfd", -1, Errno.raw(r, errno));
    }

    /** Adds 1 to the counter, making the fd readable. EAGAIN (counter saturated) already means "readable". */
    public static void signal(int fd) throws ErrnoException {
        MemorySegment one = MemorySegment.ofArray(new long[] {1});
        Fds.write(fd, one);
    }

    /** Reads and resets the counter; returns 0 when it was already 0. */
    public static long drain(int fd) throws ErrnoException {
        MemorySegment value = MemorySegment.ofArray(new long[1]);
        long n = Fds.read(fd, value);
        return n == Errno.WOULD_BLOCK ? 0 : value.get(JAVA_LONG, 0);
    }
}

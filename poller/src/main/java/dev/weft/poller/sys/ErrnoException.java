package dev.weft.poller.sys;

import java.io.IOException;

/** A syscall failed: names the syscall, the fd it was called on (-1 if none) and the errno. */
public final class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String syscall;
    private final int fd;
    private final int errno;

    public ErrnoException(String syscall, int fd, int errno) {
        super(syscall + (fd >= 0 ? "(fd " + fd + ")" : "()") + " failed: " + Errno.name(errno));
        this.syscall = syscall;
        this.fd = fd;
        this.errno = errno;
    }

    public String syscall() {
        return syscall;
    }

    public int fd() {
        return fd;
    }

    public int errno() {
        return errno;
    }

    /** The peer went away: ECONNRESET or EPIPE. */
    public boolean isConnectionReset() {
        return errno == Errno.ECONNRESET || errno == Errno.EPIPE;
    }

    /** The process or system ran out of descriptors or buffer memory (accept's back-off cases). */
    public boolean isResourceExhaustion() {
        return errno == Errno.EMFILE || errno == Errno.ENFILE || errno == Errno.ENOBUFS || errno == Errno.ENOMEM;
    }
}

package dev.weft.server;

import dev.weft.poller.sys.Errno;
import dev.weft.poller.sys.ErrnoException;
import dev.weft.poller.sys.Fds;
import dev.weft.poller.sys.Sockets;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One listening socket, the one <em>blocking</em> fd weft has: its acceptors are platform threads that sleep in
 * accept4 ({@link Sockets#acceptBlocking}), so a connection that finds the server idle wakes exactly the thread
 * that takes it — no poller in between, no readiness to re-arm, no EAGAIN accept after it (issue 13). It is never
 * registered in a poll set, and never passed to a critical downcall that could sleep.
 *
 * <pre>
 * Locking and lifetime (the close protocol of PollFile, for a file no poll set knows)
 *
 *   state  CAS only. bit 0: CLOSING; bits 1..: accepts in flight (threads that may pass fd to accept4).
 *          An accept enters only while not CLOSING. close() sets CLOSING holding an entry of its own, calls
 *          shutdown(fd, SHUT_RD) — which takes the socket out of LISTEN at once (queued and new connections
 *          are refused) and wakes every accept4 sleeping on it with EINVAL — and leaves. close(2) is called
 *          exactly once, by whoever leaves the word at (CLOSING, 0 in flight): so the fd number is never
 *          closed, and never reused by the kernel, while an acceptor may still pass it to accept4.
 *          (close(2) alone would neither wake a sleeping accept4 nor stop the socket accepting through it.)
 * </pre>
 */
final class ListeningSocket implements AutoCloseable {
    /** What {@link #accept} returns once the socket is closing: the accept loop ends. */
    static final int CLOSED = -1;
    private static final int CLOSING = 1;
    private static final int ONE_ACCEPT = 2;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(ListeningSocket.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int fd;
    private volatile int state; // CAS only: CLOSING | accepts in flight << 1

    /** Takes ownership of {@code fd}, a listening socket made by {@link Sockets#blockingSocket}. */
    ListeningSocket(int fd) {
        this.fd = fd;
    }

    int fd() {
        return fd;
    }

    boolean isOpen() {
        return (state & CLOSING) == 0;
    }

    /**
     * Sleeps until a connection comes and returns its fd (O_NONBLOCK), or {@link #CLOSED} once the socket is
     * closing. Platform threads only.
     *
     * @param errno a native capture segment the calling thread owns
     * @throws ErrnoException when accept4 fails otherwise (EMFILE, ECONNABORTED, ...)
     */
    int accept(MemorySegment errno) throws ErrnoException {
        if (!enter()) {
            return CLOSED;
        }
        try {
            return Sockets.acceptBlocking(fd, errno);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.EINVAL && !isOpen()) {
                return CLOSED; // woken by close()'s shutdown: the socket no longer listens
            }
            throw e;
        } finally {
            exit();
        }
    }

    /**
     * Stops accepting at once: connections queued or arriving are refused, sleeping accepts return
     * {@link #CLOSED}, and the fd is closed as the last of them leaves. Idempotent; never blocks.
     */
    @Override
    public void close() {
        for (;;) {
            int s = state;
            if ((s & CLOSING) != 0) {
                return;
            }
            if (STATE.compareAndSet(this, s, s + CLOSING + ONE_ACCEPT)) {
                break;
            }
        }
        try {
            Sockets.shutdown(fd, Sockets.SHUT_RD);
        } catch (ErrnoException e) {
            // ENOTCONN: it never listened (a failed start); close(2) below is all there is to do
        } finally {
            exit();
        }
    }

    private boolean enter() {
        for (;;) {
            int s = state;
            if ((s & CLOSING) != 0) {
                return false;
            }
            if (STATE.compareAndSet(this, s, s + ONE_ACCEPT)) {
                return true;
            }
        }
    }

    private void exit() {
        if ((int) STATE.getAndAdd(this, -ONE_ACCEPT) - ONE_ACCEPT == CLOSING) {
            try {
                Fds.close(fd);
            } catch (ErrnoException e) {
                throw new AssertionError("fd closed behind weft's back: " + e.getMessage(), e);
            }
        }
    }
}

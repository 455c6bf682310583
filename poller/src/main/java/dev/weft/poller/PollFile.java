package dev.weft.poller;

import dev.weft.poller.sys.ErrnoException;
import dev.weft.poller.sys.Fds;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One open file descriptor, ≈ the kernel's {@code struct file}: the fd, a close state machine with a pin count
 * of in-flight operations, and the list of this file's items (its registrations, one per poll set it is in).
 *
 * <pre>
 * Locking and lifetime
 *
 *   state   CAS only. One word: bits 0-1 the phase, bits 2.. the pin count.
 *             phase  OPEN (0) -> CLOSING (1) -> CLOSED (2), monotonic.
 *             pins   threads using the fd number right now (a syscall, an epoll_ctl on it).
 *           pin() succeeds only while OPEN. close(2) is called exactly once, by whoever leaves the word at
 *           (CLOSING, 0 pins): close() itself, or the unpin() of the last in-flight operation. So the fd number
 *           is never closed, and never reused by the kernel, while any thread may still pass it to a syscall.
 *
 *   lock    ≈ file->f_lock. Guards the item list (firstItem, Item.nextInFile) and Item.dying. Nests inside
 *           PollSet.lock (set first, then file), never the other way round; held only for list surgery.
 * </pre>
 *
 * Closing (≈ eventpoll_release_file): CLOSING is published first (with a pin held by the closer, so close(2)
 * comes only after every item is released), so no new item can be linked; then each
 * item is taken off the list one at a time — marked dying under this lock, unlinked from its set under the
 * set's lock, its waiters woken with {@link WaitResult#FILE_CLOSED}, and its set reference dropped after the
 * set's lock is released (CVE-2025-38349). No EPOLL_CTL_DEL is issued: close(2) drops the kernel registration.
 */
public final class PollFile implements AutoCloseable {
    private static final int OPEN = 0;
    private static final int CLOSING = 1;
    private static final int CLOSED = 2;
    private static final int PHASE_MASK = 3;
    private static final int ONE_PIN = 4;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(PollFile.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int fd;
    private final boolean socket; // reads and writes go through recv(2)/send(2) (see ofSocket)
    private volatile int state; // CAS only: phase | pins << 2
    final ReentrantLock lock = new ReentrantLock();
    private Item firstItem; // guarded by lock

    private PollFile(int fd, boolean socket) {
        if (fd < 0) {
            throw new IllegalArgumentException("not a file descriptor: " + fd);
        }
        this.fd = fd;
        this.socket = socket;
    }

    /**
     * Takes ownership of {@code fd}; from now on only {@link #close()} closes it. The fd must be O_NONBLOCK
     * (checked here with one fcntl): weft's syscalls are critical downcalls that must never sleep.
     *
     * @param fd an open, non-blocking fd
     * @return the file
     * @throws IllegalArgumentException if the fd is blocking
     * @throws ErrnoException           if the fd is not open
     */
    public static PollFile of(int fd) throws ErrnoException {
        if ((Fds.statusFlags(fd) & Fds.O_NONBLOCK) == 0) {
            throw new IllegalArgumentException("fd " + fd + " is blocking; weft needs O_NONBLOCK fds");
        }
        return new PollFile(fd, false);
    }

    /**
     * Like {@link #of} without the fcntl, for fds weft created O_NONBLOCK itself (socket with SOCK_NONBLOCK,
     * accept4 with SOCK_NONBLOCK): the per-connection path saves a syscall. Checked only under -ea.
     *
     * @param fd an open fd weft created non-blocking
     * @return the file
     */
    public static PollFile ofNonBlocking(int fd) {
        assert isNonBlocking(fd) : "fd " + fd + " is blocking";
        return new PollFile(fd, false);
    }

    /**
     * Like {@link #ofNonBlocking}, for a socket: {@link BlockingIo} then reads with recv(2) and writes with
     * send(2) (MSG_NOSIGNAL), which skip the VFS layer that read(2) and write(2) go through: on loopback about
     * 100 ns less per read and 200 ns less per write (docs/benchmarks.md). A socket registered with {@link #of}
     * or {@link #ofNonBlocking} works too, through read(2) and write(2); a file that is not a socket must not
     * come through here (its reads and writes would fail with ENOTSOCK).
     *
     * @param fd an open socket weft created non-blocking (socket or accept4 with SOCK_NONBLOCK)
     * @return the file
     */
    public static PollFile ofSocket(int fd) {
        assert isNonBlocking(fd) : "fd " + fd + " is blocking";
        return new PollFile(fd, true);
    }

    private static boolean isNonBlocking(int fd) {
        try {
            return (Fds.statusFlags(fd) & Fds.O_NONBLOCK) != 0;
        } catch (ErrnoException e) {
            return false;
        }
    }

    /**
     * The fd number. Pass it to a syscall only while holding a pin.
     *
     * @return the fd
     */
    public int fd() {
        return fd;
    }

    /** Whether this file came through {@link #ofSocket}: read with recv(2), written with send(2). */
    boolean isSocket() {
        return socket;
    }

    /**
     * Marks one in-flight use of the fd.
     *
     * @return true if pinned; false (nothing taken) when the file is closing or closed
     */
    public boolean pin() {
        for (;;) {
            int s = state;
            if ((s & PHASE_MASK) != OPEN) {
                return false;
            }
            if (STATE.compareAndSet(this, s, s + ONE_PIN)) {
                return true;
            }
        }
    }

    /** Ends an in-flight use; the last one out of a closing file closes the fd. */
    public void unpin() {
        int s = (int) STATE.getAndAdd(this, -ONE_PIN) - ONE_PIN;
        assert s >= 0 : "unpin without pin";
        if (s == CLOSING) {
            finishClose();
        }
    }

    /** Pins the file or throws {@link FileClosedException}. */
    void pinOrThrow() throws FileClosedException {
        if (!pin()) {
            throw new FileClosedException(fd);
        }
    }

    /**
     * Whether the file is open (not closing or closed).
     *
     * @return true while open
     */
    public boolean isOpen() {
        return (state & PHASE_MASK) == OPEN;
    }

    /**
     * Whether close(2) has been called (the last pin is gone after close()).
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return (state & PHASE_MASK) == CLOSED;
    }

    /**
     * Closes the file: releases every item (waking its waiters with {@link WaitResult#FILE_CLOSED}), then
     * closes the fd as soon as no operation holds a pin. Idempotent; never blocks on other threads' I/O.
     */
    @Override
    public void close() {
        for (;;) {
            int s = state;
            if ((s & PHASE_MASK) != OPEN) {
                return; // closing twice is a no-op
            }
            // CLOSING, plus a pin of our own: close(2) waits until every item has been released.
            if (STATE.compareAndSet(this, s, (s & ~PHASE_MASK) + CLOSING + ONE_PIN)) {
                break;
            }
        }
        try {
            releaseItems();
        } finally {
            unpin();
        }
    }

    /** ≈ eventpoll_release_file: one item at a time, marked dying under our lock, removed under its set's. */
    private void releaseItems() {
        for (;;) {
            Item item;
            lock.lock();
            try {
                item = firstItem;
                if (item == null) {
                    return;
                }
                item.dying = true;
            } finally {
                lock.unlock();
            }
            // The item's own reference keeps its set alive until item.set.removeDying returns.
            item.set.removeDying(item);
        }
    }

    private void finishClose() {
        if (STATE.compareAndSet(this, CLOSING, CLOSED)) {
            try {
                Fds.close(fd);
            } catch (ErrnoException e) {
                throw new AssertionError("fd closed behind weft's back: " + e.getMessage(), e);
            }
        }
    }

    // ---- the item list; every method below must be called with lock held ----

    /** Links a new item, or returns false when the file is already closing (the item must not be linked). */
    boolean linkItem(Item item) {
        assert lock.isHeldByCurrentThread();
        if (!isOpen()) {
            return false;
        }
        item.nextInFile = firstItem;
        firstItem = item;
        return true;
    }

    void unlinkItem(Item item) {
        assert lock.isHeldByCurrentThread();
        if (firstItem == item) {
            firstItem = item.nextInFile;
        } else {
            Item prev = firstItem;
            while (prev != null && prev.nextInFile != item) {
                prev = prev.nextInFile;
            }
            assert prev != null : "item not on its file's list";
            prev.nextInFile = item.nextInFile;
        }
        item.nextInFile = null;
    }

    @Override
    public String toString() {
        int s = state;
        String phase = switch (s & PHASE_MASK) {
            case OPEN -> "open";
            case CLOSING -> "closing";
            default -> "closed";
        };
        return "PollFile[fd=" + fd + ", " + phase + ", pins=" + (s >>> 2) + "]";
    }
}

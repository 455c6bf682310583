package dev.weft.poller;

import dev.weft.poller.sys.EPoll;
import dev.weft.poller.sys.ErrnoException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * One registration of one file in one poll set, ≈ the kernel's {@code struct epitem}; the place threads park
 * until the file is ready. Registered once, edge-triggered, for input and RDHUP; output interest is added with
 * one EPOLL_CTL_MOD the first time a writer must wait (an EPOLLOUT in the first ADD would make every fresh
 * socket "ready" at once and wake the poller for nothing: ../shared/notes/connection-cost.md).
 *
 * <pre>
 * Locking and lifetime
 *
 *   ready     CAS only. Bits: IN, OUT (an edge arrived and nobody consumed it yet), FILE_CLOSED, SET_CLOSED
 *             (the item was released; set once, never cleared). The poller thread ORs readiness in; a
 *             waiter clears the bit it consumes; release() ORs a closed bit in.
 *   reader,   CAS only. The thread waiting for input / output, or null. At most one per direction: a second
 *   writer    waiter gets IllegalStateException (one reader and one writer per registration is the contract,
 *             as for a socket's read and write locks).
 *   dying,    guarded by file.lock (≈ epi->dying, epi->fllink). dying: file close owns this item's removal, so
 *   nextInFile set close must skip it.
 *   outputArmed  written only by the claimed writer, before it parks; read racily by the registry dump.
 *   readDeadline, volatile; written by the claimed reader / writer around a coarse wait, read by the
 *   writeDeadline  TimeoutSweeper. A sweep that misses a just-published deadline catches it one tick later.
 *
 *   No lost wake-up: a waiter publishes itself (CAS), then reads ready; the poller publishes ready
 *   (getAndBitwiseOr), then reads the waiter. Both are volatile accesses, so one of them sees the other.
 *   The item holds one reference on its set from registration until it is released (removed from the set).
 * </pre>
 */
public final class Item {
    static final int IN = 1;
    static final int OUT = 2;
    static final int FILE_CLOSED = 4;
    static final int SET_CLOSED = 8;
    private static final int CLOSED_MASK = FILE_CLOSED | SET_CLOSED;

    /** Interest registered at ADD: input and peer half-close, edge-triggered. */
    static final int INPUT_EVENTS = EPoll.EPOLLIN | EPoll.EPOLLRDHUP | EPoll.EPOLLET;
    static final int INPUT_OUTPUT_EVENTS = INPUT_EVENTS | EPoll.EPOLLOUT;

    private static final VarHandle READY;
    private static final VarHandle READER;
    private static final VarHandle WRITER;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            READY = l.findVarHandle(Item.class, "ready", int.class);
            READER = l.findVarHandle(Item.class, "reader", Thread.class);
            WRITER = l.findVarHandle(Item.class, "writer", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final PollSet set;
    final PollFile file;
    final long token;

    private volatile int ready;       // CAS only
    private volatile Thread reader;   // CAS only
    private volatile Thread writer;   // CAS only
    private volatile long readDeadline;   // written by the claimed reader; 0 = no coarse deadline
    private volatile long writeDeadline;  // written by the claimed writer; 0 = no coarse deadline
    private boolean outputArmed;      // written only by the writer
    boolean dying;                    // guarded by file.lock
    Item nextInFile;                  // guarded by file.lock

    Item(PollSet set, PollFile file, long token) {
        this.set = set;
        this.file = file;
        this.token = token;
    }

    public PollFile file() {
        return file;
    }

    /** The 64-bit value in this registration's epoll_event.data: slot (low 32 bits) and generation. */
    public long token() {
        return token;
    }

    /** Index of the poll set this item belongs to. */
    public int setIndex() {
        return set.index;
    }

    /** True once the item was released (file closed or set closed). */
    public boolean isReleased() {
        return (ready & CLOSED_MASK) != 0;
    }

    /** Parks until input is ready, without a deadline. */
    public WaitResult awaitInput() {
        claim(READER, IN);
        try {
            return park(IN, 0L, false);
        } finally {
            READER.setVolatile(this, (Thread) null);
        }
    }

    /** Parks until input is ready or {@code timeoutNanos} (> 0) have passed. */
    public WaitResult awaitInput(long timeoutNanos) {
        long deadline = deadline(timeoutNanos);
        claim(READER, IN);
        try {
            return park(IN, deadline, true);
        } finally {
            READER.setVolatile(this, (Thread) null);
        }
    }

    /** Parks until the file accepts output (adding EPOLLOUT interest the first time), without a deadline. */
    public WaitResult awaitOutput() throws ErrnoException {
        return awaitOutput(0L, false);
    }

    /** Parks until the file accepts output or {@code timeoutNanos} (> 0) have passed. */
    public WaitResult awaitOutput(long timeoutNanos) throws ErrnoException {
        return awaitOutput(deadline(timeoutNanos), true);
    }

    private WaitResult awaitOutput(long deadline, boolean timed) throws ErrnoException {
        claim(WRITER, OUT);
        try {
            WaitResult armed = armOutput();
            return armed != null ? armed : park(OUT, deadline, timed);
        } finally {
            WRITER.setVolatile(this, (Thread) null);
        }
    }

    static long deadline(long timeoutNanos) {
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeoutNanos + " ns");
        }
        return System.nanoTime() + timeoutNanos;
    }

    /** Becomes the one waiter in this direction, or throws. */
    private void claim(VarHandle waiterSlot, int bit) {
        if (!waiterSlot.compareAndSet(this, (Thread) null, Thread.currentThread())) {
            throw new IllegalStateException("fd " + file.fd() + ": another thread is already waiting for "
                    + (bit == IN ? "input" : "output") + " on this registration");
        }
    }

    /** Parks until {@code bit} is ready, the item is released, the thread is interrupted, or the deadline. */
    private WaitResult park(int bit, long deadline, boolean timed) {
        Thread me = Thread.currentThread();
        // Long timeouts are kept by the poller's sweeper (no timer task per wait); short ones by parkNanos.
        boolean coarse = timed && deadline - System.nanoTime() >= TimeoutSweeper.COARSE_FROM_NANOS;
        if (coarse) {
            setDeadline(bit, deadline == 0 ? 1 : deadline);
        }
        try {
            for (;;) {
                int r = ready;
                if ((r & CLOSED_MASK) != 0) {
                    return (r & FILE_CLOSED) != 0 ? WaitResult.FILE_CLOSED : WaitResult.SET_CLOSED;
                }
                if ((r & bit) != 0) {
                    READY.getAndBitwiseAnd(this, ~bit);
                    return WaitResult.READY;
                }
                if (me.isInterrupted()) {
                    return WaitResult.INTERRUPTED;
                }
                long remaining = timed ? deadline - System.nanoTime() : 0L;
                if (timed && remaining <= 0) {
                    return WaitResult.TIMED_OUT;
                }
                set.countPark();
                if (timed && !coarse) {
                    LockSupport.parkNanos(this, remaining);
                } else {
                    LockSupport.park(this); // a coarse deadline: the sweeper unparks us once it has passed
                }
            }
        } finally {
            if (coarse) {
                setDeadline(bit, 0);
            }
        }
    }

    private void setDeadline(int bit, long deadline) {
        if (bit == IN) {
            readDeadline = deadline;
        } else {
            writeDeadline = deadline;
        }
    }

    /** Called by the sweeper: unparks a waiter whose coarse deadline has passed (it then sees TIMED_OUT). */
    void expire(long now) {
        expire(reader, readDeadline, now);
        expire(writer, writeDeadline, now);
    }

    private static void expire(Thread waiter, long deadline, long now) {
        if (waiter != null && deadline != 0 && now - deadline >= 0) {
            LockSupport.unpark(waiter);
        }
    }

    /**
     * Adds EPOLLOUT to the registration once; null when armed, else the result that ends the wait. Must be
     * called by the claimed writer.
     */
    private WaitResult armOutput() throws ErrnoException {
        assert writer == Thread.currentThread();
        if (outputArmed) {
            return null;
        }
        if (!file.pin()) {
            return WaitResult.FILE_CLOSED;
        }
        try {
            if (!set.modify(file.fd(), INPUT_OUTPUT_EVENTS, token)) {
                return WaitResult.SET_CLOSED;
            }
            outputArmed = true;
            return null;
        } finally {
            file.unpin();
        }
    }

    /** Called by the poller thread with the events epoll reported for this item's token. */
    void ready(int events) {
        int bits = 0;
        if ((events & (EPoll.EPOLLIN | EPoll.EPOLLRDHUP | EPoll.EPOLLHUP | EPoll.EPOLLERR)) != 0) {
            bits |= IN;
        }
        if ((events & (EPoll.EPOLLOUT | EPoll.EPOLLHUP | EPoll.EPOLLERR)) != 0) {
            bits |= OUT;
        }
        READY.getAndBitwiseOr(this, bits);
        wake((bits & IN) != 0 ? reader : null);
        wake((bits & OUT) != 0 ? writer : null);
    }

    private void wake(Thread waiter) {
        if (waiter != null) {
            set.countWakeup();
            LockSupport.unpark(waiter);
        }
    }

    /** Marks the item released ({@link #FILE_CLOSED} or {@link #SET_CLOSED}) and wakes both waiters. */
    void release(int closedBit) {
        int before = (int) READY.getAndBitwiseOr(this, closedBit);
        assert (before & CLOSED_MASK) == 0 : "item released twice: " + this;
        Thread r = reader;
        if (r != null) {
            LockSupport.unpark(r);
        }
        Thread w = writer;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    /** One line of the registry dump, like a line of /proc/PID/fdinfo for an epoll fd. */
    ItemInfo info() {
        int r = ready;
        return new ItemInfo(TokenTable.slot(token), TokenTable.generation(token), token, file.fd(),
                outputArmed ? INPUT_OUTPUT_EVENTS : INPUT_EVENTS, (r & IN) != 0, (r & OUT) != 0,
                String.valueOf(reader), String.valueOf(writer));
    }

    @Override
    public String toString() {
        return "Item[set=" + set.index + ", token=0x" + Long.toHexString(token) + ", " + file + "]";
    }
}

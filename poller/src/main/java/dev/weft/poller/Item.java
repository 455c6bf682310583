package dev.weft.poller;

import dev.weft.poller.sys.EPoll;
import dev.weft.poller.sys.Errno;
import java.lang.foreign.MemorySegment;
import dev.weft.poller.sys.ErrnoException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * One registration of one file in one poll set, ≈ the kernel's {@code struct epitem}; the place threads park
 * until the file is ready. Registered once (EPOLL_CTL_ADD), edge-triggered, with no interest yet; input (and
 * RDHUP) interest is added with one EPOLL_CTL_MOD the first time a reader must wait, output the first time a
 * writer must. Why: an interest the fd already satisfies at ADD queues an event at once and wakes the poller for
 * nothing. For EPOLLOUT that is every fresh socket (../shared/notes/connection-cost.md); for EPOLLIN it is every
 * connection accepted with TCP_DEFER_ACCEPT, whose request is already there — and a connection-per-request
 * exchange that never has to wait then costs no poller wake-up at all. The MOD re-evaluates readiness, so
 * nothing that arrived before it is missed.
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
 *   interest  the epoll interest registered so far (EPOLLIN|EPOLLRDHUP, EPOLLOUT), only ever growing. Volatile
 *             for the lock-free "already armed?" check; changed only under this item's monitor, which also
 *             serialises the EPOLL_CTL_MODs so each carries the union (a reader and a writer arming at once
 *             must not drop each other's bit). The MOD's file pin and set reference are taken before the
 *             monitor and dropped after it: nothing is freed or closed under it.
 *   readDeadline, a coarse wait's deadline. 0: none. Negative: the wait's timeout, negated, published by the
 *   writeDeadline  claimed reader / writer as it parks — a waiter reads no clock. Positive: its System.nanoTime()
 *                 deadline, fixed by the TimeoutSweeper (CAS from the negative value) from a clock read after it
 *                 saw the timeout, so never before the wait began. The waiter clears it (0) as its wait ends; a
 *                 fix that comes after fails its CAS. (nanoTime is CLOCK_MONOTONIC on Linux, time since boot:
 *                 positive, so the signs cannot collide.)
 *                 Publishing a timeout (volatile) comes before waking the sweeper's Doze: a dozing sweeper sees
 *                 the wait at its last look or is woken.
 *
 *   A released item (a closed bit set) is never armed again: a late wait touches neither file nor set.
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

    /** The events of the ADD: edge-triggered, no interest yet (EPOLLERR and EPOLLHUP are always reported). */
    static final int REGISTERED_EVENTS = EPoll.EPOLLET;
    private static final int INPUT_INTEREST = EPoll.EPOLLIN | EPoll.EPOLLRDHUP;
    private static final int OUTPUT_INTEREST = EPoll.EPOLLOUT;

    private static final VarHandle READY;
    private static final VarHandle READER;
    private static final VarHandle WRITER;
    private static final VarHandle READ_DEADLINE;
    private static final VarHandle WRITE_DEADLINE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            READY = l.findVarHandle(Item.class, "ready", int.class);
            READER = l.findVarHandle(Item.class, "reader", Thread.class);
            WRITER = l.findVarHandle(Item.class, "writer", Thread.class);
            READ_DEADLINE = l.findVarHandle(Item.class, "readDeadline", long.class);
            WRITE_DEADLINE = l.findVarHandle(Item.class, "writeDeadline", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final PollSet set;
    final PollFile file;
    final long token;
    // errno capture for this registration's reads (accepts included) and writes, reused by every call (no
    // allocation per syscall). One reader and one writer at a time per registration (the contract above), so one
    // segment each.
    final MemorySegment readErrno = Errno.capture();
    final MemorySegment writeErrno = Errno.capture();

    private volatile int ready;       // CAS only
    private volatile Thread reader;   // CAS only
    private volatile Thread writer;   // CAS only
    private volatile long readDeadline;   // claimed reader; CAS by the sweeper. See the header
    private volatile long writeDeadline;  // claimed writer; CAS by the sweeper. See the header
    private volatile int interest;    // written under this item's monitor; see the header
    boolean dying;                    // guarded by file.lock
    Item nextInFile;                  // guarded by file.lock

    Item(PollSet set, PollFile file, long token) {
        this.set = set;
        this.file = file;
        this.token = token;
    }

    /**
     * The registered file.
     *
     * @return the file this item registers
     */
    public PollFile file() {
        return file;
    }

    /**
     * The 64-bit value in this registration's epoll_event.data: slot (low 32 bits) and generation.
     *
     * @return the token
     */
    public long token() {
        return token;
    }

    /**
     * Index of the poll set this item belongs to.
     *
     * @return the set index
     */
    public int setIndex() {
        return set.index;
    }

    /**
     * Whether the item was released (its file closed or its set closed).
     *
     * @return true once released
     */
    public boolean isReleased() {
        return (ready & CLOSED_MASK) != 0;
    }

    /**
     * Parks until input is ready (adding input interest the first time), without a deadline.
     *
     * @return how the wait ended
     * @throws ErrnoException if epoll refused the interest (EPOLL_CTL_MOD)
     */
    public WaitResult awaitInput() throws ErrnoException {
        return await(IN, READER, INPUT_INTEREST, 0L);
    }

    /**
     * Parks until input is ready or {@code timeoutNanos} have passed.
     *
     * @param timeoutNanos the longest wait (&gt; 0)
     * @return how the wait ended
     * @throws ErrnoException if epoll refused the interest (EPOLL_CTL_MOD)
     */
    public WaitResult awaitInput(long timeoutNanos) throws ErrnoException {
        return await(IN, READER, INPUT_INTEREST, checkTimeout(timeoutNanos));
    }

    /**
     * Parks until the file accepts output (adding output interest the first time), without a deadline.
     *
     * @return how the wait ended
     * @throws ErrnoException if epoll refused the interest (EPOLL_CTL_MOD)
     */
    public WaitResult awaitOutput() throws ErrnoException {
        return await(OUT, WRITER, OUTPUT_INTEREST, 0L);
    }

    /**
     * Parks until the file accepts output or {@code timeoutNanos} have passed.
     *
     * @param timeoutNanos the longest wait (&gt; 0)
     * @return how the wait ended
     * @throws ErrnoException if epoll refused the interest (EPOLL_CTL_MOD)
     */
    public WaitResult awaitOutput(long timeoutNanos) throws ErrnoException {
        return await(OUT, WRITER, OUTPUT_INTEREST, checkTimeout(timeoutNanos));
    }

    /** @param timeoutNanos the longest wait, or 0 for none */
    private WaitResult await(int bit, VarHandle waiterSlot, int wanted, long timeoutNanos) throws ErrnoException {
        claim(waiterSlot, bit);
        try {
            // A released item touches neither its file nor its set again: park() reports how it was released.
            WaitResult armed = isReleased() ? null : arm(wanted);
            return armed != null ? armed : park(bit, timeoutNanos);
        } finally {
            waiterSlot.setVolatile(this, (Thread) null);
        }
    }

    static long checkTimeout(long timeoutNanos) {
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeoutNanos + " ns");
        }
        return timeoutNanos;
    }

    /** Becomes the one waiter in this direction, or throws. */
    private void claim(VarHandle waiterSlot, int bit) {
        if (!waiterSlot.compareAndSet(this, (Thread) null, Thread.currentThread())) {
            throw new IllegalStateException("fd " + file.fd() + ": another thread is already waiting for "
                    + (bit == IN ? "input" : "output") + " on this registration");
        }
    }

    /**
     * Parks until {@code bit} is ready, the item is released, the thread is interrupted, or {@code timeoutNanos}
     * (0: none) have passed. A short timeout reads the clock once, to fix its deadline; a coarse one not at all
     * (the sweeper fixes its deadline). Either reads it again only after a wake-up that brought no readiness, so
     * keep-alive's wait for the next request reads no clock.
     */
    private WaitResult park(int bit, long timeoutNanos) {
        Thread me = Thread.currentThread();
        // Long timeouts are kept by the poller's sweeper (no timer task per wait); short ones by parkNanos.
        boolean coarse = timeoutNanos >= TimeoutSweeper.COARSE_FROM_NANOS;
        VarHandle deadlineSlot = bit == IN ? READ_DEADLINE : WRITE_DEADLINE;
        long deadline = 0L; // a short wait's; a coarse wait's is in deadlineSlot once the sweeper fixed it
        if (coarse) {
            deadlineSlot.setVolatile(this, -timeoutNanos);
            set.coarseWaitBegan(); // after the volatile write: a dozing sweeper sees it or is woken
        } else if (timeoutNanos != 0) {
            deadline = System.nanoTime() + timeoutNanos;
        }
        try {
            long remaining = timeoutNanos; // no wake-up yet: all of it
            for (boolean woken = false; ; woken = true) {
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
                if (woken && timeoutNanos != 0) {
                    long d = coarse ? (long) deadlineSlot.getVolatile(this) : deadline;
                    if (d > 0) { // a coarse deadline not yet fixed has not passed: it is fixed after the wait began
                        remaining = d - System.nanoTime();
                        if (remaining <= 0) {
                            return WaitResult.TIMED_OUT;
                        }
                    }
                }
                set.countPark();
                if (coarse || timeoutNanos == 0) {
                    LockSupport.park(this); // a coarse deadline: the sweeper unparks us once it has passed
                } else {
                    LockSupport.parkNanos(this, remaining);
                }
            }
        } finally {
            if (coarse) {
                deadlineSlot.setVolatile(this, 0L);
            }
        }
    }

    /**
     * Called by the sweeper with its clock: fixes the deadline of a coarse wait that began since its last sweep,
     * and unparks a waiter whose deadline has passed (it then sees TIMED_OUT). Returns the coarse waits it saw
     * (0 to 2).
     */
    int expire(long now) {
        return expire(reader, READ_DEADLINE, now) + expire(writer, WRITE_DEADLINE, now);
    }

    private int expire(Thread waiter, VarHandle deadlineSlot, long now) {
        long d = (long) deadlineSlot.getVolatile(this);
        if (d < 0) {
            // Read the clock after seeing the timeout: the deadline is never before the wait began. A wait that
            // ended meanwhile cleared the slot, and the CAS fails. A timeout of centuries saturates.
            long fixed = System.nanoTime() - d;
            deadlineSlot.compareAndSet(this, d, fixed > 0 ? fixed : Long.MAX_VALUE);
        } else if (waiter != null && d != 0 && now - d >= 0) {
            LockSupport.unpark(waiter);
        }
        return d == 0 ? 0 : 1;
    }

    /**
     * Adds {@code wanted} to the registration's interest with one EPOLL_CTL_MOD, unless already there; null when
     * armed, else the result that ends the wait. The caller holds this direction's waiter slot.
     *
     * <p>The file's pin and a set reference are taken before this item's monitor and dropped after it: the
     * monitor only serialises the MOD, and no reference is dropped (maybe freeing the set) and no close(2) runs
     * (a last unpin) while it is held (docs/design.md §3).
     */
    private WaitResult arm(int wanted) throws ErrnoException {
        if ((interest & wanted) == wanted) {
            return null;
        }
        if (!file.pin()) {
            return WaitResult.FILE_CLOSED;
        }
        try {
            if (!set.tryAcquire()) {
                return WaitResult.SET_CLOSED; // the set is dead: no MOD, and its epfd number may be another's now
            }
            try {
                synchronized (this) {
                    int union = interest | wanted;
                    if (union != interest) {
                        set.modify(file.fd(), union | EPoll.EPOLLET, token);
                        interest = union;
                    }
                }
                return null;
            } finally {
                set.release(1);
            }
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

    /**
     * Reports input readiness as if the poller had seen an edge: the reader parked on this item, if any, wakes
     * and retries its read. For a shutdown that wants idle readers to look again: each finds EAGAIN and sees why
     * it should stop. Harmless when nothing arrived: a {@link WaitResult#READY} always means "try the syscall
     * again", and under edge-triggered epoll the next real arrival still raises a new edge.
     */
    public void signalInput() {
        READY.getAndBitwiseOr(this, IN);
        Thread r = reader;
        if (r != null) {
            LockSupport.unpark(r);
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
                interest | EPoll.EPOLLET, (r & IN) != 0, (r & OUT) != 0,
                String.valueOf(reader), String.valueOf(writer));
    }

    @Override
    public String toString() {
        return "Item[set=" + set.index + ", token=0x" + Long.toHexString(token) + ", " + file + "]";
    }
}

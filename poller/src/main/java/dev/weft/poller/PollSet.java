package dev.weft.poller;

import dev.weft.poller.sys.EPoll;
import dev.weft.poller.sys.Errno;
import dev.weft.poller.sys.ErrnoException;
import dev.weft.poller.sys.EventFd;
import dev.weft.poller.sys.Fds;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One epoll set, ≈ the kernel's {@code struct eventpoll}: an epoll fd, a native event buffer, a wake-up eventfd,
 * the table that maps tokens to items, and the thread that polls it.
 *
 * <pre>
 * Locking and lifetime
 *
 *   Lock order: PollSet.lock -> PollFile.lock. No lock is global, and no lock is shared by two sets.
 *
 *   lock     ≈ ep->mtx. Guards changes to the token table (TokenTable), closing, and the
 *            linking of a new item into its file. EPOLL_CTL_ADD runs under it, as ep_insert does.
 *   refs     ≈ ep->refcount; CAS only. 1 for the owner (dropped by close()), 1 per item in the table, 1 for
 *            each poller thread while it runs (in CARRIER mode a held thread keeps its own until it leaves,
 *            and its successor has its own), and 1 for the duration of each epoll_ctl(MOD). Every syscall on
 *            epfd or wakeFd is made under a reference, so neither number can be closed and reused under a
 *            caller. The thread that drops the last reference frees the set (closes both fds, frees the
 *            native buffer) — exactly once. A reference is dropped only after this lock is released
 *            (CVE-2025-38349: a lock gives mutual exclusion, never ownership).
 *   tokens   changed under lock; read lock-free by the poller thread (which drops any event whose token
 *            does not match the item in its slot), the sweeper and the dump.
 *   closing  written under lock, read lock-free (volatile) by the poller thread and by Poller.register, which
 *            skips closing (dead) sets.
 *   counters polls, events, wakeups, staleEvents: written only by the poller thread, read racily by stats.
 *   failure  written once, by the thread that fails the set (its poller thread, or the master), before close().
 *
 * The poller thread survives a failed iteration (CriticalLoop): it wakes every item (a spurious readiness only
 * makes a waiter retry its syscall, while an edge lost with the failed iteration would strand it for good), backs
 * off and polls again. After CriticalLoop.GIVE_UP_AFTER failures in a row it gives up: fail() records why and
 * closes the set, and the Poller logs the death, counts it and stops giving the set new registrations.
 * </pre>
 *
 * Release paths (both take only this set's lock and one file's lock):
 * <ul>
 *   <li>set close, {@link #close()} ≈ ep_clear_and_put: mark closing, remove every item that is not dying,
 *       then drop one reference per removed item plus the owner's — after unlocking;</li>
 *   <li>file close, {@link #removeDying(Item)} ≈ the body of eventpoll_release_file: the file marked the item
 *       dying under its own lock; here it is removed under this lock and its reference dropped after it.</li>
 * </ul>
 */
final class PollSet {
    /** The wake-up eventfd's token; never a valid item token (slot 0xFFFFFFFF is never handed out). */
    static final long WAKE_TOKEN = -1L;
    private static final VarHandle REFS;

    static {
        try {
            REFS = MethodHandles.lookup().findVarHandle(PollSet.class, "refs", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final int index;
    private final Faults faults;
    private final Doze sweeper;                   // the poller's timeout sweeper's: coarse waits wake it
    private final int epfd;
    private final int wakeFd;
    private final Arena arena;
    private final MemorySegment events;
    private final MemorySegment addEvent;         // the ADD's struct epoll_event; used under lock
    private final MemorySegment addErrno;         // the ADD's errno capture; used under lock
    private final MemorySegment pollErrno;        // used only by the poller thread
    private final int maxEvents;

    final ReentrantLock lock = new ReentrantLock();
    private final TokenTable tokens = new TokenTable(); // changed under lock; read lock-free (its header)
    private volatile boolean closing;             // written under lock
    private volatile int refs = 1;                // CAS only; 1 = the owner's
    private volatile int frees;                   // written once, by the thread that drops the last reference
    private volatile Thread pollerThread;         // written before the poller thread starts (and by the watch when
                                                  // a successor takes a held carrier's loop over)

    private long registrations;                   // written under lock; read racily by info()
    private long releases;                        // written under lock; read racily by info()
    private final LongAdder parks = new LongAdder();
    private long polls;                           // written only by the poller thread
    private long polledEvents;                    // written only by the poller thread
    private long wakeups;                         // written only by the poller thread
    private long staleEvents;                     // written only by the poller thread
    volatile long wokenAtNanos;                   // written by the master before it unparks the virtual poller
    private volatile Throwable failure;           // written by the poller thread (or the master) when it dies
    private final CriticalLoop critical;          // used only by the poller thread

    private PollSet(int index, int epfd, int wakeFd, Arena arena, int maxEvents, Doze sweeper, Faults faults) {
        this.index = index;
        this.sweeper = sweeper;
        this.faults = faults;
        this.critical = new CriticalLoop("weft-poller-" + index);
        this.epfd = epfd;
        this.wakeFd = wakeFd;
        this.arena = arena;
        this.maxEvents = maxEvents;
        this.events = arena.allocate(EPoll.EVENT, maxEvents);
        this.addEvent = arena.allocate(EPoll.EVENT);
        this.addErrno = arena.allocate(EPoll.captureLayout());
        this.pollErrno = arena.allocate(EPoll.captureLayout());
    }

    /** Creates a set without failure injection (tests of bare sets). */
    static PollSet open(int index, int maxEvents) throws ErrnoException {
        return open(index, maxEvents, new Faults());
    }

    /** Creates a set with a sweeper of its own (tests of bare sets). */
    static PollSet open(int index, int maxEvents, Faults faults) throws ErrnoException {
        return open(index, maxEvents, new Doze(), faults);
    }

    /**
     * Creates a set whose coarse waits wake the poller's timeout sweeper through {@code sweeper}; if any step
     * fails, releases exactly what was acquired before it.
     */
    static PollSet open(int index, int maxEvents, Doze sweeper, Faults faults) throws ErrnoException {
        int epfd = -1;
        int wakeFd = -1;
        Arena arena = null;
        try {
            faults.at(Faults.Step.EPOLL_CREATE, index);
            epfd = EPoll.create();
            faults.at(Faults.Step.EVENTFD, index);
            wakeFd = EventFd.create();
            EPoll.ctl(epfd, EPoll.EPOLL_CTL_ADD, wakeFd, EPoll.EPOLLIN | EPoll.EPOLLET, WAKE_TOKEN);
            arena = faults.track(Arena.ofShared());
            return new PollSet(index, epfd, wakeFd, arena, maxEvents, sweeper, faults);
        } catch (Throwable e) {
            if (arena != null) {
                arena.close();
            }
            closeQuietly(wakeFd, e);
            closeQuietly(epfd, e);
            throw e;
        }
    }

    private static void closeQuietly(int fd, Throwable primary) {
        if (fd >= 0) {
            try {
                Fds.close(fd);
            } catch (ErrnoException suppressed) {
                primary.addSuppressed(suppressed);
            }
        }
    }

    // ---- references ----

    /** Takes a reference unless the set is already dead (≈ a get that fails on a zero count). */
    boolean tryAcquire() {
        for (;;) {
            int r = refs;
            if (r == 0) {
                return false;
            }
            if (REFS.compareAndSet(this, r, r + 1)) {
                return true;
            }
        }
    }

    /** Drops {@code n} references; the caller must not hold {@link #lock}. Frees the set on the last one. */
    void release(int n) {
        assert !lock.isHeldByCurrentThread() : "references are dropped only after unlocking (CVE-2025-38349)";
        int after = (int) REFS.getAndAdd(this, -n) - n;
        assert after >= 0 : "reference count underflow: " + after;
        if (after == 0) {
            free();
        }
    }

    /** Every use of epfd, wakeFd or the event buffer is made under a reference: the set cannot be freed yet. */
    private void assertAlive() {
        assert refs > 0 : "set " + index + " used after its last reference went";
    }

    private void free() {
        assert tokens.size() == 0 : "set freed with items still in its table";
        try {
            faults.at(Faults.Step.FREE, index);
        } catch (ErrnoException e) {
            throw new AssertionError(e);
        }
        frees++; // only the thread that took refs to 0 gets here
        try {
            Fds.close(wakeFd);
            Fds.close(epfd);
        } catch (ErrnoException e) {
            throw new AssertionError("set " + index + " fds closed twice: " + e.getMessage(), e);
        } finally {
            arena.close();
        }
    }

    // ---- registration ----

    /**
     * ≈ ep_insert: EPOLL_CTL_ADD (edge-triggered; interest comes with the first wait), under this set's lock.
     * Failure-atomic: whatever fails after the token was handed out — the ADD, the link, an allocation while
     * queueing for the file's lock — frees the token again, so the table never holds an item that is neither
     * linked to its file nor holding a reference (issue 10, poller defect 5). A kernel registration made by the
     * ADD stays until close(2) drops it (no EPOLL_CTL_DEL); its events carry a retired token and are dropped.
     */
    Item register(PollFile file) throws ErrnoException, FileClosedException, SetClosedException {
        file.pinOrThrow();
        try {
            lock.lock();
            try {
                if (closing) {
                    throw new SetClosedException("poll set " + index);
                }
                assertAlive();
                long token = tokens.allocate();
                boolean linked = false;
                try {
                    Item item = new Item(this, file, token);
                    tokens.publish(item); // before the ADD: its first event must find it
                    int r = EPoll.ctlRaw(epfd, EPoll.EPOLL_CTL_ADD, file.fd(), Item.REGISTERED_EVENTS, token, addEvent,
                            addErrno);
                    if (r < 0) {
                        throw registrationFailure(file, -r);
                    }
                    faults.at(Faults.Step.REGISTER_LINK, index);
                    linked = link(file, item);
                    // Nothing below can fail.
                    REFS.getAndAdd(this, 1); // ≈ ep_get: the item's reference. refs > 0: !closing, so the owner's is held
                    registrations++;
                    return item;
                } finally {
                    if (!linked) {
                        tokens.free(token);
                    }
                }
            } finally {
                lock.unlock();
            }
        } finally {
            file.unpin();
        }
    }

    /** Links {@code item} into its file under the file's lock; throws if the file began closing after our pin. */
    private static boolean link(PollFile file, Item item) throws FileClosedException {
        file.lock.lock();
        try {
            if (!file.linkItem(item)) {
                // Its release walk may already be done. The kernel registration goes with close(2), which waits
                // for our pin.
                throw new FileClosedException(file.fd());
            }
            return true;
        } finally {
            file.lock.unlock();
        }
    }

    private static ErrnoException registrationFailure(PollFile file, int errno) {
        if (errno == Errno.EPERM) {
            // epoll refuses files that are always ready (regular files, directories).
            return new ErrnoException("epoll_ctl(ADD) [fd does not support epoll, e.g. a regular file]",
                    file.fd(), errno);
        }
        return new ErrnoException("epoll_ctl(ADD)", file.fd(), errno);
    }

    /**
     * EPOLL_CTL_MOD of an item's interest. The caller holds a reference ({@link #tryAcquire}) and a pin on the
     * file, taken before and dropped after any lock of its own (Item.arm).
     */
    void modify(int fd, int interest, long token) throws ErrnoException {
        assertAlive();
        faults.at(Faults.Step.MODIFY, index);
        EPoll.ctl(epfd, EPoll.EPOLL_CTL_MOD, fd, interest, token);
    }

    // ---- release paths ----

    /** File close: the file marked {@code item} dying; remove it (forced) and drop its reference after unlock. */
    void removeDying(Item item) {
        lock.lock();
        try {
            item.file.lock.lock();
            try {
                assert item.dying;
                item.file.unlinkItem(item);
            } finally {
                item.file.lock.unlock();
            }
            tokens.free(item.token);
            releases++;
        } finally {
            lock.unlock();
        }
        item.release(Item.FILE_CLOSED);
        release(1);
    }

    /**
     * Set close ≈ ep_clear_and_put: removes every item that is not dying (dying ones are left to the file-close
     * path, which holds their references), wakes their waiters and the poller thread, then drops the items'
     * references and the owner's — after unlocking. Idempotent.
     */
    void close() {
        List<Item> removed = new ArrayList<>();
        boolean closedHere = false;
        lock.lock();
        try {
            if (closing) {
                return;
            }
            closing = true;
            closedHere = true;
            tokens.forEach(item -> {
                if (unlinkUnlessDying(item)) {
                    tokens.free(item.token);
                    removed.add(item);
                }
            });
            releases += removed.size();
        } finally {
            lock.unlock();
            if (closedHere) {
                wakePoller(); // even if the walk failed: the poller thread must see "closing" and exit. The
                              // owner's reference, not yet dropped, keeps wakeFd open.
            }
        }
        for (Item item : removed) {
            item.release(Item.SET_CLOSED);
        }
        release(removed.size() + 1);
    }

    private boolean unlinkUnlessDying(Item item) {
        assert lock.isHeldByCurrentThread();
        item.file.lock.lock();
        try {
            if (item.dying) {
                return false;
            }
            item.file.unlinkItem(item);
            return true;
        } finally {
            item.file.lock.unlock();
        }
    }

    // ---- the poller thread ----

    /** Reserves the poller thread's reference; called by the owner before starting {@code thread}. */
    void attachPoller(Thread thread) {
        boolean ok = tryAcquire();
        assert ok : "a new set has its owner's reference";
        pollerThread = thread;
    }

    Thread pollerThread() {
        return pollerThread;
    }

    /**
     * CARRIER mode: the thread that runs (or is about to run) the loop, once the watch hands a held thread's loop
     * over — or the held thread again, if its task returned before the hand-over.
     */
    void pollerThread(Thread thread) {
        pollerThread = thread;
    }

    int epfd() {
        return epfd;
    }

    /** True once the set is closing or closed: it takes no new registration. */
    boolean isClosing() {
        return closing;
    }

    /** A poller thread's loop: runs until the set closes, or throws when it gives up. */
    interface PollLoop {
        void run() throws ErrnoException;
    }

    /**
     * The body of the poller thread: runs {@code loop} under the reference {@link #attachPoller} reserved and
     * drops it on the way out. A loop that gives up closes the set ({@link #fail}) before the thread ends.
     *
     * @return why the loop gave up, or null when it ended because the set closed
     */
    Throwable runPoller(PollLoop loop) {
        try {
            loop.run();
            return null;
        } catch (Throwable e) {
            try {
                fail(e);
            } catch (Throwable closeFailed) {
                e.addSuppressed(closeFailed);
            }
            return e;
        } finally {
            release(1);
        }
    }

    /** Platform poller: blocks in epoll_wait until events arrive or the set closes. */
    void pollBlocking() throws ErrnoException {
        assert !Thread.currentThread().isVirtual();
        while (!closing) {
            try {
                int n = EPoll.await(epfd, events, maxEvents, -1, pollErrno);
                faults.at(Faults.Step.POLL, index);
                dispatch(n);
                critical.succeeded();
            } catch (Throwable e) {
                if (!survived(e)) {
                    throw e;
                }
            }
        }
    }

    /**
     * Virtual-thread poller (the JDK's "mode 2" shape): epoll_wait with timeout 0; after events, yield so the
     * threads just unparked run on this carrier; when nothing is ready, park until the master poller (a
     * platform thread blocked in epoll_wait on a set holding this set's epfd) reports it readable.
     */
    void pollNonBlocking(MasterPoller master) throws ErrnoException {
        assert Thread.currentThread().isVirtual();
        int n = 0;
        while (!closing) {
            try {
                if (n == 0) {
                    master.awaitReadable(this);
                } else {
                    Thread.yield();
                }
                n = EPoll.pollNow(epfd, events, maxEvents, pollErrno);
                faults.at(Faults.Step.POLL, index);
                dispatch(n);
                critical.succeeded();
            } catch (Throwable e) {
                if (!survived(e)) {
                    throw e;
                }
                n = 1; // poll again before re-arming the master
            }
        }
    }

    /**
     * Carrier poller ({@link PollerMode#CARRIER}): a platform thread that runs the tasks queued on its
     * {@link Carrier} between polls, and blocks in epoll_wait only when none is queued. The threads its events
     * unpark are queued on it by itself (when their scheduler is this carrier) and run here on the next round.
     * Returns without a word when the watch has handed the loop to a successor while a task held this thread.
     */
    void carry(Carrier carrier) throws ErrnoException {
        assert !Thread.currentThread().isVirtual();
        boolean mine = true;
        try {
            while (mine && !closing) {
                try {
                    int timeout = carrier.mayBlock() ? -1 : 0;
                    int n = EPoll.await(epfd, events, maxEvents, timeout, pollErrno);
                    carrier.awake();
                    faults.at(Faults.Step.POLL, index);
                    dispatch(n);
                    mine = carrier.runBatch();
                    critical.succeeded();
                } catch (Throwable e) {
                    carrier.awake();
                    if (!survived(e)) {
                        throw e;
                    }
                }
            }
        } finally {
            if (mine) {
                carrier.exit();
            }
        }
    }

    /**
     * After a failed iteration: false (give up) after too many in a row; else wakes every item, since the failure
     * may have consumed events it never delivered (edge-triggered: they would not come again).
     */
    private boolean survived(Throwable e) {
        if (!critical.survive(e)) {
            return false;
        }
        try {
            tokens.forEach(item -> item.ready(EPoll.EPOLLIN | EPoll.EPOLLOUT));
        } catch (Throwable again) {
            // the next iteration tries again, and counts
        }
        return true;
    }

    /**
     * The poller thread died: record why and close the set, so its waiters wake (SET_CLOSED) and new
     * registrations are refused instead of parking forever. The owner's later close() is then a no-op.
     */
    void fail(Throwable t) {
        if (failure == null) {
            failure = t; // the first cause is the one worth reporting
        }
        close();
    }

    /** Why the set's poller thread died, or null. */
    Throwable failure() {
        return failure;
    }

    private void dispatch(int n) throws ErrnoException {
        assertAlive();
        polls++;
        polledEvents += n;
        for (int i = 0; i < n; i++) {
            long token = EPoll.data(events, i);
            if (token == WAKE_TOKEN) {
                EventFd.drain(wakeFd);
                continue;
            }
            Item item = tokens.lookup(token); // read after epoll_wait: sees every item whose event we hold
            if (item == null) {
                staleEvents++; // the item was released; the event was queued before close(2) or comes via a dup
                continue;
            }
            item.ready(EPoll.events(events, i));
        }
    }

    /** Fixes new coarse deadlines and unparks the waiters whose deadline has passed; lock-free, touches no fd. */
    /** The sweep of this set: see {@link Item#expire}. Returns how many coarse waits it saw. */
    int expireDeadlines(long now) {
        int[] waits = new int[1];
        tokens.forEach(item -> waits[0] += item.expire(now));
        return waits[0];
    }

    /** A coarse wait began (its timeout published): wakes the sweeper if it dozes. */
    void coarseWaitBegan() {
        sweeper.wake();
    }

    /** Wakes the poller thread; the caller must hold a reference. */
    private void wakePoller() {
        assertAlive();
        try {
            EventFd.signal(wakeFd);
        } catch (ErrnoException e) {
            throw new AssertionError("eventfd write failed on a live set", e);
        }
    }

    /** Wakes the poller thread unless the set is already dead (tests drive a failing poller thread this way). */
    void wake() {
        if (tryAcquire()) {
            try {
                wakePoller();
            } finally {
                release(1);
            }
        }
    }

    void countPark() {
        parks.increment();
    }

    void countWakeup() {
        wakeups++;
    }

    // ---- observability ----

    /** The registry entry of this set: counters, and (when asked) every item, read under the lock. */
    SetInfo info(boolean withItems) {
        List<ItemInfo> items = new ArrayList<>();
        if (withItems) {
            lock.lock();
            try {
                tokens.forEach(item -> items.add(item.info()));
            } finally {
                lock.unlock();
            }
        }
        // Counters are read racily (a 64-bit read is atomic): a snapshot, not a consistent cut.
        return new SetInfo(index, epfd, refs, closing, frees, registrations, releases, parks.sum(), wakeups, polls,
                polledEvents, staleEvents, critical.failures(), String.valueOf(pollerThread), failure, List.copyOf(items));
    }

    SetInfo info() {
        return info(true);
    }
}

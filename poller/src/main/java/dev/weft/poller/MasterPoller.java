package dev.weft.poller;

import dev.weft.poller.sys.EPoll;
import dev.weft.poller.sys.ErrnoException;
import dev.weft.poller.sys.EventFd;
import dev.weft.poller.sys.Fds;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.LockSupport;

/**
 * The platform thread behind virtual-thread pollers (the JDK's "mode 2" master): an epoll set whose items are
 * the sub-sets' epoll fds, each registered EPOLLIN | EPOLLONESHOT with the sub-set's index as its token. A
 * sub-poller with nothing to do re-arms its entry (one EPOLL_CTL_MOD) and parks; this thread, blocked in
 * epoll_wait, unparks it when its epoll fd turns readable. The only thread here that blocks in the kernel.
 *
 * <pre>
 * Locking and lifetime
 *
 *   No locks. sets is fixed at construction. The master is created before every sub-poller starts and closed
 *   only after every sub-poller thread has exited ({@link Poller#close()} joins them first), so each sub-set's
 *   EPOLL_CTL_MOD on epfd always finds it open. A sub-set's epfd may close before the master: the kernel
 *   drops the nested registration with it, and a late event for its index only unparks a finished thread.
 *   stopping  volatile; written by close(), read by the master thread after each wake-up.
 *
 * The master survives a failed iteration (CriticalLoop): it unparks every sub-poller (a spurious wake-up only
 * makes one poll again, while a one-shot event consumed by the failed iteration would otherwise leave its
 * sub-poller parked for good) and waits again. After CriticalLoop.GIVE_UP_AFTER failures in a row it fails
 * every set and reports its death to the Poller (onDeath), which logs it and fails the whole poller.
 * </pre>
 */
final class MasterPoller implements AutoCloseable {
    private static final long WAKE_TOKEN = -1L;
    private static final int ARMED = EPoll.EPOLLIN | EPoll.EPOLLONESHOT;

    private final PollSet[] sets;
    private final int epfd;
    private final int wakeFd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment events;
    private final Thread thread;
    private final Faults faults;
    private final java.util.function.Consumer<Throwable> onDeath;
    private final CriticalLoop critical = new CriticalLoop("weft-master-poller"); // the master thread only
    private volatile boolean stopping;

    MasterPoller(PollSet[] sets, Faults faults, java.util.function.Consumer<Throwable> onDeath)
            throws ErrnoException {
        this.sets = sets;
        this.faults = faults;
        this.onDeath = onDeath;
        faults.track(arena);
        int ep = -1;
        int wake = -1;
        try {
            this.events = arena.allocate(EPoll.EVENT, sets.length + 1);
            faults.at(Faults.Step.EPOLL_CREATE, -1);
            ep = EPoll.create();
            faults.at(Faults.Step.EVENTFD, -1);
            wake = EventFd.create();
            EPoll.ctl(ep, EPoll.EPOLL_CTL_ADD, wake, EPoll.EPOLLIN | EPoll.EPOLLET, WAKE_TOKEN);
            for (PollSet set : sets) {
                // Disarmed until its poller first runs out of work (ONESHOT with no events).
                EPoll.ctl(ep, EPoll.EPOLL_CTL_ADD, set.epfd(), EPoll.EPOLLONESHOT, set.index);
            }
            this.thread = Thread.ofPlatform().daemon().name("weft-master-poller").unstarted(this::run);
        } catch (Throwable e) {
            closeQuietly(wake);
            closeQuietly(ep);
            arena.close();
            throw e;
        }
        this.epfd = ep;
        this.wakeFd = wake;
    }

    void start() {
        faults.start(thread, -1);
    }

    /** Called by the virtual poller of {@code set}: arm its one-shot entry, then park until it fires. */
    void awaitReadable(PollSet set) throws ErrnoException {
        assert Thread.currentThread() == set.pollerThread();
        set.wokenAtNanos = 0;
        EPoll.ctl(epfd, EPoll.EPOLL_CTL_MOD, set.epfd(), ARMED, set.index);
        LockSupport.park(this);
        long wokenAt = set.wokenAtNanos;
        if (wokenAt != 0) {
            recordStall(set, System.nanoTime() - wokenAt);
        }
    }

    /** Diagnostics only: whatever the event throws must not cost the poller an iteration. */
    private static void recordStall(PollSet set, long delay) {
        if (delay <= PollerStallEvent.THRESHOLD_NANOS) {
            return;
        }
        try {
            PollerStallEvent event = new PollerStallEvent();
            if (event.isEnabled()) {
                event.set = set.index;
                event.delay = delay;
                event.commit();
            }
        } catch (Throwable e) {
            // e.g. the class could not be loaded with no fd left; Poller.open loads it to make that unlikely
        }
    }

    private void run() {
        MemorySegment errno = null;
        while (!stopping) {
            try {
                if (errno == null) {
                    errno = arena.allocate(EPoll.captureLayout());
                }
                int n = EPoll.await(epfd, events, sets.length + 1, -1, errno);
                faults.at(Faults.Step.MASTER_POLL, -1);
                for (int i = 0; i < n; i++) {
                    long token = EPoll.data(events, i);
                    if (token >= 0 && token < sets.length) {
                        PollSet set = sets[(int) token];
                        set.wokenAtNanos = System.nanoTime();
                        LockSupport.unpark(set.pollerThread());
                    }
                }
                critical.succeeded();
            } catch (Throwable e) {
                if (!critical.survive(e)) {
                    die(e);
                    return;
                }
                unparkAll(); // a one-shot event the failed iteration consumed must not strand its sub-poller
            }
        }
    }

    /**
     * Without the master no virtual poller would ever wake again: close every set and unpark its poller, which
     * then sees "closing" and exits; waiters get SET_CLOSED instead of hanging. Then the Poller is told.
     */
    private void die(Throwable e) {
        for (PollSet set : sets) {
            try {
                set.fail(e);
            } catch (Throwable suppressed) {
                e.addSuppressed(suppressed);
            }
        }
        unparkAll(); // every poller must see "closing" and exit
        try {
            onDeath.accept(e);
        } catch (Throwable ignored) {
            // the Poller's report is guarded itself
        }
    }

    private void unparkAll() {
        for (PollSet set : sets) {
            try {
                LockSupport.unpark(set.pollerThread());
            } catch (Throwable ignored) {
                // the next failure or wake-up tries again
            }
        }
    }

    /** Iterations of the master that failed (survived or not). */
    long failures() {
        return critical.failures();
    }

    /** Stops the thread and closes the fds. Every sub-poller must have exited already. */
    @Override
    public void close() {
        stopping = true;
        try {
            EventFd.signal(wakeFd);
        } catch (ErrnoException e) {
            throw new AssertionError("eventfd write failed", e);
        }
        boolean interrupted = false;
        while (true) {
            try {
                thread.join(); // returns at once if the thread never started
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the fds must not be closed under a running master
            }
        }
        closeQuietly(wakeFd);
        closeQuietly(epfd);
        arena.close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(int fd) {
        if (fd >= 0) {
            try {
                Fds.close(fd);
            } catch (ErrnoException e) {
                throw new AssertionError(e);
            }
        }
    }
}

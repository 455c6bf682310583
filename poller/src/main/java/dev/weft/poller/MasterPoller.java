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
    private volatile boolean stopping;

    MasterPoller(PollSet[] sets) throws ErrnoException {
        this.sets = sets;
        int ep = -1;
        int wake = -1;
        try {
            this.events = arena.allocate(EPoll.EVENT, sets.length + 1);
            ep = EPoll.create();
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
        thread.start();
    }

    /** Called by the virtual poller of {@code set}: arm its one-shot entry, then park until it fires. */
    void awaitReadable(PollSet set) throws ErrnoException {
        assert Thread.currentThread() == set.pollerThread();
        set.wokenAtNanos = 0;
        EPoll.ctl(epfd, EPoll.EPOLL_CTL_MOD, set.epfd(), ARMED, set.index);
        LockSupport.park(this);
        long wokenAt = set.wokenAtNanos;
        if (wokenAt != 0) {
            long delay = System.nanoTime() - wokenAt;
            if (delay > PollerStallEvent.THRESHOLD_NANOS) {
                PollerStallEvent event = new PollerStallEvent();
                if (event.isEnabled()) {
                    event.set = set.index;
                    event.delay = delay;
                    event.commit();
                }
            }
        }
    }

    private void run() {
        MemorySegment errno = arena.allocate(EPoll.captureLayout());
        try {
            while (!stopping) {
                int n = EPoll.await(epfd, events, sets.length + 1, -1, errno);
                for (int i = 0; i < n; i++) {
                    long token = EPoll.data(events, i);
                    if (token >= 0 && token < sets.length) {
                        PollSet set = sets[(int) token];
                        set.wokenAtNanos = System.nanoTime();
                        LockSupport.unpark(set.pollerThread());
                    }
                }
            }
        } catch (Throwable e) {
            // Without the master no virtual poller would ever wake again: close every set and unpark its
            // poller, which then sees "closing" and exits; waiters get SET_CLOSED instead of hanging.
            for (PollSet set : sets) {
                try {
                    set.fail(e);
                } catch (RuntimeException | Error suppressed) {
                    e.addSuppressed(suppressed);
                } finally {
                    LockSupport.unpark(set.pollerThread()); // every poller must see "closing" and exit
                }
            }
            throw new IllegalStateException("master poller failed", e);
        }
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

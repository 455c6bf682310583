package dev.weft.poller;

import dev.weft.poller.sys.ErrnoException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * weft's poller: a fixed group of poll sets, each with its own epoll fd and poller thread, and (in
 * {@link PollerMode#VIRTUAL}) the platform master they park on. Files are registered once and spread across
 * the sets; a thread that must wait parks on its {@link Item}, and the set's poller thread unparks it.
 *
 * <pre>
 * Locking and lifetime
 *
 *   sets, master, threads  final after open(). nextSet: atomic round-robin counter.
 *   closed  volatile; close() is idempotent (the first caller does the work, under closeLock).
 *   close(): every set closed (its items released, waiters woken with SET_CLOSED, owner reference dropped),
 *   every poller thread joined, then the master closed (after the joins: a virtual poller re-arms itself in
 *   the master's epoll fd until it exits). Each set's epoll fd is closed by whoever drops its last reference
 *   (PollSet's header lists the holders): usually the poller thread on its way out, or the last file close of
 *   one of its items.
 *   A poller thread that dies closes its own set (PollSet.fail); a master that dies closes every set.
 * </pre>
 */
public final class Poller implements AutoCloseable {
    private final PollerConfig config;
    private final PollSet[] sets;
    private final Thread[] threads;
    private final MasterPoller master; // null in PLATFORM mode
    private final TimeoutSweeper sweeper;
    private final AtomicInteger nextSet = new AtomicInteger();
    private final Object closeLock = new Object();
    private volatile boolean closed;

    private Poller(PollerConfig config, PollSet[] sets, MasterPoller master) {
        this.config = config;
        this.sets = sets;
        this.master = master;
        this.sweeper = new TimeoutSweeper(sets);
        this.threads = new Thread[sets.length];
        for (PollSet set : sets) {
            threads[set.index] = switch (config.mode()) {
                case PLATFORM -> Thread.ofPlatform().daemon().name("weft-poller-" + set.index)
                        .unstarted(() -> set.runPoller(set::pollBlocking));
                case VIRTUAL -> Thread.ofVirtual().name("weft-poller-" + set.index)
                        .unstarted(() -> set.runPoller(() -> set.pollNonBlocking(master)));
            };
        }
    }

    /**
     * Gives every poller thread its reference first (so no failure, not even the master's, can free a set
     * under a thread about to start), then starts the pollers, then the master. A virtual poller that runs
     * before the master starts just arms its one-shot entry and parks; the master's first epoll_wait sees it.
     */
    private void start() {
        for (PollSet set : sets) {
            set.attachPoller(threads[set.index]);
        }
        int started = 0;
        try {
            for (; started < threads.length; started++) {
                threads[started].start();
            }
        } catch (RuntimeException | Error e) {
            for (int i = started; i < threads.length; i++) {
                sets[i].release(1); // the references the unstarted threads will never drop
            }
            throw e;
        }
        if (master != null) {
            master.start();
        }
        sweeper.start();
    }

    public static Poller open() throws IOException {
        return open(PollerConfig.defaults());
    }

    /**
     * Opens {@code config.sets()} poll sets and starts their poller threads. On failure, everything acquired so
     * far is released (sets closed, started threads joined, the master stopped) before the exception is thrown.
     */
    public static Poller open(PollerConfig config) throws IOException {
        List<PollSet> opened = new ArrayList<>();
        MasterPoller master = null;
        Poller poller = null;
        try {
            for (int i = 0; i < config.sets(); i++) {
                opened.add(PollSet.open(i, config.maxEvents()));
            }
            PollSet[] sets = opened.toArray(PollSet[]::new);
            master = config.mode() == PollerMode.VIRTUAL ? new MasterPoller(sets) : null;
            poller = new Poller(config, sets, master);
            poller.start();
            return poller;
        } catch (Throwable e) {
            if (poller != null) {
                poller.close();
            } else {
                opened.forEach(PollSet::close); // no thread holds a reference yet: each set is freed
                if (master != null) {
                    master.close();
                }
            }
            throw e;
        }
    }

    public PollerConfig config() {
        return config;
    }

    public int setCount() {
        return sets.length;
    }

    /** The poller thread of set {@code index} (diagnostics and tests). */
    Thread pollerThread(int index) {
        return threads[index];
    }

    /** Registers {@code file} for input (edge-triggered) in the next set, round-robin. */
    public Item register(PollFile file) throws IOException {
        return register(file, Math.floorMod(nextSet.getAndIncrement(), sets.length));
    }

    /**
     * Registers {@code file} in set {@code setIndex}. A file may be registered in several sets (a listening
     * socket, one item per acceptor); each registration has its own waiters.
     *
     * @throws FileClosedException if the file is closing or closed
     * @throws SetClosedException  if the poller is closed
     * @throws ErrnoException      if epoll refuses the fd (EPERM for a regular file, EEXIST if already in set)
     */
    public Item register(PollFile file, int setIndex) throws IOException {
        if (setIndex < 0 || setIndex >= sets.length) {
            throw new IllegalArgumentException("set index " + setIndex + " not in 0.." + (sets.length - 1));
        }
        if (closed) {
            throw new SetClosedException("poller");
        }
        return sets[setIndex].register(file);
    }

    /** Counters summed over all sets: no lock taken, no item listed; cheap enough to call often. */
    public PollerStats stats() {
        List<SetInfo> infos = new ArrayList<>(sets.length);
        for (PollSet set : sets) {
            infos.add(set.info(false));
        }
        return PollerStats.of(infos);
    }

    /** The registry: every set with its references, items, tokens and waiters. */
    public PollerDump dump() {
        List<SetInfo> infos = new ArrayList<>(sets.length);
        for (PollSet set : sets) {
            infos.add(set.info());
        }
        return new PollerDump(config.mode(), closed, List.copyOf(infos));
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes every set (waking every parked waiter with {@link WaitResult#SET_CLOSED}), waits for the poller
     * threads to exit, then stops the master. Files stay open: their owners close them. Idempotent.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
            Throwable failure = null;
            for (PollSet set : sets) {
                try {
                    set.close();
                } catch (RuntimeException | Error e) {
                    failure = add(failure, e); // keep closing the others: their waiters must wake
                }
            }
            boolean interrupted = false;
            for (Thread t : threads) {
                while (true) {
                    try {
                        t.join(); // at once for a thread that never started
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            sweeper.close();
            if (master != null) {
                try {
                    master.close();
                } catch (RuntimeException | Error e) {
                    failure = add(failure, e);
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (failure instanceof RuntimeException r) {
                throw r;
            } else if (failure != null) {
                throw (Error) failure;
            }
        }
    }

    private static Throwable add(Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }
}

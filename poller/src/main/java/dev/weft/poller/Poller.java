package dev.weft.poller;

import dev.weft.poller.sys.ErrnoException;
import dev.weft.poller.sys.Tasks;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * weft's poller: a fixed group of poll sets, each with its own epoll fd and poller thread, and (in
 * {@link PollerMode#VIRTUAL}) the platform master they park on. Files are registered once and spread across
 * the sets; a thread that must wait parks on its {@link Item}, and the set's poller thread unparks it. In
 * {@link PollerMode#CARRIER} each poller thread also runs the virtual threads scheduled on its set's
 * {@link Carrier}, and a watch ({@link CarrierWatch}, a thread of its own) hands a held poller thread's loop to a
 * fresh one.
 *
 * <pre>
 * Locking and lifetime
 *
 *   sets, master, sweeper, threads, carriers, watch  final after open(). nextSet: atomic round-robin counter.
 *   Each set's current poller thread is PollSet.pollerThread (threads[i] is its first; in CARRIER mode the
 *   watch may replace it).
 *   closed     AtomicBoolean; the caller whose CAS sets it does the whole close, with no lock held (nothing is
 *              freed or closed under a lock, docs/design.md §3); later callers wait for closeDone.
 *   deaths     PollerDeaths: counts dead sets, records the poller's failure once, tells the owner (its header).
 *
 *   close(): every set closed (its items released, waiters woken with SET_CLOSED, owner reference dropped);
 *   in VIRTUAL mode every poller thread unparked too (the master may never have run — a failed open — or be
 *   dead: without it nothing else would wake a parked sub-poller to see "closing"); every set's current poller
 *   thread joined (in CARRIER mode not one a task holds: the watch, still running, hands its loop over, and the
 *   successor, seeing "closing", drains the queue and ends);
 *   then the sweeper, the watch and the master closed (after the joins: a virtual poller re-arms itself in the
 *   master's epoll fd until it exits). Each set's epoll fd is closed by whoever drops its last reference
 *   (PollSet's header lists the holders): usually the poller thread on its way out, or the last file close of
 *   one of its items.
 *
 * Failures (issue 10): poller threads, the master, the sweeper and the watch survive failed iterations
 * (CriticalLoop). A poller thread that gives up closes its own set (PollSet.fail): its waiters wake with
 * SET_CLOSED, the death is logged once at ERROR, counted (PollerStats.failedSets) and shown in the dump, and
 * register() gives new files only to live sets. A master that gives up closes every set. Every set dead, or the
 * master, the sweeper or the watch dead: the poller has failed — logged once at ERROR, failure() says why,
 * onFailure is called.
 * </pre>
 */
public final class Poller implements AutoCloseable {
    private static final System.Logger LOG = Diagnostics.guard(System.getLogger(Poller.class.getName()));

    private static final Duration JOIN_LOOK = Duration.ofNanos(TimeoutSweeper.TICK_NANOS);

    private final PollerConfig config;
    private final PollSet[] sets;
    private final Thread[] threads;
    private final Carrier[] carriers; // null unless CARRIER mode
    private final CarrierWatch watch; // null unless CARRIER mode
    private final MasterPoller master; // null in PLATFORM mode
    private final TimeoutSweeper sweeper;
    private final Faults faults;
    private final PollerDeaths deaths;
    private final AtomicInteger nextSet = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch closeDone = new CountDownLatch(1);

    private Poller(PollerConfig config, PollSet[] sets, Doze sweeperDoze, Faults faults,
            Consumer<? super Throwable> onFailure) throws ErrnoException {
        this.config = config;
        this.sets = sets;
        this.faults = faults;
        this.deaths = new PollerDeaths(sets.length, this::isClosed, onFailure);
        this.carriers = config.mode() == PollerMode.CARRIER ? new Carrier[sets.length] : null;
        Doze watchDoze = new Doze();
        this.watch = carriers == null ? null
                : new CarrierWatch(sets, carriers, watchDoze, this::carrierLoop, faults, deaths::watchDied);
        this.sweeper = new TimeoutSweeper(sets, sweeperDoze, faults, deaths::sweeperDied);
        // The only step here that acquires anything; it releases what it acquired if it fails.
        this.master = config.mode() == PollerMode.VIRTUAL ? new MasterPoller(sets, faults, deaths::masterDied) : null;
        this.threads = new Thread[sets.length];
        for (PollSet set : sets) {
            if (carriers != null) {
                carriers[set.index] = new Carrier(set, watchDoze);
            }
            threads[set.index] = switch (config.mode()) {
                case PLATFORM -> Thread.ofPlatform().daemon().name("weft-poller-" + set.index)
                        .unstarted(() -> deaths.setDied(set.index, set.runPoller(set::pollBlocking)));
                case VIRTUAL -> Thread.ofVirtual().name("weft-poller-" + set.index)
                        .unstarted(() -> deaths.setDied(set.index,
                                set.runPoller(() -> set.pollNonBlocking(master))));
                case CARRIER -> Thread.ofPlatform().daemon().name("weft-poller-" + set.index)
                        .unstarted(carrierLoop(set));
            };
        }
    }

    /** The body of a CARRIER-mode poller thread of {@code set} (the first, or a successor the watch starts). */
    private Runnable carrierLoop(PollSet set) {
        Carrier carrier = carriers[set.index];
        return () -> deaths.setDied(set.index, set.runPoller(() -> {
            carrier.entered(Tasks.gettid()); // for the watch's CpuWait
            set.carry(carrier);
        }));
    }

    /**
     * Gives every poller thread its reference first (so no failure, not even the master's, can free a set
     * under a thread about to start), then starts the pollers, then the master, then the sweeper and the watch.
     * A virtual poller that runs before the master starts just arms its one-shot entry and parks; the master's
     * first epoll_wait sees it. If a start fails, the sets of the threads not started get their references back
     * and open() closes the poller (close() unparks the virtual pollers that did start).
     */
    private void start() {
        for (PollSet set : sets) {
            set.attachPoller(threads[set.index]);
        }
        int started = 0;
        try {
            for (; started < threads.length; started++) {
                faults.start(threads[started], started);
            }
        } catch (Throwable e) {
            for (int i = started; i < threads.length; i++) {
                sets[i].release(1); // the references the unstarted threads will never drop
            }
            throw e;
        }
        if (master != null) {
            master.start();
        }
        sweeper.start();
        if (watch != null) {
            watch.start();
        }
    }

    /**
     * Opens a poller with the default configuration ({@link PollerConfig#defaults()}).
     *
     * @return the running poller
     * @throws IOException if a set cannot be created (e.g. EMFILE); nothing is left behind
     */
    public static Poller open() throws IOException {
        return open(PollerConfig.defaults());
    }

    /**
     * Opens {@code config.sets()} poll sets and starts their poller threads.
     *
     * @param config how many sets, which kind of poller thread, the event buffer size
     * @return the running poller
     * @throws IOException if a set cannot be created (e.g. EMFILE); nothing is left behind
     */
    public static Poller open(PollerConfig config) throws IOException {
        return open(config, failure -> { });
    }

    /**
     * Opens {@code config.sets()} poll sets and starts their poller threads. On failure, everything acquired so
     * far is released (sets closed, started threads joined, the master stopped, native memory freed) before the
     * exception is thrown.
     *
     * @param config    how many sets, which kind of poller thread, the event buffer size
     * @param onFailure called once, from the thread that found out, when the poller can no longer serve: every
     *                  set's poller thread died, or the master poller, the timeout sweeper or the carrier watch
     *                  did (each survives single failures; see {@link #failure()}). Must not block; its
     *                  exceptions are ignored.
     * @return the running poller
     * @throws IOException if a set cannot be created (e.g. EMFILE)
     */
    public static Poller open(PollerConfig config, Consumer<? super Throwable> onFailure) throws IOException {
        Objects.requireNonNull(onFailure, "onFailure");
        return open(config, onFailure, new Faults());
    }

    /** {@link #open(PollerConfig, Consumer)} with a failure-injection seam (tests). */
    static Poller open(PollerConfig config, Consumer<? super Throwable> onFailure, Faults faults)
            throws IOException {
        preload();
        List<PollSet> opened = new ArrayList<>();
        Doze sweeperDoze = new Doze(); // the sets' waiters wake the sweeper with it
        Poller poller = null;
        try {
            for (int i = 0; i < config.sets(); i++) {
                opened.add(PollSet.open(i, config.maxEvents(), sweeperDoze, faults));
            }
            poller = new Poller(config, opened.toArray(PollSet[]::new), sweeperDoze, faults, onFailure);
            poller.start();
            return poller;
        } catch (Throwable e) {
            try {
                if (poller != null) {
                    poller.close();
                } else {
                    opened.forEach(PollSet::close); // no thread holds a reference yet: each set is freed
                }
            } catch (Throwable cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * Loads now, while fds are plentiful, the classes the poller's threads need on their failure paths and for
     * diagnostics: from a class directory each would need an fd to load, and a class that fails to load fails
     * its call site for ever (JVMS §5.4.3).
     */
    private static void preload() {
        Diagnostics.preload(LOG);
        new PollerStallEvent();
        new CriticalLoop("preload").succeeded();
        WaitResult.values();
        Class<?>[] failurePaths = {SetClosedException.class, FileClosedException.class, Faults.Step.class};
        assert failurePaths.length > 0;
    }

    /**
     * This poller's configuration.
     *
     * @return the configuration it was opened with
     */
    public PollerConfig config() {
        return config;
    }

    /**
     * The number of poll sets, live or dead.
     *
     * @return the set count of the configuration
     */
    public int setCount() {
        return sets.length;
    }

    /**
     * The number of sets still taking registrations: not dead, and the poller not closed.
     *
     * @return the live set count
     */
    public int liveSetCount() {
        int live = 0;
        for (PollSet set : sets) {
            live += set.isClosing() ? 0 : 1;
        }
        return live;
    }

    /**
     * Why the poller can no longer serve — every set's poller thread died, or the master poller, the timeout
     * sweeper or the carrier watch did — or null while it can. A closed poller has not failed.
     *
     * @return the first fatal cause, or null
     */
    public Throwable failure() {
        return deaths.failure();
    }

    /** Whether the timeout sweeper sleeps untimed until a coarse wait begins (tests). */
    boolean sweeperDozing() {
        return sweeper.dozing();
    }

    /** Whether the carrier watch sleeps untimed until a loop wakes; false outside CARRIER mode (tests). */
    boolean watchDozing() {
        return watch != null && watch.dozing();
    }

    /** The poller thread of set {@code index} (diagnostics and tests). */
    Thread pollerThread(int index) {
        return sets[index].pollerThread();
    }

    /**
     * The carrier of set {@code index}: a scheduler for virtual threads whose runs should happen on that set's
     * poller thread ({@link PollerMode#CARRIER} only).
     *
     * @param index the set, 0..setCount()-1
     * @return its carrier
     * @throws IllegalStateException in another mode
     */
    public Carrier carrier(int index) {
        if (carriers == null) {
            throw new IllegalStateException("no carriers in " + config.mode() + " mode");
        }
        return carriers[index];
    }

    /** Set {@code index} (tests). */
    PollSet set(int index) {
        return sets[index];
    }

    /** This poller's failure-injection seam (tests). */
    Faults faults() {
        return faults;
    }

    /**
     * Registers {@code file} for input (edge-triggered) in the next live set, round-robin: a set whose poller
     * thread died is skipped.
     *
     * @param file the file to register (must be open)
     * @return the registration
     * @throws FileClosedException if the file is closing or closed
     * @throws SetClosedException  if the poller is closed, or every set is dead
     * @throws ErrnoException      if epoll refuses the fd (EPERM for a regular file)
     */
    public Item register(PollFile file) throws IOException {
        int first = Math.floorMod(nextSet.getAndIncrement(), sets.length);
        for (int i = 0; i < sets.length; i++) {
            PollSet set = sets[(first + i) % sets.length];
            if (closed.get()) {
                break;
            }
            if (!set.isClosing()) {
                try {
                    return set.register(file);
                } catch (SetClosedException diedMeanwhile) {
                    // try the next one
                }
            }
        }
        throw new SetClosedException(closed.get() ? "poller" : "poller (every poll set is dead)");
    }

    /**
     * Registers {@code file} in set {@code setIndex}. A file may be registered in several sets (e.g. a
     * non-blocking listening socket accepted from through more than one set); each registration has its own
     * waiters.
     *
     * @param file     the file to register (must be open)
     * @param setIndex which set, 0..setCount()-1
     * @return the registration
     * @throws FileClosedException if the file is closing or closed
     * @throws SetClosedException  if the poller is closed or that set is dead
     * @throws ErrnoException      if epoll refuses the fd (EPERM for a regular file, EEXIST if already in set)
     */
    public Item register(PollFile file, int setIndex) throws IOException {
        if (setIndex < 0 || setIndex >= sets.length) {
            throw new IllegalArgumentException("set index " + setIndex + " not in 0.." + (sets.length - 1));
        }
        if (closed.get()) {
            throw new SetClosedException("poller");
        }
        return sets[setIndex].register(file);
    }

    /**
     * Counters summed over all sets: no lock taken, no item listed; cheap enough to call often.
     *
     * @return the counters now (each read racily)
     */
    public PollerStats stats() {
        List<SetInfo> infos = new ArrayList<>(sets.length);
        for (PollSet set : sets) {
            infos.add(set.info(false));
        }
        return PollerStats.of(infos, threadFailures(), watch == null ? 0 : watch.takeovers());
    }

    /**
     * The registry: every set with its references, items, tokens and waiters, and why the poller failed.
     *
     * @return a snapshot
     */
    public PollerDump dump() {
        return dump(true);
    }

    /**
     * The registry, with or without its items: without, no lock is taken and nothing is listed per item (each
     * set's counters and references only) — cheap enough for a metrics endpoint.
     *
     * @param withItems list every item (under each set's lock), as {@link #dump()} does
     * @return the registry now
     */
    public PollerDump dump(boolean withItems) {
        List<SetInfo> infos = new ArrayList<>(sets.length);
        for (PollSet set : sets) {
            infos.add(set.info(withItems));
        }
        return new PollerDump(config.mode(), closed.get(), deaths.failure(), List.copyOf(infos));
    }

    /** Failed iterations of the master, the sweeper and the watch (the sets count their own). */
    private long threadFailures() {
        return sweeper.failures() + (master == null ? 0 : master.failures()) + (watch == null ? 0 : watch.failures());
    }

    /**
     * Whether {@link #close()} has begun.
     *
     * @return true once it has
     */
    public boolean isClosed() {
        return closed.get();
    }

    // ---- close ----

    /**
     * Closes every set (waking every parked waiter with {@link WaitResult#SET_CLOSED}), waits for the poller
     * threads to exit, then stops the sweeper, the watch and the master. Files stay open: their owners close them.
     * Idempotent: a second caller waits until the first has finished.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            awaitUninterruptibly(closeDone);
            return;
        }
        try {
            closeAll();
        } finally {
            closeDone.countDown();
        }
    }

    private void closeAll() {
        Throwable failure = null;
        for (PollSet set : sets) {
            try {
                set.close();
            } catch (RuntimeException | Error e) {
                failure = add(failure, e); // keep closing the others: their waiters must wake
            }
        }
        if (master != null) {
            for (Thread t : threads) {
                LockSupport.unpark(t); // a spurious wake-up: the poller re-checks "closing" and exits
            }
        }
        boolean interrupted = false;
        for (PollSet set : sets) {
            interrupted |= joinPoller(set);
        }
        sweeper.close();
        if (watch != null) {
            watch.close();
        }
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

    /**
     * Waits for the thread running {@code set}'s loop to end. In CARRIER mode that may be a successor: a thread
     * held by a task is not waited for (it leaves when its task returns), the watch — still running — hands its
     * loop over, and the successor sees the set closing and ends. Returns whether an interrupt was swallowed.
     */
    private static boolean joinPoller(PollSet set) {
        boolean interrupted = false;
        Thread t = set.pollerThread();
        while (t != null && t.getState() != Thread.State.NEW) { // a thread that never started: nothing to wait for
            try {
                if (t.join(JOIN_LOOK) && set.pollerThread() == t) {
                    return interrupted;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
            t = set.pollerThread();
        }
        return interrupted;
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
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

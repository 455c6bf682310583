package dev.weft.server;

import dev.weft.poller.Carrier;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Creates and starts the virtual threads of the connections one acceptor takes, and is their scheduler: a
 * connection's <em>first run</em> — from its start to its first park, typically reading the request, answering
 * it and waiting for the next one — runs on the accepting thread itself, inside {@link Thread#start}; every later
 * run goes to the poller thread of the connection's poll set (its {@link Carrier}, in the poller's CARRIER
 * mode), or to the JDK's scheduler (the ForkJoinPool every virtual thread shares) in the other modes.
 *
 * <p>Why: starting a virtual thread on the JDK's scheduler from the acceptor wakes a sleeping carrier, and on this
 * JDK and glibc that costs three futex calls (the wake, the carrier's wait, and the unlock glibc makes after it
 * — docs/benchmarks.md). Run inline, a connection that finds the server idle costs accept4, the EPOLL_CTL_ADD,
 * read, write and close: 5 syscalls where nginx makes 7 (issue 13). A later run starts with readiness its poll
 * set's poller found; on that same thread it runs with no hand-off at all (no futex, no master poller, no
 * re-arm).
 *
 * <p>How: the JDK has no public way to give a virtual thread another scheduler. Its own tests use the
 * package-private constructor {@code java.lang.ThreadBuilders.VirtualThreadBuilder(Executor)}; weft reaches it
 * once, reflectively, which needs {@code --add-opens java.base/java.lang=ALL-UNNAMED} (the sample jar's manifest
 * carries it as {@code Add-Opens}). Without it — the flag absent, another JDK — {@link #inlineAvailable} says
 * why, the server logs that once, runs its poller in VIRTUAL mode, and connection threads start on the JDK's
 * scheduler as plain {@code Thread.ofVirtual()} threads.
 *
 * <p>The hazard: a run that neither finishes nor parks — it computes, or blocks a platform thread in native code
 * or file I/O — holds its thread. A lock, a sleep, a socket of the JDK's or of weft's park the virtual thread,
 * which unmounts and hands the thread back. For the rest {@link AcceptorWatch} hands a held acceptor's listener
 * to a fresh acceptor within two 2 ms looks, and (in CARRIER mode) the poller's carrier watch a held poller
 * thread's loop to a fresh one within two 2 ms looks.
 *
 * <pre>
 * Threading: one instance per accept loop, created on its thread (owner). builders and starting are touched
 * only by owner. A Scheduler's execute() runs on any thread (a later run is submitted by whoever unparks the
 * connection's thread): it runs the task inline only on owner, and only while start() is inside Thread.start.
 * </pre>
 */
final class ConnectionThreads {
    private static final Constructor<?> BUILDER_WITH_SCHEDULER;
    private static final Executor JDK_SCHEDULER;
    private static final String UNAVAILABLE; // why inline first runs cannot be had; null when they can

    static {
        Constructor<?> builder = null;
        Executor jdk = null;
        String why = null;
        try {
            builder = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder")
                    .getDeclaredConstructor(Executor.class);
            builder.setAccessible(true);
            Method defaultScheduler = Class.forName("java.lang.VirtualThread").getDeclaredMethod("defaultScheduler");
            defaultScheduler.setAccessible(true);
            jdk = (Executor) defaultScheduler.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            builder = null;
            jdk = null;
            why = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        BUILDER_WITH_SCHEDULER = builder;
        JDK_SCHEDULER = jdk;
        UNAVAILABLE = why;
    }

    private final Thread owner = Thread.currentThread(); // the accept loop's thread
    private final boolean inline;
    private final Thread.Builder.OfVirtual[] builders; // owner only; one per carrier, or one for the JDK's scheduler
    private final ThreadStarts starts;
    private boolean starting;                       // owner only: inside start(), before the first run began

    private ConnectionThreads(boolean inline, List<Carrier> carriers, ThreadStarts starts) {
        this.inline = inline;
        this.starts = starts;
        boolean custom = UNAVAILABLE == null && (inline || !carriers.isEmpty());
        int n = custom ? Math.max(1, carriers.size()) : 1;
        this.builders = new Thread.Builder.OfVirtual[n];
        for (int i = 0; i < n; i++) {
            Thread.Builder.OfVirtual b = custom
                    ? builderWith(new Scheduler(carriers.isEmpty() ? null : carriers.get(i))) : null;
            builders[i] = b != null ? b : Thread.ofVirtual();
        }
    }

    /**
     * The connection threads of the accept loop running on the calling thread.
     *
     * @param inline   whether first runs should run on this thread (when {@link #inlineAvailable} allows it)
     * @param carriers the poller's carriers, one per set (empty unless the poller runs in CARRIER mode): a
     *                 thread's later runs go to its connection's set's carrier
     * @param starts   how threads are started (the seam tests use to make a start fail)
     */
    static ConnectionThreads forThisAcceptor(boolean inline, List<Carrier> carriers, ThreadStarts starts) {
        return new ConnectionThreads(inline && UNAVAILABLE == null, carriers, starts);
    }

    /** Null when first runs can run on the acceptor; otherwise why not (for the one log line that says so). */
    static String inlineUnavailableReason() {
        return UNAVAILABLE;
    }

    /** Whether first runs can run on the acceptor in this JVM. */
    static boolean inlineAvailable() {
        return UNAVAILABLE == null;
    }

    /**
     * Creates the thread named {@code prefix + number} and starts it. With inline first runs this returns once
     * the first run has finished or parked.
     *
     * @param set the poll set the connection is registered in (its carrier takes the thread's later runs)
     * @throws RuntimeException what a failed start throws (an Error likewise): the thread never ran
     */
    Thread start(String prefix, long number, int set, Runnable task) {
        Thread thread = builders[builders.length == 1 ? 0 : set].name(prefix, number).unstarted(task);
        starting = true;
        try {
            starts.start(thread);
        } finally {
            starting = false;
        }
        return thread;
    }

    /** The scheduler of the threads whose later runs go to one carrier (or to the JDK's, with none). */
    private final class Scheduler implements Executor {
        private final Carrier carrier; // null: the JDK's scheduler

        Scheduler(Carrier carrier) {
            this.carrier = carrier;
        }

        @Override
        public void execute(Runnable run) {
            if (inline && Thread.currentThread() == owner && starting) {
                starting = false; // a run submitted while this one runs (a park racing an unpark) goes elsewhere
                run.run();
            } else if (carrier == null || !carrier.submit(run)) {
                JDK_SCHEDULER.execute(run);
            }
        }
    }

    /** A builder whose threads {@code scheduler} schedules; null if the JDK refuses one (threads start as usual). */
    private static Thread.Builder.OfVirtual builderWith(Executor scheduler) {
        try {
            return (Thread.Builder.OfVirtual) BUILDER_WITH_SCHEDULER.newInstance(scheduler);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}

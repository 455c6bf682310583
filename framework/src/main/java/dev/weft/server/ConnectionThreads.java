package dev.weft.server;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.concurrent.Executor;

/**
 * Creates and starts the virtual threads of the connections one acceptor takes, and is their scheduler: a
 * connection's <em>first run</em> — from its start to its first park, typically reading the request, answering
 * it and waiting for the next one — runs on the accepting thread itself, inside {@link Thread#start}; every later
 * run goes to the JDK's scheduler, the ForkJoinPool every virtual thread shares.
 *
 * <p>Why: starting a virtual thread on the JDK's scheduler from the acceptor wakes a sleeping carrier, and on this
 * JDK and glibc that costs three futex calls (the wake, the carrier's wait, and the unlock glibc makes after it
 * — docs/benchmarks.md). Run inline, a connection that finds the server idle costs accept4, the EPOLL_CTL_ADD,
 * read, write and close: 5 syscalls where nginx makes 7 (issue 13). Under load the hand-off to a carrier goes too.
 *
 * <p>How: the JDK has no public way to give a virtual thread another scheduler. Its own tests use the
 * package-private constructor {@code java.lang.ThreadBuilders.VirtualThreadBuilder(Executor)}; weft reaches it
 * once, reflectively, which needs {@code --add-opens java.base/java.lang=ALL-UNNAMED} (the sample jar's manifest
 * carries it as {@code Add-Opens}). Without it — the flag absent, another JDK — {@link #inlineAvailable} says
 * why, the server logs that once, and connection threads start on the JDK's scheduler as plain
 * {@code Thread.ofVirtual()} threads; so they do when {@link ServerConfig#firstRunOnAcceptor()} is false.
 *
 * <p>The hazard: a first run that neither finishes nor parks — it computes, or blocks a platform thread in
 * native code or file I/O — holds its acceptor. A lock, a sleep, a socket of the JDK's or of weft's park the
 * virtual thread, which unmounts and hands the acceptor back. For the rest {@link AcceptorWatch} hands the
 * listener to a fresh acceptor within two of its ticks.
 *
 * <pre>
 * Threading: one instance per accept loop, created on its thread (owner). builder and starting are touched only
 * by owner. execute() runs on any thread (a later run is submitted by whoever unparks the connection's thread):
 * it runs the task inline only on owner, and only while start() is inside Thread.start.
 * </pre>
 */
final class ConnectionThreads implements Executor {
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
    private final Thread.Builder.OfVirtual builder; // owner only
    private final ThreadStarts starts;
    private boolean starting;                       // owner only: inside start(), before the first run began

    private ConnectionThreads(boolean inline, ThreadStarts starts) {
        Thread.Builder.OfVirtual withThisScheduler = inline ? builderWithThisScheduler() : null;
        this.starts = starts;
        this.builder = withThisScheduler != null ? withThisScheduler : Thread.ofVirtual();
    }

    /**
     * The connection threads of the accept loop running on the calling thread.
     *
     * @param inline whether first runs should run on this thread (when {@link #inlineAvailable} allows it)
     * @param starts how threads are started (the seam tests use to make a start fail)
     */
    static ConnectionThreads forThisAcceptor(boolean inline, ThreadStarts starts) {
        return new ConnectionThreads(inline && UNAVAILABLE == null, starts);
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
     * @throws RuntimeException what a failed start throws (an Error likewise): the thread never ran
     */
    Thread start(String prefix, long number, Runnable task) {
        Thread thread = builder.name(prefix, number).unstarted(task);
        starting = true;
        try {
            starts.start(thread);
        } finally {
            starting = false;
        }
        return thread;
    }

    @Override
    public void execute(Runnable run) {
        if (Thread.currentThread() == owner && starting) {
            starting = false; // a run submitted while this one runs (a park racing an unpark) goes to the JDK's
            run.run();
        } else {
            JDK_SCHEDULER.execute(run);
        }
    }

    /** A builder whose threads this schedules; null if the JDK refuses one (then threads start as usual). */
    private Thread.Builder.OfVirtual builderWithThisScheduler() {
        try {
            return (Thread.Builder.OfVirtual) BUILDER_WITH_SCHEDULER.newInstance(this);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}

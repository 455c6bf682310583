package dev.weft.server;

import dev.weft.poller.BlockingIo;
import dev.weft.poller.FileClosedException;
import dev.weft.poller.Item;
import dev.weft.poller.SetClosedException;
import dev.weft.poller.WaitResult;
import dev.weft.poller.sys.Errno;
import dev.weft.poller.sys.ErrnoException;
import java.lang.System.Logger.Level;

/**
 * One accepting virtual thread on one listener's item. Accepts until the listener closes; hands each new fd to
 * the server. Running out of fds or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM) never kills it: it backs off
 * (5 ms doubling to 1 s, cut short by a new connection or by shutdown), logs once per episode, keeps the
 * existing connections served, and resumes when accept succeeds again — as nginx, Tomcat and libuv do.
 *
 * <pre>
 * Each accepted connection gets a new virtual thread — or, with serveOnAcceptor, is served right here until it
 * would first block; then a replacement acceptor thread takes over the accept loop and this thread carries on
 * as the connection's (see Connection.beforeFirstBlock).
 *
 * Threading: run() is the body of the current acceptor thread, {@code owner}; backoffNanos is touched only by
 * it (a hand-off passes it on through Thread.start). owner: volatile, written by the thread handing off.
 * </pre>
 */
final class Acceptor implements Runnable {
    private static final System.Logger LOG = System.getLogger(Acceptor.class.getName());
    private static final long FIRST_BACKOFF_NANOS = 5_000_000L;
    private static final long MAX_BACKOFF_NANOS = 1_000_000_000L;

    /** What the acceptor does with an accepted fd. */
    interface Admission {
        /** Registers and counts the connection; null when it was refused (cap, shutdown) and closed. */
        Connection admit(int fd);

        /** Serves it to the end on the calling thread. */
        void serve(Connection connection);

        /** Serve on the accepting thread first (else: a new virtual thread per connection at once). */
        boolean serveOnAcceptor();
    }

    private final String name;
    private final Item listener;
    private final Admission admission;
    private final ServerMetrics metrics;
    private volatile Thread owner;
    private volatile boolean loopEnded; // written once by the owner as the accept loop ends (not on hand-off)
    private long backoffNanos; // 0 outside an episode

    Acceptor(String name, Item listener, Admission admission, ServerMetrics metrics) {
        this.name = name;
        this.listener = listener;
        this.admission = admission;
        this.metrics = metrics;
    }

    /** Starts (or, from a connection about to block, restarts) the accept loop on a new virtual thread. */
    void start() {
        Thread t = Thread.ofVirtual().name(name).unstarted(this);
        Thread previous = owner;
        owner = t;
        try {
            t.start();
        } catch (RuntimeException | Error e) {
            owner = previous; // the loop stays with the thread that has it: never no accepting thread
            throw e;
        }
    }

    /**
     * Waits, at most {@code millis}, for the accept loop to end — not for a thread: one that handed the loop
     * off lives on as a connection's, and its end is no business of shutdown's.
     */
    void awaitStopped(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!loopEnded && System.nanoTime() < deadline) {
            Thread t = owner;
            t.join(10);
            if (!t.isAlive() && owner == t) {
                return; // it ended without saying so (a crash): nothing is accepting any more either way
            }
        }
    }

    @Override
    public void run() {
        try {
            acceptLoop();
        } finally {
            if (owner == Thread.currentThread()) {
                loopEnded = true;
            }
        }
    }

    private void acceptLoop() {
        for (;;) {
            int fd;
            try {
                fd = BlockingIo.accept(listener, BlockingIo.NO_TIMEOUT);
            } catch (FileClosedException | SetClosedException shutdown) {
                return;
            } catch (ErrnoException e) {
                if (!onAcceptFailure(e)) {
                    return;
                }
                continue;
            } catch (java.io.IOException e) {
                LOG.log(Level.WARNING, "acceptor stops: " + e);
                return;
            }
            if (backoffNanos != 0) {
                LOG.log(Level.INFO, "accept resumed on fd " + listener.file().fd());
                backoffNanos = 0;
            }
            Connection connection = admission.admit(fd);
            if (connection == null) {
                continue;
            }
            if (!admission.serveOnAcceptor()) {
                Thread.ofVirtual().name("weft-conn-", fd).start(() -> admission.serve(connection));
                continue;
            }
            connection.beforeFirstBlock(this::start); // hand the accept loop to a new thread, once
            admission.serve(connection);
            if (owner != Thread.currentThread()) {
                return; // handed off: this thread was the connection's from its first park on
            }
        }
    }

    /** Returns false when the acceptor should stop (the listener closed during the back-off). */
    private boolean onAcceptFailure(ErrnoException e) {
        if (!e.isResourceExhaustion()) {
            // ECONNABORTED and friends: that connection is gone; the listener is fine.
            if (e.errno() != Errno.ECONNABORTED) {
                LOG.log(Level.WARNING, "accept failed, continuing: " + e.getMessage());
            }
            return true;
        }
        if (backoffNanos == 0) {
            metrics.acceptBackoffEpisode();
            LOG.log(Level.WARNING, "accept is out of resources (" + Errno.name(e.errno())
                    + "); backing off, existing connections are still served");
            backoffNanos = FIRST_BACKOFF_NANOS;
        } else {
            backoffNanos = Math.min(backoffNanos * 2, MAX_BACKOFF_NANOS);
        }
        // Sleep on the listener itself: a new connection or a shutdown ends the back-off early.
        WaitResult r;
        try {
            r = listener.awaitInput(backoffNanos);
        } catch (ErrnoException armFailed) {
            // could not add input interest (out of memory too?): sleep the back-off plainly instead
            java.util.concurrent.locks.LockSupport.parkNanos(backoffNanos);
            return true;
        }
        return r != WaitResult.FILE_CLOSED && r != WaitResult.SET_CLOSED;
    }
}

package dev.weft.server;

import dev.weft.poller.BlockingIo;
import dev.weft.poller.FileClosedException;
import dev.weft.poller.Item;
import dev.weft.poller.SetClosedException;
import dev.weft.poller.WaitResult;
import dev.weft.poller.sys.Errno;
import dev.weft.poller.sys.ErrnoException;
import java.lang.System.Logger.Level;
import java.util.function.IntConsumer;

/**
 * One accepting virtual thread on one listener's item. Accepts until the listener closes; hands each new fd to
 * the server. Running out of fds or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM) never kills it: it backs off
 * (5 ms doubling to 1 s, cut short by a new connection or by shutdown), logs once per episode, keeps the
 * existing connections served, and resumes when accept succeeds again — as nginx, Tomcat and libuv do.
 *
 * <pre>
 * Threading: run() is the acceptor thread's body; every field below is touched only by that thread.
 * </pre>
 */
final class Acceptor implements Runnable {
    private static final System.Logger LOG = System.getLogger(Acceptor.class.getName());
    private static final long FIRST_BACKOFF_NANOS = 5_000_000L;
    private static final long MAX_BACKOFF_NANOS = 1_000_000_000L;

    private final Item listener;
    private final IntConsumer admit;
    private final ServerMetrics metrics;
    private long backoffNanos; // 0 outside an episode

    Acceptor(Item listener, IntConsumer admit, ServerMetrics metrics) {
        this.listener = listener;
        this.admit = admit;
        this.metrics = metrics;
    }

    @Override
    public void run() {
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
            admit.accept(fd);
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

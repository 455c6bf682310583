package dev.weft.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.poller.Item;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/** What tests of a closing server wait for (bounded, 20 s; polled, never slept on). Shared with the HTTP tests. */
public final class ServerProbes {
    private ServerProbes() {}

    /**
     * Waits until the thread in {@code ref} is parked: on a poller item (a wait for input) when {@code onPoller},
     * on anything (a latch, a lock) otherwise.
     */
    public static void awaitParked(AtomicReference<Thread> ref, boolean onPoller) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (;;) {
            Thread t = ref.get();
            if (t != null && (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING)
                    && (!onPoller || LockSupport.getBlocker(t) instanceof Item)) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "the thread never parked: " + t);
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /** Waits until the server's listeners are closed: close() has begun, and the drain is on before that. */
    public static void awaitRefused(InetSocketAddress address) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (;;) {
            try (Socket probe = new Socket(address.getAddress(), address.getPort())) {
                assertTrue(System.nanoTime() < deadline, "the server kept accepting");
                Thread.yield();
            } catch (IOException refused) {
                return;
            }
        }
    }
}

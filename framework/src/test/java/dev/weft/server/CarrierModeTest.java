package dev.weft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.poller.NoFdLeaks;
import dev.weft.poller.PollerMode;
import dev.weft.poller.TestThreads;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The poller's CARRIER mode under a server: a connection's runs after its first park happen on its poll set's
 * poller thread, so a run that holds that thread (it computes; no park hands the thread back) would stall every
 * connection of the set — the carrier watch hands the set's loop to a fresh poller thread instead.
 */
@ExtendWith(NoFdLeaks.class)
class CarrierModeTest {

    /**
     * A later run that spins on its poller thread does not stop the set: another connection of the same set gets
     * its later run (on the successor), and the takeover is counted.
     */
    @Test
    void aRunHoldingItsPollerThreadDoesNotStallTheSet() throws Exception {
        AtomicBoolean release = new AtomicBoolean();
        CountDownLatch holding = new CountDownLatch(1);
        Map<Character, Thread> handlers = new ConcurrentHashMap<>();
        try (Server server = Server.builder().port(0).acceptors(1).pollerSets(1).pollerMode(PollerMode.CARRIER)
                .start(connection -> {
                    byte[] one = new byte[1];
                    connection.read(one, 0, 1); // the connection's name; there already: the first run goes on
                    handlers.put((char) one[0], Thread.currentThread());
                    connection.read(one, 0, 1); // parks: what follows is a later run, on the poller thread
                    if (one[0] == 'h') {
                        holding.countDown();
                        while (!release.get()) {
                            Thread.onSpinWait(); // holds weft-poller-0
                        }
                    }
                    connection.write(one, 0, 1);
                });
             Socket a = Clients.connect(server.address());
             Socket b = Clients.connect(server.address())) {
            try {
                a.getOutputStream().write('A');
                b.getOutputStream().write('B');
                awaitParked(handlers, 'A');
                awaitParked(handlers, 'B');
                a.getOutputStream().write('h');
                assertTrue(holding.await(60, TimeUnit.SECONDS), "A's later run never began");
                b.getOutputStream().write('e');
                assertEquals('e', b.getInputStream().read(), "B's later run, served while A held the poller thread");
                assertTrue(server.poller().stats().carrierTakeovers() >= 1, server.poller().stats().toString());
            } finally {
                release.set(true); // before the server closes: close() waits for the set's loop to end
            }
            assertEquals('h', a.getInputStream().read());
        }
    }

    private static void awaitParked(Map<Character, Thread> handlers, char name) {
        TestThreads.awaitTrue(() -> handlers.get(name) != null
                && handlers.get(name).getState() == Thread.State.WAITING, "handler " + name + " parked");
    }
}

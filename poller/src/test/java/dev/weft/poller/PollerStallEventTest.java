package dev.weft.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A virtual poller woken by the master while every carrier is busy waits for one; the PollerStall event
 * records that delay.
 * <pre>
 *   poller-0: parked on the master            spinners (one per carrier): busy for 300 ms, no yield
 *   main:     write -> set 0 readable -> master unparks poller-0 -> it runs only when a spinner ends
 * </pre>
 */
@ExtendWith(NoFdLeaks.class)
class PollerStallEventTest {

    @Test
    void aVirtualPollerKeptFromItsCarrierIsRecordedAsAStall() throws Exception {
        Path file = Files.createTempFile("weft", ".jfr");
        int carriers = Runtime.getRuntime().availableProcessors(); // the default scheduler's parallelism
        try (Recording recording = new Recording();
             Poller poller = Poller.open(new PollerConfig(1, PollerMode.VIRTUAL, 16));
             TestThreads threads = new TestThreads()) {
            recording.enable("dev.weft.PollerStall");
            recording.start();
            PollFile[] p = Fixtures.pair();
            Item item = poller.register(p[0]);
            assertEquals(WaitResult.TIMED_OUT, item.awaitInput(1_000_000)); // arms input interest
            Thread pollerThread = poller.pollerThread(0);
            awaitWaiting(pollerThread);
            long spinNanos = TimeUnit.MILLISECONDS.toNanos(300);
            Thread[] spinners = new Thread[carriers];
            java.util.concurrent.atomic.AtomicInteger mounted = new java.util.concurrent.atomic.AtomicInteger();
            for (int i = 0; i < carriers; i++) {
                spinners[i] = threads.virtual("spinner", () -> {
                    mounted.incrementAndGet(); // running code: this virtual thread holds a carrier
                    long end = System.nanoTime() + spinNanos;
                    while (System.nanoTime() < end) {
                        Thread.onSpinWait();
                    }
                });
            }
            awaitAllMounted(mounted, carriers);
            Fixtures.send(p[1], 1);
            for (Thread s : spinners) {
                s.join();
            }
            assertEquals(WaitResult.READY, item.awaitInput(TimeUnit.SECONDS.toNanos(20)));
            recording.stop();
            recording.dump(file);
            List<RecordedEvent> stalls = RecordingFile.readAllEvents(file).stream()
                    .filter(e -> e.getEventType().getName().equals("dev.weft.PollerStall")).toList();
            assertTrue(!stalls.isEmpty(), "no stall recorded");
            assertTrue(stalls.getFirst().getLong("delay") > PollerStallEvent.THRESHOLD_NANOS);
            Fixtures.closeAll(p);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void awaitWaiting(Thread t) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (t.getState() != Thread.State.WAITING) {
            assertTrue(System.nanoTime() < deadline, "the poller never parked");
            Thread.onSpinWait();
        }
    }

    private static void awaitAllMounted(java.util.concurrent.atomic.AtomicInteger mounted, int carriers) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (mounted.get() < carriers) {
            assertTrue(System.nanoTime() < deadline, "the spinners never all ran");
            Thread.onSpinWait();
        }
    }
}

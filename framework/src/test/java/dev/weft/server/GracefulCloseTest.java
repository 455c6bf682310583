package dev.weft.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.poller.NoFdLeaks;
import dev.weft.poller.TestThreads;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Graceful close ends idle connections at once and gives only exchanges in progress the grace (issue 11, item
 * 2: one idle keep-alive connection used to hold close() for the whole grace). The rule, for every mode: once the
 * server is closing, a read that would wait with nothing read since the last write returns end of stream; a
 * read in the middle of an exchange still waits.
 */
@ExtendWith(NoFdLeaks.class)
class GracefulCloseTest {
    private static final Duration LONG_GRACE = Duration.ofSeconds(30);

    /**
     * <pre>
     *   client:  one echo round trip, then silence      handler: parked in awaitReadable (checked)
     *   main:    close() with a 30 s grace               expect: returns long before the grace; client sees EOF
     * </pre>
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.weft.server.ServerModes#all")
    void anIdleConnectionDoesNotHoldClose(ServerModes.Mode mode) throws Exception {
        AtomicReference<Thread> handler = new AtomicReference<>();
        ConnectionHandler echo = connection -> {
            handler.set(Thread.currentThread());
            Handlers.ECHO.handle(connection);
        };
        Server server = mode.builder().shutdownGrace(LONG_GRACE).start(echo);
        try (Socket idle = Clients.connect(server.address())) {
            idle.getOutputStream().write(1);
            Clients.readExactly(idle, 1);
            ServerProbes.awaitParked(handler, true);
            long start = System.nanoTime();
            server.close();
            long tookNanos = System.nanoTime() - start;
            assertTrue(tookNanos < LONG_GRACE.toNanos() / 3, "close() took " + tookNanos / 1_000_000 + " ms");
            assertEquals(-1, ServerFailureTest.readOrReset(idle), "the idle connection was closed");
            assertEquals(0, server.stats().active());
        } finally {
            server.close();
        }
    }

    /**
     * <pre>
     *   client:  sends byte 1                  handler: reads it (an exchange is in progress), waits for the test
     *   main:    close() begins (listeners gone); lets the handler read on: it parks for byte 2 (checked)
     *   client:  sends byte 2                  handler: reads it — not end of stream — and answers [1, 2]
     * </pre>
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.weft.server.ServerModes#all")
    void aReadInTheMiddleOfAnExchangeStillWaitsWhileTheServerCloses(ServerModes.Mode mode) throws Exception {
        AtomicReference<Thread> handler = new AtomicReference<>();
        CountDownLatch firstRead = new CountDownLatch(1);
        CountDownLatch readOn = new CountDownLatch(1);
        ConnectionHandler twoBytes = connection -> {
            byte[] request = new byte[2];
            connection.awaitReadable();
            if (connection.read(request, 0, 1) < 0) {
                return; // a probe of awaitRefused
            }
            handler.set(Thread.currentThread());
            firstRead.countDown();
            readOn.await();
            assertEquals(1, connection.read(request, 1, 1), "a mid-exchange read was cut by the drain");
            connection.write(request, 0, 2);
        };
        Server server = mode.builder().shutdownGrace(LONG_GRACE).start(twoBytes);
        try (Socket client = Clients.connect(server.address()); TestThreads threads = new TestThreads()) {
            InetSocketAddress address = server.address();
            client.getOutputStream().write(1);
            assertTrue(firstRead.await(20, TimeUnit.SECONDS));
            threads.platform("close", server::close);
            ServerProbes.awaitRefused(address);
            readOn.countDown();
            ServerProbes.awaitParked(handler, true);
            client.getOutputStream().write(2);
            assertArrayEquals(new byte[] {1, 2}, Clients.readExactly(client, 2));
            assertEquals(-1, ServerFailureTest.readOrReset(client));
        } finally {
            server.close();
        }
    }
}

package dev.weft.poller.bench;

import dev.weft.poller.BlockingIo;
import dev.weft.poller.Item;
import dev.weft.poller.PollFile;
import dev.weft.poller.Poller;
import dev.weft.poller.sys.Sockets;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * What a read timeout costs when it does not fire (the common case: data arrives first). Two virtual threads
 * ping-pong one byte over a socket pair, every read carrying: no timeout; a 100 ms timeout (LockSupport.parkNanos,
 * one timer task per wait); a 10 s timeout (kept by the sweeper: an untimed park). Contenders alternate, three
 * rounds, in one run; prints round trips per second and the ratio to the untimed case. A rough program for
 * docs/benchmarks.md until the JMH suite measures it properly.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp poller/target/test-classes:poller/target/classes \
 *      dev.weft.poller.bench.TimeoutCost
 * </pre>
 */
public final class TimeoutCost {
    private static final int ROUND_TRIPS = 100_000;

    private TimeoutCost() {}

    public static void main(String[] args) throws Exception {
        long[] timeouts = {BlockingIo.NO_TIMEOUT, TimeUnit.MILLISECONDS.toNanos(100), TimeUnit.SECONDS.toNanos(10)};
        String[] names = {"untimed", "parkNanos (100 ms)", "sweeper (10 s)"};
        try (Poller poller = Poller.open()) {
            run(poller, timeouts[0], ROUND_TRIPS / 4); // warm-up
            int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
            for (int round = 1; round <= rounds; round++) {
                double base = 0;
                for (int i = 0; i < timeouts.length; i++) {
                    double rate = run(poller, timeouts[i], ROUND_TRIPS);
                    base = i == 0 ? rate : base;
                    System.out.printf("round %d  %-20s %,10.0f round trips/s  (%.2f× untimed)%n", round, names[i],
                            rate, rate / base);
                }
            }
        }
    }

    private static double run(Poller poller, long timeout, int n) throws Exception {
        int[] fds = Sockets.socketpair();
        PollFile a = PollFile.ofNonBlocking(fds[0]);
        PollFile b = PollFile.ofNonBlocking(fds[1]);
        Item ia = poller.register(a);
        Item ib = poller.register(b);
        long start = System.nanoTime();
        Thread echo = Thread.ofVirtual().start(() -> pingPong(ib, timeout, n, false));
        pingPongOn(ia, timeout, n);
        echo.join();
        long elapsed = System.nanoTime() - start;
        a.close();
        b.close();
        return n / (elapsed / 1e9);
    }

    private static void pingPongOn(Item item, long timeout, int n) throws Exception {
        Thread t = Thread.ofVirtual().start(() -> pingPong(item, timeout, n, true));
        t.join();
    }

    private static void pingPong(Item item, long timeout, int n, boolean first) {
        MemorySegment one = MemorySegment.ofArray(new byte[1]);
        try {
            for (int i = 0; i < n; i++) {
                if (first) {
                    BlockingIo.write(item, one, timeout);
                    BlockingIo.read(item, one, timeout);
                } else {
                    BlockingIo.read(item, one, timeout);
                    BlockingIo.write(item, one, timeout);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

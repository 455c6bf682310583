package dev.weft.poller;

import dev.weft.poller.sys.SockAddr;
import dev.weft.poller.sys.Sockets;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A one-byte ping-pong over a loopback TCP connection between two threads of the same kind (both virtual, or both
 * platform), each blocking in read until the other's byte arrives. "weft": both ends use weft (BlockingIo: park on
 * EAGAIN, unparked by weft's poller); "jdk": both use SocketChannel in blocking mode (a virtual thread parks on
 * the JDK's built-in poller; a platform thread blocks in the kernel). One op = 1,000 round trips run by a client
 * thread of that kind (so the JMH thread's own kind does not count); scores are per round trip.
 * {@code timeout} (weft only) sets the timeout of every wait: none, 100 ms (parkNanos) or 10 s (weft's sweeper).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PingPongBenchmark {
    @Param({"weft", "jdk"})
    public String io;

    @Param({"virtual", "platform"})
    public String threads;

    @Param({"none"})
    public String timeout;

    private Poller poller;
    private PollFile[] weftFiles;
    private Item clientItem;
    private SocketChannel jdkClient;
    private SocketChannel jdkServer;
    private Thread echo;
    private long timeoutNanos;
    private final MemorySegment one = MemorySegment.ofArray(new byte[1]);
    private final ByteBuffer oneBuffer = ByteBuffer.allocateDirect(1);

    @Setup(Level.Trial)
    public void open() throws Exception {
        timeoutNanos = switch (timeout) {
            case "100ms" -> TimeUnit.MILLISECONDS.toNanos(100);
            case "10s" -> TimeUnit.SECONDS.toNanos(10);
            default -> BlockingIo.NO_TIMEOUT;
        };
        Runnable loop = io.equals("weft") ? openWeft() : openJdk();
        echo = builder().start(loop);
    }

    private Runnable openWeft() throws IOException {
        poller = Poller.open(new PollerConfig(1, PollerMode.VIRTUAL, 256));
        PollFile listener = PollFile.ofNonBlocking(Sockets.socket(SockAddr.AF_INET));
        Sockets.bind(listener.fd(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Sockets.listen(listener.fd(), 1);
        Item accepting = poller.register(listener);
        PollFile client = PollFile.ofNonBlocking(Sockets.socket(SockAddr.AF_INET));
        clientItem = poller.register(client);
        Sockets.setInt(client.fd(), Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, 1);
        BlockingIo.connect(clientItem, Sockets.localAddress(listener.fd()), TimeUnit.SECONDS.toNanos(10));
        PollFile server = PollFile.ofNonBlocking(BlockingIo.accept(accepting, TimeUnit.SECONDS.toNanos(10)));
        Sockets.setInt(server.fd(), Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, 1);
        listener.close();
        Item serverItem = poller.register(server);
        weftFiles = new PollFile[] {client, server};
        return () -> {
            MemorySegment b = MemorySegment.ofArray(new byte[1]);
            try {
                while (BlockingIo.read(serverItem, b, timeoutNanos) > 0) {
                    BlockingIo.write(serverItem, b, timeoutNanos);
                }
            } catch (IOException closed) {
                // tear-down
            }
        };
    }

    private Runnable openJdk() throws IOException {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            jdkClient = SocketChannel.open(listener.getLocalAddress());
            jdkServer = listener.accept();
        }
        jdkClient.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
        jdkServer.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
        return () -> {
            ByteBuffer b = ByteBuffer.allocateDirect(1);
            try {
                while (jdkServer.read(b.clear()) > 0) {
                    jdkServer.write(b.flip());
                }
            } catch (IOException closed) {
                // tear-down
            }
        };
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        if (weftFiles != null) {
            for (PollFile f : weftFiles) {
                f.close();
            }
        }
        if (jdkClient != null) {
            jdkClient.close();
            jdkServer.close();
        }
        echo.join();
        if (poller != null) {
            poller.close();
        }
    }

    private Thread.Builder builder() {
        return threads.equals("virtual") ? Thread.ofVirtual() : Thread.ofPlatform().daemon();
    }

    static final int ROUND_TRIPS = 1_000;

    /** 1,000 round trips on a client thread of the chosen kind; JMH reports the time per round trip. */
    @Benchmark
    @org.openjdk.jmh.annotations.OperationsPerInvocation(ROUND_TRIPS)
    public void roundTrip() throws Exception {
        IOException[] failure = new IOException[1];
        Thread client = builder().start(() -> {
            try {
                for (int i = 0; i < ROUND_TRIPS; i++) {
                    roundTripOnce();
                }
            } catch (IOException e) {
                failure[0] = e;
            }
        });
        client.join();
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    private void roundTripOnce() throws IOException {
        if (clientItem != null) {
            BlockingIo.write(clientItem, one, timeoutNanos);
            if (BlockingIo.read(clientItem, one, timeoutNanos) != 1) {
                throw new IOException("echo ended");
            }
        } else {
            jdkClient.write(oneBuffer.clear());
            if (jdkClient.read(oneBuffer.clear()) != 1) {
                throw new IOException("echo ended");
            }
        }
    }
}

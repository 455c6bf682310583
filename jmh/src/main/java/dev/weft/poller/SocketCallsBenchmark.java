package dev.weft.poller;

import dev.weft.poller.sys.Errno;
import dev.weft.poller.sys.ErrnoException;
import dev.weft.poller.sys.Fds;
import dev.weft.poller.sys.SockAddr;
import dev.weft.poller.sys.Sockets;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
 * What a socket's reads and writes cost through read(2)/write(2) against recv(2)/send(2), the calls
 * {@link BlockingIo} makes on a {@link PollFile#ofSocket socket}: one thread, a loopback TCP connection with
 * TCP_NODELAY, 120 bytes each way per op (four calls: write, read on the far end, write back, read). Every call
 * finds its data in place (loopback delivers within the sender's call), so no op waits and the difference is
 * the calls' own path through the kernel.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SocketCallsBenchmark {
    private static final int MESSAGE = 120;

    @Param({"read-write", "recv-send"})
    public String calls;

    private int client;
    private int server;
    private boolean sockets;
    private final MemorySegment message = MemorySegment.ofArray(new byte[MESSAGE]);
    private final MemorySegment buffer = MemorySegment.ofArray(new byte[4096]);
    private final MemorySegment readErrno = Errno.capture();
    private final MemorySegment writeErrno = Errno.capture();

    @Setup(Level.Trial)
    public void connect() throws IOException, InterruptedException {
        sockets = calls.equals("recv-send");
        int listener = Sockets.socket(SockAddr.AF_INET);
        try {
            Sockets.bind(listener, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Sockets.listen(listener, 1);
            client = Sockets.socket(SockAddr.AF_INET);
            Sockets.connectRaw(client, Sockets.localAddress(listener)); // EINPROGRESS, done within loopback
            int fd;
            while ((fd = Sockets.accept(listener)) < 0) {
                Thread.sleep(1);
            }
            server = fd;
        } finally {
            Fds.close(listener);
        }
        Sockets.setInt(client, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, 1);
        Sockets.setInt(server, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, 1);
    }

    @TearDown(Level.Trial)
    public void close() throws ErrnoException {
        Fds.close(client);
        Fds.close(server);
    }

    @Benchmark
    public long roundTrip() throws ErrnoException {
        write(client);
        long n = read(server);
        write(server);
        return n + read(client);
    }

    private void write(int fd) throws ErrnoException {
        long n = sockets ? Sockets.send(fd, message, MESSAGE, Sockets.MSG_NOSIGNAL, writeErrno)
                : Fds.write(fd, message, MESSAGE, writeErrno);
        if (n != MESSAGE) {
            throw new IllegalStateException("short write: " + n);
        }
    }

    private long read(int fd) throws ErrnoException {
        long n = sockets ? Sockets.recv(fd, buffer, 0, readErrno) : Fds.read(fd, buffer, readErrno);
        if (n != MESSAGE) {
            throw new IllegalStateException("expected one message, read " + n);
        }
        return n;
    }
}

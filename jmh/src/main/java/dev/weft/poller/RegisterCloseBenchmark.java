package dev.weft.poller;

import dev.weft.poller.sys.EPoll;
import dev.weft.poller.sys.Sockets;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What registering and releasing one socket costs, and close-without-DEL (weft's pattern, the kernel's
 * eventpoll_release_file path) against EPOLL_CTL_DEL then close, on this kernel. Each op also creates the
 * socketpair (a baseline op measures just that).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RegisterCloseBenchmark {
    private Poller poller;

    @Setup(Level.Trial)
    public void open() throws IOException {
        poller = Poller.open(new PollerConfig(1, PollerMode.PLATFORM, 256));
    }

    @TearDown(Level.Trial)
    public void close() {
        poller.close();
    }

    @Benchmark
    public void baselineSocketpairAndClose() throws IOException {
        int[] fds = Sockets.socketpair();
        PollFile.ofNonBlocking(fds[0]).close();
        PollFile.ofNonBlocking(fds[1]).close();
    }

    @Benchmark
    public void registerThenCloseWithoutDel() throws IOException {
        int[] fds = Sockets.socketpair();
        PollFile a = PollFile.ofNonBlocking(fds[0]);
        poller.register(a);
        a.close();
        PollFile.ofNonBlocking(fds[1]).close();
    }

    @Benchmark
    public void registerThenDelThenClose() throws IOException {
        int[] fds = Sockets.socketpair();
        PollFile a = PollFile.ofNonBlocking(fds[0]);
        Item item = poller.register(a);
        EPoll.ctl(item.set.epfd(), EPoll.EPOLL_CTL_DEL, a.fd(), 0, 0); // benchmark only: weft never DELs
        a.close();
        PollFile.ofNonBlocking(fds[1]).close();
    }
}

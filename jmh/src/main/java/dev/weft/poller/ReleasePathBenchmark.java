package dev.weft.poller;

import dev.weft.poller.sys.Sockets;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
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
 * The seed's before/after in user space: threads register sockets in shared sets and close them without DEL.
 * REFCOUNT is weft as shipped (per-set and per-file locks, references dropped after unlocking). GLOBAL_MUTEX is
 * the pre-6.4 shape: the same code, but every release path (file close) holds one process-wide mutex — the
 * kernel's old epmutex. It exists only here, in benchmark sources. Run at 1, 2, 4 and 8 threads (-t).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ReleasePathBenchmark {
    /** The pre-6.4 epmutex, in user space. */
    private static final ReentrantLock EPMUTEX = new ReentrantLock();

    @Param({"REFCOUNT", "GLOBAL_MUTEX"})
    public String design;

    private Poller poller;
    private boolean global;

    @Setup(Level.Trial)
    public void open() throws IOException {
        poller = Poller.open(new PollerConfig(2, PollerMode.PLATFORM, 256));
        global = design.equals("GLOBAL_MUTEX");
    }

    @TearDown(Level.Trial)
    public void close() {
        poller.close();
    }

    /** One connection's life in the seed's pattern: two sockets registered, both closed without DEL. */
    @Benchmark
    public void registerThenCloseWithoutDel() throws IOException {
        int[] fds = Sockets.socketpair();
        PollFile a = PollFile.ofNonBlocking(fds[0]);
        PollFile b = PollFile.ofNonBlocking(fds[1]);
        poller.register(a);
        poller.register(b);
        if (global) {
            EPMUTEX.lock();
            try {
                a.close();
                b.close();
            } finally {
                EPMUTEX.unlock();
            }
        } else {
            a.close();
            b.close();
        }
    }
}

package dev.weft.poller;

import dev.weft.poller.sys.Tasks;

/**
 * Tells a loop held by its task from a loop whose thread only waits for a CPU, for a watch about to take a loop
 * over ({@link CarrierWatch}, the server's acceptor watch). A run seen at two looks may not have held its thread
 * at all: on a busy core — a fresh JVM's JIT compilers, a GC thread, another process, a container's CPU quota —
 * the thread was runnable and not running, and a successor would wait for the same CPU. So when a watch first
 * finds a run held it reads the thread's scheduler statistics ({@link Tasks#schedstat}) and looks once more: it
 * takes the loop over then unless the thread spent most of that time in a run queue — waiting for a CPU over half
 * the time, and more than twice as long as it ran — in which case it waits another look. A task that blocks its
 * thread (neither runs nor waits) or computes (runs) is taken over one look later than without the check; where
 * the kernel keeps no statistics, or the thread's id is unknown, at once, as before.
 *
 * <p>Measured on one core, a fresh server's first 5 s under {@code wrk -t1 -c64}: 60–131 carrier takeovers
 * without this check (a third of them with the JIT's threads reniced), 1–8 with it (docs/design.md, "A busy core
 * is not a held loop").
 *
 * <pre>
 * Threading: one instance per watched loop, used by its watch's thread only (every field: that thread only).
 * </pre>
 */
public final class CpuWait {
    /** Reads a thread's {time on a CPU, time waiting for one} (nanoseconds); false if it cannot. */
    @FunctionalInterface
    public interface Sampler {
        boolean read(int tid, long[] out);
    }

    private final Sampler sampler;
    private final long[] sample = new long[2];
    private int tid;         // the thread of the held run whose baseline is below
    private long run = -1;   // that run
    private long ran;        // its thread's time on a CPU at the baseline
    private long waited;     // its thread's time waiting for a CPU at the baseline
    private long at;         // System.nanoTime() at the baseline
    private long deferrals;  // looks deferred because the thread waited for a CPU

    public CpuWait() {
        this(Tasks::schedstat);
    }

    public CpuWait(Sampler sampler) {
        this.sampler = sampler;
    }

    /**
     * At a look that found run {@code heldRun} still running on thread {@code tid}: whether to wait one more look
     * before taking the loop over — the first time this run is seen held (the baseline is taken now), or when the
     * thread has waited for a CPU for most of the time since.
     *
     * @param tid the kernel id of the loop's thread; 0 if unknown (then never wait)
     * @param heldRun the run count seen at both looks (odd)
     * @param now System.nanoTime()
     */
    public boolean waitOneLook(int tid, long heldRun, long now) {
        if (tid <= 0 || !sampler.read(tid, sample)) {
            return false;
        }
        boolean first = heldRun != run || tid != this.tid;
        boolean queued = !first && waitedForCpu(sample[0] - ran, sample[1] - waited, now - at);
        this.tid = tid;
        run = heldRun;
        ran = sample[0];
        waited = sample[1];
        at = now;
        if (queued) {
            deferrals++;
        }
        return first || queued;
    }

    /** Looks deferred because the thread waited for a CPU, not for its task. */
    public long deferrals() {
        return deferrals;
    }

    /** Whether a thread that ran {@code ran} and waited {@code waited} ns of {@code elapsed} was mostly queued. */
    static boolean waitedForCpu(long ran, long waited, long elapsed) {
        return waited * 2 > elapsed && waited > ran * 2;
    }
}

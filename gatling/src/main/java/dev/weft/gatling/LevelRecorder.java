package dev.weft.gatling;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Per-level outcome of a stepped run (CapacitySimulation): how many requests each held level sent, how many
 * failed, and their response times (Gatling's own, in ms) as a histogram of 1 ms buckets, so the run can say
 * which levels were clean (no failure, p99 within the bound) and stop once one is not.
 *
 * <p>Concurrency: {@link #record} is called from any of Gatling's threads at once; every field it touches is an
 * atomic (counts add, nothing is read-modify-written across fields). A level's summary read while requests are
 * still arriving is a consistent-enough snapshot of counts that only grow; the final summary is read after the run.
 */
public final class LevelRecorder {
    /** Response times at or above this many ms share the last bucket (they fail any sensible p99 bound). */
    static final int MAX_MS = 60_000;

    private final List<Integer> rates;
    private final AtomicLong[] ok; // per level; add only
    private final AtomicLong[] ko; // per level; add only
    private final AtomicLongArray[] histogram; // per level, per ms bucket; add only

    public LevelRecorder(List<Integer> rates) {
        this.rates = List.copyOf(rates);
        ok = new AtomicLong[rates.size()];
        ko = new AtomicLong[rates.size()];
        histogram = new AtomicLongArray[rates.size()];
        for (int i = 0; i < rates.size(); i++) {
            ok[i] = new AtomicLong();
            ko[i] = new AtomicLong();
            histogram[i] = new AtomicLongArray(MAX_MS + 1);
        }
    }

    /** One request of level {@code level}: its response time in ms, or failed. */
    public void record(int level, boolean failed, long responseMillis) {
        assert level >= 0 && level < rates.size() : level;
        if (failed) {
            ko[level].incrementAndGet();
            return;
        }
        ok[level].incrementAndGet();
        histogram[level].incrementAndGet(Math.clamp(responseMillis, 0, MAX_MS));
    }

    /** What level {@code i} did so far. */
    public Level level(int i) {
        long okCount = ok[i].get();
        return new Level(rates.get(i), okCount, ko[i].get(), percentile(i, okCount, 0.50),
                percentile(i, okCount, 0.99));
    }

    /** Every level, in order. */
    public List<Level> levels() {
        List<Level> all = new ArrayList<>();
        for (int i = 0; i < rates.size(); i++) {
            all.add(level(i));
        }
        return all;
    }

    /** The highest rate among the leading clean levels (a level after a failed one does not count), or 0. */
    public int capacity(long maxP99Millis) {
        int best = 0;
        for (Level level : levels()) {
            if (!level.clean(maxP99Millis)) {
                break;
            }
            best = level.rate();
        }
        return best;
    }

    private long percentile(int i, long count, double p) {
        if (count == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(p * count);
        long seen = 0;
        for (int ms = 0; ms <= MAX_MS; ms++) {
            seen += histogram[i].get(ms);
            if (seen >= rank) {
                return ms;
            }
        }
        return MAX_MS;
    }

    /**
     * One level's outcome.
     *
     * @param rate  the arrival rate held, per second
     * @param ok    requests answered as expected
     * @param ko    requests failed (refused, reset, timed out, wrong status)
     * @param p50ms median response time of the OK ones, -1 when none
     * @param p99ms 99th percentile of the OK ones, -1 when none
     */
    public record Level(int rate, long ok, long ko, long p50ms, long p99ms) {
        /** Served something, failed nothing, p99 below the bound (as the run's assertions: strictly). */
        public boolean clean(long maxP99Millis) {
            return ok > 0 && ko == 0 && p99ms < maxP99Millis;
        }

        @Override
        public String toString() {
            return String.format("%6d/s  ok %8d  ko %6d  p50 %5d ms  p99 %5d ms", rate, ok, ko, p50ms, p99ms);
        }
    }
}

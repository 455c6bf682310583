package dev.weft.gatling;

import java.util.ArrayList;
import java.util.List;

/**
 * An open-model arrival schedule: one or more levels of new users (connections) per second, each reached by a
 * linear ramp from the previous one (the first from {@link #START_RATE}) and then held. A cold JIT at full rate
 * gives hundreds of failures, so there is always a ramp.
 *
 * <pre>
 *   rate
 *    r2 |                 ______
 *    r1 |       ______   /
 *       |     /       \_/        levels: ramp rampSeconds, hold holdSeconds, ...
 *     1 |___/
 *       +-------------------------> t
 * </pre>
 *
 * The plan knows its length and how many connections it opens, in total and in the busiest
 * {@link #TIME_WAIT_SECONDS}-second window, which is what the source-address budget is checked against.
 *
 * @param levels      the rates held, in order (at least one)
 * @param rampSeconds the ramp into every level, seconds (at least 1)
 * @param holdSeconds how long every level is held, seconds (at least 1)
 */
public record ArrivalPlan(List<Integer> levels, int rampSeconds, int holdSeconds) {
    /** The arrival rate the first ramp starts from, per second. */
    public static final int START_RATE = 1;
    /** Linux keeps a closed connection's 4-tuple in TIME_WAIT for 60 s (TCP_TIMEWAIT_LEN). */
    public static final int TIME_WAIT_SECONDS = 60;

    public ArrivalPlan {
        levels = List.copyOf(levels);
        if (levels.isEmpty() || rampSeconds < 1 || holdSeconds < 1) {
            throw new IllegalArgumentException("a plan needs a level, a ramp and a hold of at least 1 s");
        }
        for (int rate : levels) {
            if (rate < 1) {
                throw new IllegalArgumentException("rates must be at least 1/s, was " + rate);
            }
        }
    }

    /** Levels start, start+step, ..., {@code steps} of them. */
    public static ArrivalPlan stepped(int start, int step, int steps, int rampSeconds, int holdSeconds) {
        List<Integer> levels = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            levels.add(start + i * step);
        }
        return new ArrivalPlan(levels, rampSeconds, holdSeconds);
    }

    /** The plan's length in seconds: every ramp and every hold. */
    public int seconds() {
        return levels.size() * (rampSeconds + holdSeconds);
    }

    /** The rate the ramp into level {@code i} starts from. */
    public int rampStart(int i) {
        return i == 0 ? START_RATE : levels.get(i - 1);
    }

    /** The arrival rate at {@code t} seconds after the start (0 after the end). */
    public double rateAt(double t) {
        double levelStart = 0;
        for (int i = 0; i < levels.size(); i++) {
            double holdStart = levelStart + rampSeconds;
            if (t < holdStart) {
                double climbed = (levels.get(i) - rampStart(i)) * (t - levelStart) / rampSeconds;
                return t < levelStart ? 0 : rampStart(i) + climbed;
            }
            if (t < holdStart + holdSeconds) {
                return levels.get(i);
            }
            levelStart = holdStart + holdSeconds;
        }
        return 0;
    }

    /**
     * The level held at {@code t} seconds after the start, or -1 while ramping (and after the end): requests are
     * named by it so the report shows every level apart.
     */
    public int levelAt(double t) {
        int i = (int) Math.floor(t / (rampSeconds + holdSeconds));
        if (t < 0 || i >= levels.size()) {
            return -1;
        }
        return t - i * (rampSeconds + holdSeconds) < rampSeconds ? -1 : i;
    }

    /** Seconds from the start to the end of level {@code i}'s hold. */
    public int endOf(int i) {
        return (i + 1) * (rampSeconds + holdSeconds);
    }

    /** Connections opened per second of the plan, second by second (each second's rate at its middle). */
    long[] perSecond() {
        long[] counts = new long[seconds()];
        double carry = 0;
        for (int s = 0; s < counts.length; s++) {
            double exact = rateAt(s + 0.5) + carry;
            counts[s] = Math.round(exact);
            carry = exact - counts[s];
        }
        return counts;
    }

    /** Every connection the plan opens. */
    public long connections() {
        long total = 0;
        for (long c : perSecond()) {
            total += c;
        }
        return total;
    }

    /** The most connections opened within any {@link #TIME_WAIT_SECONDS}-second window. */
    public long busiestTimeWaitWindow() {
        long[] counts = perSecond();
        long window = 0;
        long max = 0;
        for (int s = 0; s < counts.length; s++) {
            window += counts[s];
            if (s >= TIME_WAIT_SECONDS) {
                window -= counts[s - TIME_WAIT_SECONDS];
            }
            max = Math.max(max, window);
        }
        return max;
    }
}

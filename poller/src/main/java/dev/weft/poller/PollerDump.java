package dev.weft.poller;

import java.util.List;

/**
 * A snapshot of the whole registry: what tests use to prove nothing leaked, and what operators read.
 *
 * @param mode    the kind of poller thread
 * @param closed  close() has begun
 * @param failure why the poller can no longer serve ({@link Poller#failure()}), or null
 * @param sets    every set, with its items
 */
public record PollerDump(PollerMode mode, boolean closed, Throwable failure, List<SetInfo> sets) {
    /**
     * The items registered now, over every set.
     *
     * @return the count
     */
    public int itemCount() {
        return sets.stream().mapToInt(s -> s.items().size()).sum();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("poller ").append(mode).append(closed ? " closed" : " open")
                .append(failure != null ? " FAILED: " + failure : "").append('\n');
        sets.forEach(sb::append);
        return sb.toString();
    }
}

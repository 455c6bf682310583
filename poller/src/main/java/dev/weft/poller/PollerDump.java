package dev.weft.poller;

import java.util.List;

/** A snapshot of the whole registry: what tests use to prove nothing leaked, and what operators read. */
public record PollerDump(PollerMode mode, boolean closed, List<SetInfo> sets) {
    public int itemCount() {
        return sets.stream().mapToInt(s -> s.items().size()).sum();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("poller ").append(mode).append(closed ? " closed" : " open")
                .append('\n');
        sets.forEach(sb::append);
        return sb.toString();
    }
}

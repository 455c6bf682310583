package dev.weft.poller;

import java.util.List;

/** One poll set in the registry dump, with its counters. */
public record SetInfo(int index, int epfd, int refs, boolean closing, int frees, long registrations,
                      long releases, long parks, long wakeups, long polls, long events, long staleEvents,
                      String pollerThread, Throwable failure, List<ItemInfo> items) {
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("set %d: epfd %d refs %d %s frees %d items %d registrations %d releases %d "
                        + "parks %d wakeups %d polls %d events %d stale %d poller %s%n", index, epfd, refs,
                closing ? "closing" : "open", frees, items.size(), registrations, releases, parks, wakeups,
                polls, events, staleEvents, pollerThread));
        if (failure != null) {
            sb.append("  poller failed: ").append(failure).append('\n');
        }
        for (ItemInfo item : items) {
            sb.append("  ").append(item).append('\n');
        }
        return sb.toString();
    }
}

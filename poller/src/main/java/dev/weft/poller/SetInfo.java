package dev.weft.poller;

import java.util.List;

/**
 * One poll set in the registry dump, with its counters.
 *
 * @param index         the set's index in its poller
 * @param epfd          its epoll fd number (closed once {@code refs} reached 0)
 * @param refs          references held now (owner, poller thread, items, MODs in flight)
 * @param closing       the set is closing or closed (or dead): it takes no new registration
 * @param frees         1 once its last reference went, else 0 (never more)
 * @param registrations files registered in it
 * @param releases      registrations released
 * @param parks         waits that parked on its items
 * @param wakeups       waiters its poller thread unparked
 * @param polls         epoll_wait calls
 * @param events        events returned
 * @param staleEvents   events dropped for a retired token
 * @param loopFailures  failed iterations of its poller thread
 * @param pollerThread  the poller thread's description
 * @param failure       why the set died (its poller thread or the master gave up), or null
 * @param items         its items (empty in {@link Poller#stats()})
 */
public record SetInfo(int index, int epfd, int refs, boolean closing, int frees, long registrations,
                      long releases, long parks, long wakeups, long polls, long events, long staleEvents,
                      long loopFailures, String pollerThread, Throwable failure, List<ItemInfo> items) {
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("set %d: epfd %d refs %d %s frees %d items %d registrations %d releases %d "
                        + "parks %d wakeups %d polls %d events %d stale %d loop-failures %d poller %s%n", index, epfd,
                refs, failure != null ? "dead" : closing ? "closing" : "open", frees, items.size(), registrations,
                releases, parks, wakeups, polls, events, staleEvents, loopFailures, pollerThread));
        if (failure != null) {
            sb.append("  poller failed: ").append(failure).append('\n');
        }
        for (ItemInfo item : items) {
            sb.append("  ").append(item).append('\n');
        }
        return sb.toString();
    }
}

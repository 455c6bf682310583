package dev.weft.poller;

/** Counters summed over every set of a poller. */
public record PollerStats(long registrations, long releases, long parks, long wakeups, long polls, long events,
                          long staleEvents, int liveItems, int setsFreed) {
    static PollerStats of(java.util.List<SetInfo> sets) {
        long regs = 0, rels = 0, parks = 0, wakeups = 0, polls = 0, events = 0, stale = 0;
        int freed = 0;
        for (SetInfo s : sets) {
            regs += s.registrations();
            rels += s.releases();
            parks += s.parks();
            wakeups += s.wakeups();
            polls += s.polls();
            events += s.events();
            stale += s.staleEvents();
            freed += s.frees();
        }
        return new PollerStats(regs, rels, parks, wakeups, polls, events, stale, (int) (regs - rels), freed);
    }
}

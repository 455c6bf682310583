package dev.weft.poller;

import java.util.List;

/**
 * Counters summed over every set of a poller (each read racily: a snapshot, not a consistent cut).
 *
 * @param registrations files registered since open
 * @param releases      registrations released (file closed or set closed)
 * @param parks         waits that parked
 * @param wakeups       waiters unparked by readiness
 * @param polls         epoll_wait calls of the poller threads
 * @param events        events those calls returned
 * @param staleEvents   events dropped because their token was retired (released item, reused fd)
 * @param liveItems     registrations not yet released
 * @param setsFreed     sets whose last reference went (fds closed, native memory freed)
 * @param failedSets    sets closed because their poller thread (or the master) died
 * @param loopFailures  iterations of the poller threads, the master and the sweeper that failed and were
 *                      survived or gave up (each logged once per run of failures)
 * @param carrierTakeovers CARRIER mode: loops handed to a fresh poller thread because a task held theirs
 */
public record PollerStats(long registrations, long releases, long parks, long wakeups, long polls, long events,
                          long staleEvents, int liveItems, int setsFreed, int failedSets, long loopFailures,
                          long carrierTakeovers) {
    static PollerStats of(List<SetInfo> sets, long threadFailures, long carrierTakeovers) {
        long regs = 0, rels = 0, parks = 0, wakeups = 0, polls = 0, events = 0, stale = 0, loopFailures = 0;
        int freed = 0, failed = 0;
        for (SetInfo s : sets) {
            regs += s.registrations();
            rels += s.releases();
            parks += s.parks();
            wakeups += s.wakeups();
            polls += s.polls();
            events += s.events();
            stale += s.staleEvents();
            freed += s.frees();
            failed += s.failure() != null ? 1 : 0;
            loopFailures += s.loopFailures();
        }
        return new PollerStats(regs, rels, parks, wakeups, polls, events, stale, (int) (regs - rels), freed, failed,
                loopFailures + threadFailures, carrierTakeovers);
    }
}

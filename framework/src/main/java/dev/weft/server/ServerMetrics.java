package dev.weft.server;

import java.util.concurrent.atomic.LongAdder;

/** The server's counters: LongAdders, written by acceptors and connection threads, summed by {@link #snapshot}. */
final class ServerMetrics {
    private final LongAdder accepted = new LongAdder();
    private final LongAdder closed = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder acceptBackoffs = new LongAdder();
    private final LongAdder acceptorTakeovers = new LongAdder();

    void accepted() {
        accepted.increment();
    }

    void closed() {
        closed.increment();
    }

    void rejected() {
        rejected.increment();
    }

    void dropped() {
        dropped.increment();
    }

    void bytesIn(long n) {
        bytesIn.add(n);
    }

    void bytesOut(long n) {
        bytesOut.add(n);
    }

    void timedOut() {
        timeouts.increment();
    }

    void acceptBackoffEpisode() {
        acceptBackoffs.increment();
    }

    void acceptorTakeover() {
        acceptorTakeovers.increment();
    }

    ServerStats snapshot(int active, boolean failed) {
        return new ServerStats(accepted.sum(), active, closed.sum(), rejected.sum(), dropped.sum(), bytesIn.sum(),
                bytesOut.sum(), timeouts.sum(), acceptBackoffs.sum(), acceptorTakeovers.sum(), failed);
    }
}

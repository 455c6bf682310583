package dev.weft.sample;

import dev.weft.poller.PollerDump;
import dev.weft.poller.PollerStats;
import dev.weft.poller.SetInfo;
import dev.weft.server.Server;
import dev.weft.server.ServerStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of GET /stats: the TCP server's counters and the poller's live registry — every poll set with its
 * reference count, items, registrations and releases, and the stale events it dropped (events that arrived for
 * a registration already released: the kernel's queue racing close(2)). Stock Helidon has no weft poller: its
 * /stats says so.
 */
public final class Stats {
    private Stats() {}

    public static Map<String, Object> of(String mode, Server tcp) {
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("mode", mode);
        if (tcp == null) {
            stats.put("server", null);
            stats.put("poller", null);
            return stats;
        }
        stats.put("server", server(tcp.stats()));
        stats.put("poller", poller(tcp.poller().stats(), tcp.poller().dump(false))); // no item walk, no lock
        return stats;
    }

    private static Map<String, Object> server(ServerStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accepted", s.accepted());
        m.put("active", s.active());
        m.put("closed", s.closed());
        m.put("rejected", s.rejected());
        m.put("timeouts", s.timeouts());
        m.put("bytesIn", s.bytesIn());
        m.put("bytesOut", s.bytesOut());
        m.put("acceptBackoffEpisodes", s.acceptBackoffEpisodes());
        m.put("acceptorTakeovers", s.acceptorTakeovers());
        return m;
    }

    private static Map<String, Object> poller(PollerStats p, PollerDump dump) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", dump.mode().name());
        m.put("registrations", p.registrations());
        m.put("releases", p.releases());
        m.put("liveItems", p.liveItems());
        m.put("staleEvents", p.staleEvents());
        m.put("parks", p.parks());
        m.put("wakeups", p.wakeups());
        m.put("setsFreed", p.setsFreed());
        m.put("carrierTakeovers", p.carrierTakeovers());
        List<Map<String, Object>> sets = new ArrayList<>();
        for (SetInfo set : dump.sets()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("index", set.index());
            s.put("epfd", set.epfd());
            s.put("refs", set.refs());
            s.put("closing", set.closing());
            s.put("liveItems", set.registrations() - set.releases());
            s.put("registrations", set.registrations());
            s.put("releases", set.releases());
            s.put("staleEvents", set.staleEvents());
            s.put("failure", set.failure() == null ? null : set.failure().toString());
            sets.add(s);
        }
        m.put("sets", sets);
        return m;
    }
}

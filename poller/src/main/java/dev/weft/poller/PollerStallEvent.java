package dev.weft.poller;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;

/**
 * JFR event, off by default: a virtual poller that the master woke had to wait this long for a carrier before it
 * could poll again — its set's readiness sat undelivered meanwhile (carriers busy with CPU-bound work). Committed
 * when the delay exceeds {@link #THRESHOLD_NANOS}. Enable with
 * {@code -XX:StartFlightRecording:settings=...} or {@code jfr configure +dev.weft.PollerStall#enabled=true}.
 */
@Name("dev.weft.PollerStall")
@Label("Poller Stall")
@Category({"weft", "Poller"})
@Description("A woken virtual poller waited long for a carrier; its set's readiness was not delivered meanwhile")
@Enabled(false)
final class PollerStallEvent extends jdk.jfr.Event {
    /** Delays under this are scheduling noise, not stalls. */
    static final long THRESHOLD_NANOS = 20_000_000L;

    @Label("Set")
    int set;

    @Label("Delay")
    @Timespan(Timespan.NANOSECONDS)
    long delay;
}

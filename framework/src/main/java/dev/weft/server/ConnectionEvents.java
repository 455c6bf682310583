package dev.weft.server;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;

/** The server's JFR events, off by default (enable e.g. with {@code jfr configure +dev.weft.ConnectionClosed#enabled=true}). */
final class ConnectionEvents {
    private ConnectionEvents() {}

    @Name("dev.weft.ConnectionAccepted")
    @Label("Connection Accepted")
    @Category({"weft", "Server"})
    @Description("A connection was accepted and registered with the poller")
    @Enabled(false)
    static final class Accepted extends jdk.jfr.Event {
        @Label("File Descriptor")
        int fd;

        @Label("Active Connections")
        int active;
    }

    @Name("dev.weft.ConnectionClosed")
    @Label("Connection Closed")
    @Category({"weft", "Server"})
    @Description("A served connection ended")
    @Enabled(false)
    static final class Closed extends jdk.jfr.Event {
        @Label("File Descriptor")
        int fd;

        @Label("Lifetime")
        @Timespan(Timespan.NANOSECONDS)
        long lifetime;

        @Label("Bytes Read")
        @DataAmount
        long bytesIn;

        @Label("Bytes Written")
        @DataAmount
        long bytesOut;

        @Label("Ended By")
        String cause;
    }

    /**
     * Loads the event classes. Called at server start: loading a class later may need an fd (a jar or a class
     * file to open) at the very moment accept has run out of them.
     */
    static void load() {
        new Accepted();
        new Closed();
    }

    static void accepted(int fd, int active) {
        Accepted event = new Accepted();
        if (event.isEnabled()) {
            event.fd = fd;
            event.active = active;
            event.commit();
        }
    }

    /** @param openedAtNanos the connection's System.nanoTime() at accept (the clock is read only when enabled) */
    static void closed(int fd, long openedAtNanos, long bytesIn, long bytesOut, String cause) {
        Closed event = new Closed();
        if (event.isEnabled()) {
            event.fd = fd;
            event.lifetime = System.nanoTime() - openedAtNanos;
            event.bytesIn = bytesIn;
            event.bytesOut = bytesOut;
            event.cause = cause;
            event.commit();
        }
    }
}

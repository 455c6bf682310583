package dev.weft.server;

import dev.weft.poller.PollerMode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Everything a {@link Server} is built from. Every value is validated eagerly, with a message naming the option;
 * the defaults are the table in framework/README.md (and docs/operations.md explains what each costs).
 *
 * @param address          where to listen. Default 127.0.0.1, port 8080 (port 0 picks a free one). Starting
 *                         on an address another socket holds fails with {@link java.net.BindException}.
 * @param acceptors        accepting threads (platform threads asleep in accept4). Default: cores.
 * @param acceptMode       one listener shared by all acceptors, or one SO_REUSEPORT listener per acceptor.
 *                         Default SHARED_LISTENER: any free acceptor takes the next connection, so a first run
 *                         that holds its acceptor (firstRunOnAcceptor) does not hold its connections' listener.
 * @param pollerSets       poll sets (epoll fds) connections are spread over. Default: cores.
 * @param pollerMode       the kind of poller thread. Default {@link #defaultPollerMode(int)}: CARRIER on a JVM
 *                         with one core, VIRTUAL with more. VIRTUAL: connection threads run on the JDK's
 *                         scheduler after their first run, spread over every core. CARRIER: each poll set's
 *                         platform poller thread also runs its connections' threads, and blocks in epoll_wait
 *                         only when none is runnable — no hand-off when the set runs dry, but a run that computes
 *                         holds its set's other connections, on one core, until the carrier watch hands the
 *                         set's loop to a fresh thread (after 4 to 6 ms); docs/design.md. VIRTUAL instead where
 *                         the JDK's scheduler cannot be replaced (see firstRunOnAcceptor).
 * @param backlog          listen(2) backlog per listener. Default 1024.
 * @param deferAccept      TCP_DEFER_ACCEPT: accept only once the first bytes arrived, so the first read does not
 *                         park (halved connection-per-request CPU on the prototype). Default true.
 * @param firstRunOnAcceptor a connection thread's first run — until it finishes or first parks: typically
 *                         reading the request, answering it, waiting for the next — runs on the thread that
 *                         accepted it, so no carrier is woken (5 syscalls per connection that finds the server idle
 *                         instead of 8). A first run that holds the acceptor over 2 ms (computing, or blocked in
 *                         native code or file I/O; a lock, a sleep or a socket park the virtual thread and hand the
 *                         acceptor back) has its listener taken over by a fresh acceptor within 4 ms (12 after an
 *                         idle spell; {@link ServerStats#acceptorTakeovers()}). Needs {@code --add-opens
 *                         java.base/java.lang=ALL-UNNAMED} (the JDK has no public scheduler API); without it, or
 *                         false, connection threads start on the JDK's scheduler. Default true.
 * @param maxConnections   connections served at once; beyond it a new connection is answered with the
 *                         over-capacity response, if one is set ({@link ServerBuilder#overCapacityResponse}),
 *                         closed at once and counted as rejected. Default 10,000.
 * @param firstByteTimeout how long a connection may stay silent before its first byte: a read (or
 *                         {@link Connection#awaitReadable()}) that waits before anything was received waits at
 *                         most this long, even when it asked for longer. Cuts connections that are opened and
 *                         never used, which otherwise hold a slot of {@code maxConnections} for the idle
 *                         timeout. Default 10 s.
 * @param idleTimeout      how long a read may wait when nothing has arrived since the last write (between
 *                         exchanges); then the connection is closed. Default 60 s.
 * @param readTimeout      how long a read may wait once input has started arriving (mid-exchange). Default 30 s.
 * @param writeTimeout     how long a write may wait for a peer that does not read. Default 30 s.
 * @param shutdownGrace    how long {@link Server#close()} lets exchanges in progress finish; idle connections
 *                         are closed at once. Default 10 s.
 * @param acceptedSocketOptions socket options every accepted connection gets, set once on the listeners (no
 *                         syscall per connection). Default {@link AcceptedSocketOptions#KERNEL_DEFAULTS}.
 */
public record ServerConfig(InetSocketAddress address, int acceptors, AcceptMode acceptMode, int pollerSets,
                           PollerMode pollerMode, int backlog, boolean deferAccept, boolean firstRunOnAcceptor,
                           int maxConnections,
                           Duration firstByteTimeout, Duration idleTimeout, Duration readTimeout,
                           Duration writeTimeout, Duration shutdownGrace,
                           AcceptedSocketOptions acceptedSocketOptions) {
    /** The port a server listens on unless told otherwise. */
    public static final int DEFAULT_PORT = 8080;

    /** Validates every value; throws {@link IllegalArgumentException} naming the first bad option. */
    public ServerConfig {
        if (address == null) {
            throw new IllegalArgumentException("address must not be null");
        }
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("address must be resolved: " + address);
        }
        positive("acceptors", acceptors, 1024);
        positive("pollerSets", pollerSets, 1024);
        if (acceptMode == null) {
            throw new IllegalArgumentException("acceptMode must not be null");
        }
        if (pollerMode == null) {
            throw new IllegalArgumentException("pollerMode must not be null");
        }
        if (acceptedSocketOptions == null) {
            throw new IllegalArgumentException("acceptedSocketOptions must not be null");
        }
        positive("backlog", backlog, 1 << 20);
        positive("maxConnections", maxConnections, 1 << 24);
        positive("firstByteTimeout", firstByteTimeout);
        positive("idleTimeout", idleTimeout);
        positive("readTimeout", readTimeout);
        positive("writeTimeout", writeTimeout);
        if (shutdownGrace == null || shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("shutdownGrace must be zero or positive, was " + shutdownGrace);
        }
    }

    /**
     * The documented defaults (framework/README.md).
     *
     * @return the default configuration
     */
    public static ServerConfig defaults() {
        int cores = Runtime.getRuntime().availableProcessors();
        return new ServerConfig(new InetSocketAddress(InetAddress.getLoopbackAddress(), DEFAULT_PORT), cores,
                AcceptMode.SHARED_LISTENER, cores, defaultPollerMode(cores), 1024, true, true, 10_000,
                Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(30),
                Duration.ofSeconds(10), AcceptedSocketOptions.KERNEL_DEFAULTS);
    }

    /**
     * The poller mode a server takes unless told otherwise: {@link PollerMode#CARRIER} when the JVM has one core,
     * {@link PollerMode#VIRTUAL} when it has more. What VIRTUAL buys is the JDK's work stealing: a connection
     * whose set is busy runs on another core. With one core there is no other core, and what it costs stays: a
     * set that runs dry hands off through the master poller and a parked carrier, ~30 CPU-µs more than CARRIER's
     * one blocking epoll_wait (docs/benchmarks.md, "One core: the carrier poller is the default").
     *
     * @param cores the available processors
     * @return CARRIER for one core, else VIRTUAL
     */
    public static PollerMode defaultPollerMode(int cores) {
        return cores == 1 ? PollerMode.CARRIER : PollerMode.VIRTUAL;
    }

    private static void positive(String name, int value, int max) {
        if (value < 1 || value > max) {
            throw new IllegalArgumentException(name + " must be 1.." + max + ", was " + value);
        }
    }

    private static void positive(String name, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}

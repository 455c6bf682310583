package dev.weft.poller;

/**
 * How a {@link Poller} is built. Every value is validated eagerly.
 *
 * @param sets      number of poll sets, each with its own epoll fd and poller thread; files are spread across
 *                  them round-robin. Default: the number of available processors.
 * @param mode      the kind of poller thread. Default: {@link PollerMode#VIRTUAL}.
 * @param maxEvents size of each set's native event buffer (maxevents of epoll_wait); more ready fds than this
 *                  are delivered over successive calls. Default: 256.
 */
public record PollerConfig(int sets, PollerMode mode, int maxEvents) {
    /** The default {@code maxEvents}. */
    public static final int DEFAULT_MAX_EVENTS = 256;
    private static final int MAX_SETS = 1024;

    /** Validates every value; throws {@link IllegalArgumentException} naming the first bad one. */
    public PollerConfig {
        if (sets < 1 || sets > MAX_SETS) {
            throw new IllegalArgumentException("sets must be 1.." + MAX_SETS + ", was " + sets);
        }
        if (mode == null) {
            throw new IllegalArgumentException("mode must not be null");
        }
        if (maxEvents < 1 || maxEvents > 65_536) {
            throw new IllegalArgumentException("maxEvents must be 1..65536, was " + maxEvents);
        }
    }

    /**
     * The defaults: a set per available processor, VIRTUAL poller threads, 256 events per epoll_wait.
     *
     * @return the default configuration
     */
    public static PollerConfig defaults() {
        return new PollerConfig(Runtime.getRuntime().availableProcessors(), PollerMode.VIRTUAL, DEFAULT_MAX_EVENTS);
    }

    /**
     * This configuration with another set count.
     *
     * @param n the number of sets
     * @return a new configuration
     */
    public PollerConfig withSets(int n) {
        return new PollerConfig(n, mode, maxEvents);
    }

    /**
     * This configuration with another poller mode.
     *
     * @param m the mode
     * @return a new configuration
     */
    public PollerConfig withMode(PollerMode m) {
        return new PollerConfig(sets, m, maxEvents);
    }

    /**
     * This configuration with another event buffer size.
     *
     * @param n maxevents of epoll_wait
     * @return a new configuration
     */
    public PollerConfig withMaxEvents(int n) {
        return new PollerConfig(sets, mode, n);
    }
}

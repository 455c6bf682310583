package dev.weft.poller;

/** Which kind of thread polls each set. */
public enum PollerMode {
    /**
     * One virtual thread per set polls with timeout 0 and, when idle, parks on a shared platform master blocked
     * in epoll_wait (the JDK's "mode 2" shape). Unparking a waiter lands on the poller's own carrier: on the
     * prototype measured in ../shared/notes/connection-cost.md, ~7.3 server CPU-µs per keep-alive request.
     */
    VIRTUAL,
    /**
     * One platform thread per set blocks in epoll_wait. Each unpark is an external submit to the virtual-thread
     * scheduler (often a futex wake of a carrier): ~10 CPU-µs per keep-alive request on the same prototype.
     */
    PLATFORM,
    /**
     * One platform thread per set, which is also a carrier: virtual threads built with the set's
     * {@link Poller#carrier(int) carrier} as their scheduler run on it between polls, and it blocks in
     * epoll_wait only when none is runnable. A thread it unparks runs on it with no hand-off (no futex, no
     * master, no re-arm). The event loop's hazard — a task that computes or blocks the thread holds the whole
     * set — is bounded: a task running at three looks of the watch (2 ms apart while tasks run) has its loop
     * handed to a fresh poller thread ({@link PollerStats#carrierTakeovers()}). Shorter tasks that compute
     * still share one core per set: CPU-bound handlers on connections of one set took 1.2–1.5× VIRTUAL's time
     * on two cores (bench/carrier-skew.sh), which is why weft's server runs VIRTUAL on more than one core and
     * CARRIER only on one, where VIRTUAL has no core to steal onto either. Measured under weft's
     * server, alternated with VIRTUAL: 2.14–2.17 syscalls per steady keep-alive request against 2.22–2.24, CPU
     * alike within the noise (docs/benchmarks.md).
     */
    CARRIER
}

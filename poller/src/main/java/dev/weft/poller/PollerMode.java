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
    PLATFORM
}

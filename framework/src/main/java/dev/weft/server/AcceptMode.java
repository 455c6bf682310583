package dev.weft.server;

/** How acceptors get connections. */
public enum AcceptMode {
    /**
     * One SO_REUSEPORT listener per acceptor: the kernel hashes each new connection to one listener, so exactly
     * one acceptor wakes, and acceptors never share an accept queue. A connection queued on a listener whose
     * acceptor is busy waits for that acceptor — with a connection's first run on its acceptor, for a handler
     * that computes (until the acceptor watch takes the listener over, 4 to 6 ms): 1.12× to 1.27× the wall time
     * of CPU-bound handlers on new connections against SHARED_LISTENER's ~1.0× (docs/benchmarks.md). For many
     * cores and handlers that never compute before their first park.
     */
    REUSEPORT,
    /**
     * One listener, every acceptor asleep in accept4 on it: the kernel wakes one of them per connection (an
     * exclusive wait, no herd), and any idle acceptor takes the next connection. The default.
     */
    SHARED_LISTENER
}

package dev.weft.server;

/** How acceptors get connections. */
public enum AcceptMode {
    /**
     * One SO_REUSEPORT listener per acceptor: the kernel hashes each new connection to one listener, so exactly
     * one acceptor wakes, and acceptors never share an accept queue. (A connection queued on a listener whose
     * acceptor is busy waits for that acceptor.)
     */
    REUSEPORT,
    /**
     * One listener, every acceptor asleep in accept4 on it: the kernel wakes one of them per connection (an
     * exclusive wait, no herd), and any idle acceptor takes the next connection.
     */
    SHARED_LISTENER
}

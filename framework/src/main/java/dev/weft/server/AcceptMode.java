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
     * One listener, registered in each acceptor's poll set (one item per acceptor, edge-triggered): a new
     * connection wakes every idle acceptor and one of them wins the accept4; the others get EAGAIN.
     */
    SHARED_LISTENER
}

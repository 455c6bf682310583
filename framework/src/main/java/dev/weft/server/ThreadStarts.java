package dev.weft.server;

/**
 * How the server starts its acceptor and connection threads: {@link Thread#start()}, behind a seam so tests can
 * make a start fail as an {@code OutOfMemoryError} ("unable to create native thread", no memory for a virtual
 * thread's stack) would.
 */
@FunctionalInterface
interface ThreadStarts {
    /** Plain {@link Thread#start()}. */
    ThreadStarts DEFAULT = Thread::start;

    /** Starts {@code thread}, or throws what a failed start throws. */
    void start(Thread thread);
}

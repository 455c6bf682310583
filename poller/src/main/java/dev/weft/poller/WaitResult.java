package dev.weft.poller;

/** How a wait for readiness ended. Each way out of a park has its own value. */
public enum WaitResult {
    /** The fd became ready (or was already ready when the wait began): try the I/O again. */
    READY,
    /** The deadline passed first. */
    TIMED_OUT,
    /** The waiting thread was interrupted; its interrupt status is left set. */
    INTERRUPTED,
    /** The file was closed: its registration is gone. */
    FILE_CLOSED,
    /** The poll set was closed (the poller is shutting down): the registration is gone. */
    SET_CLOSED
}

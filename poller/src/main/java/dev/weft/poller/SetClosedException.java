package dev.weft.poller;

import java.io.IOException;

/** The poll set (or the whole poller) was closed before or while the operation ran. */
public final class SetClosedException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Names what was closed.
     *
     * @param what the set or poller, e.g. "poll set 2"
     */
    public SetClosedException(String what) {
        super(what + " is closed");
    }
}

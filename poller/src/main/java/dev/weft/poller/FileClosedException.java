package dev.weft.poller;

import java.io.IOException;

/** The file was closed before or while the operation ran. */
public final class FileClosedException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Names the file.
     *
     * @param fd the fd number the file had
     */
    public FileClosedException(int fd) {
        super("fd " + fd + " is closed");
    }
}

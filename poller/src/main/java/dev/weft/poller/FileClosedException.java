package dev.weft.poller;

import java.io.IOException;

/** The file was closed before or while the operation ran. */
public final class FileClosedException extends IOException {
    private static final long serialVersionUID = 1L;

    public FileClosedException(int fd) {
        super("fd " + fd + " is closed");
    }
}

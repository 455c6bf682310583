package dev.weft.server;

/** Handlers the tests serve. */
final class Handlers {
    private Handlers() {}

    /** Echoes until the peer closes; waits for input before taking a buffer (idle connections hold none). */
    static final ConnectionHandler ECHO = connection -> {
        for (;;) {
            connection.awaitReadable();
            byte[] buffer = new byte[4096];
            int n = connection.read(buffer, 0, buffer.length);
            if (n < 0) {
                return;
            }
            connection.write(buffer, 0, n);
        }
    };
}

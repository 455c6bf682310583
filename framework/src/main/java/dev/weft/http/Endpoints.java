package dev.weft.http;

import dev.weft.server.Connection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/**
 * The two ends of one connection, asked of the kernel at most once each (getpeername/getsockname) and only when
 * somebody wants them. Threading: the connection's thread only.
 */
final class Endpoints {
    private final Connection connection;
    private InetSocketAddress peer;  // lazily
    private InetSocketAddress local; // lazily

    Endpoints(Connection connection) {
        this.connection = connection;
    }

    InetSocketAddress peer() {
        if (peer == null) {
            peer = ask(true);
        }
        return peer;
    }

    /** The peer, or null when the kernel no longer knows it (the connection was reset). */
    InetSocketAddress peerOrNull() {
        try {
            return peer();
        } catch (UncheckedIOException e) {
            return null;
        }
    }

    InetSocketAddress local() {
        if (local == null) {
            local = ask(false);
        }
        return local;
    }

    private InetSocketAddress ask(boolean remote) {
        try {
            return remote ? connection.peerAddress() : connection.localAddress();
        } catch (IOException e) {
            throw new UncheckedIOException("the connection is closed", e);
        }
    }
}

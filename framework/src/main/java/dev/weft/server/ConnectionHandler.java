package dev.weft.server;

/**
 * Serves one connection, on its own virtual thread. When it returns (or throws), the server closes the
 * connection. I/O on {@link Connection} parks the thread on the weft poller; timeouts and shutdown surface as
 * exceptions from those calls.
 */
@FunctionalInterface
public interface ConnectionHandler {
    void handle(Connection connection) throws Exception;
}

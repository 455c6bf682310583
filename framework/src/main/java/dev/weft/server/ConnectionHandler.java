package dev.weft.server;

/**
 * Serves one connection, on its own virtual thread. When it returns (or throws), the server closes the
 * connection. I/O on {@link Connection} parks the thread on the weft poller; timeouts and shutdown surface as
 * exceptions from those calls.
 */
@FunctionalInterface
public interface ConnectionHandler {
    /**
     * Serves {@code connection} until the exchange is over; the server closes it afterwards.
     *
     * @param connection the accepted connection
     * @throws Exception anything: an {@link java.io.IOException} (a reset peer, a timeout, a shutdown) ends the
     *                   connection quietly, anything else is also logged
     */
    void handle(Connection connection) throws Exception;
}

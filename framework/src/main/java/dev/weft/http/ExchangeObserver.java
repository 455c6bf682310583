package dev.weft.http;

/**
 * Observes every exchange once it ends — the hook behind the access log ({@link AccessLog}) and the
 * weft-micrometer metrics. Called once per exchange on the connection's thread, after the response was
 * written (or the connection failed), also for requests the parser rejected; keep it quick and never block.
 * When the exchange ends its connection cleanly, the connection is closed before the observer is called, so the
 * client's last segment never waits for it; otherwise the next request on the connection does. An observer that
 * throws is logged and does not affect the connection. Unused, the hook costs one null check per exchange: with
 * no observer the server reads no clock and builds no {@link Exchange}.
 */
@FunctionalInterface
public interface ExchangeObserver {
    /**
     * Called once when an exchange has ended.
     *
     * @param exchange what happened
     */
    void exchangeDone(Exchange exchange);

    /**
     * Called once when the server has started, before it serves a request (for observers that also want the
     * server's counters). Default: nothing.
     *
     * @param server the started server
     */
    default void serverStarted(HttpServer server) {
    }
}

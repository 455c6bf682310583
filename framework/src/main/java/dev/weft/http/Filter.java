package dev.weft.http;

/**
 * Runs around every routed request, in registration order: work before {@code next.proceed()} runs before the
 * handler, work after it runs after; a filter that answers without proceeding ends the exchange there.
 */
@FunctionalInterface
public interface Filter {
    /**
     * Runs around the rest of the chain.
     *
     * @param request  the request
     * @param response its response: fields set before {@code next.proceed()} survive an error response
     * @param next     the rest: the next filters, then the handler
     * @throws Exception anything: answered like a handler's exception
     */
    void filter(Request request, Response response, Chain next) throws Exception;

    /** The rest of the chain, as a filter sees it. */
    @FunctionalInterface
    interface Chain {
        /**
         * Runs the next filters and the handler.
         *
         * @throws Exception what they throw (a filter may let it pass or answer it)
         */
        void proceed() throws Exception;
    }
}

package dev.weft.http;

/**
 * Answers a request whose handler (or filter) threw an exception of a type it was registered for, with
 * {@link HttpServer.Builder#error(Class, ErrorHandler)}. The response arrives reset: the fields filters set
 * before the failed handler ran are kept, the handler's own are dropped, the status is 500 until changed. The
 * most specific registered class wins. An error handler that throws gets a logged 500.
 *
 * @param <E> the exception type it handles
 */
@FunctionalInterface
public interface ErrorHandler<E extends Exception> {
    /**
     * Writes the response for {@code exception}.
     *
     * @param request   the request that failed
     * @param response  its response, not yet committed
     * @param exception what the handler threw
     * @throws Exception anything: logged, and the client gets a 500
     */
    void handle(Request request, Response response, E exception) throws Exception;
}

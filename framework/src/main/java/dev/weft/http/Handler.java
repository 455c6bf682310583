package dev.weft.http;

/**
 * Serves one request. An exception becomes what an error handler or the status mapping makes of it, else a
 * logged 500; the connection lives on (see {@link HttpServer.Builder#error}).
 */
@FunctionalInterface
public interface Handler {
    /**
     * Serves the request; a response the handler does not complete is completed for it (an empty body, or the
     * end of its stream).
     *
     * @param request  the request
     * @param response its response
     * @throws Exception anything: see above
     */
    void handle(Request request, Response response) throws Exception;
}

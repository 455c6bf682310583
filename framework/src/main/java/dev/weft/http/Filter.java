package dev.weft.http;

/**
 * Runs around every routed request, in registration order: work before {@code next.proceed()} runs before the
 * handler, work after it runs after; a filter that answers without proceeding ends the exchange there.
 */
@FunctionalInterface
public interface Filter {
    void filter(Request request, Response response, Chain next) throws Exception;

    @FunctionalInterface
    interface Chain {
        void proceed() throws Exception;
    }
}

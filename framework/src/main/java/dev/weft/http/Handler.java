package dev.weft.http;

/** Serves one request. An exception becomes a 500 (or what the error handler maps it to); the connection lives on. */
@FunctionalInterface
public interface Handler {
    void handle(Request request, Response response) throws Exception;
}

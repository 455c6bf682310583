package dev.weft.http;

import java.net.InetSocketAddress;

/**
 * What happened in one exchange (a request and its response), as an {@link ExchangeObserver} sees it — also
 * for a request the parser rejected (400, 408, 413, 414, 431, 505...), which never reached a handler.
 *
 * @param peer          the client's address
 * @param requestLine   the request-line as received, or null when the head was rejected before it parsed
 * @param method        the method, or null when the head was rejected
 * @param route         the pattern of the route that served it, or null (no route matched, or rejected)
 * @param status        the status sent, or 0 when the connection ended before a response could be sent
 * @param bytesIn       request bytes read: head and body, framing included
 * @param bytesOut      response bytes written: head and body, framing included
 * @param durationNanos from the first byte of the request seen by the server to the end of the response
 * @param completed     true when the whole response was written
 */
public record Exchange(InetSocketAddress peer, String requestLine, String method, String route, int status,
                       long bytesIn, long bytesOut, long durationNanos, boolean completed) {}

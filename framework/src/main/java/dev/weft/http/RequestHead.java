package dev.weft.http;

/**
 * A parsed request head (RFC 9112 §3 request-line, §5 field lines).
 *
 * @param method       the method token, as sent (methods are case-sensitive, RFC 9110 §9.1)
 * @param target       the request-target, as sent
 * @param path         origin-form path, also for absolute-form targets (RFC 9112 §3.2.2); "*" for OPTIONS *
 * @param query        the query, without '?', or null
 * @param minorVersion 0 for HTTP/1.0, 1 for HTTP/1.1 (and any later 1.x, treated as 1.1: RFC 9110 §6.2)
 * @param version      the HTTP-version as received, e.g. "HTTP/1.1"
 * @param authority    the absolute-form target's authority; null: the Host field's (see {@link #authority()})
 * @param headers      the field lines
 */
public record RequestHead(String method, String target, String path, String query, int minorVersion,
                          String version, String authority, Headers headers) {
    /**
     * The authority the request was sent to: the absolute-form target's, else the Host field's (made into a
     * String only when asked for: most requests never ask).
     *
     * @return it, or null (an HTTP/1.0 request without Host)
     */
    @Override
    public String authority() {
        return authority != null ? authority : headers.get("host");
    }

    /** {@return the request-line as received: method, request-target and version, separated by single spaces} */
    public String requestLine() {
        return method + ' ' + target + ' ' + version;
    }
}

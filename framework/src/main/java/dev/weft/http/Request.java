package dev.weft.http;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One request as a handler sees it: method, path, parameters, fields, body, and where it came from.
 *
 * <pre>
 * Threading: the request's handler thread only.
 * </pre>
 */
public final class Request {
    private final RequestHead head;
    private final RequestBody body;
    private final Endpoints endpoints;
    private final JsonCodec json;
    private Map<String, String> pathParams = Map.of();
    private String route; // the matched route's pattern, once routed

    Request(RequestHead head, RequestBody body, Endpoints endpoints, JsonCodec json) {
        this.head = head;
        this.body = body;
        this.endpoints = endpoints;
        this.json = json;
    }

    /** {@return the method token, as sent (case-sensitive: RFC 9110 §9.1)} */
    public String method() {
        return head.method();
    }

    /** {@return the path, as sent (percent-encoding kept); "*" for {@code OPTIONS *}} */
    public String path() {
        return head.path();
    }

    /** {@return the raw query, without '?', or null} */
    public String query() {
        return head.query();
    }

    /**
     * {@return the request-line as received, e.g. {@code GET /todos?done=true HTTP/1.1}: for logs}
     */
    public String requestLine() {
        return head.requestLine();
    }

    /**
     * {@return the pattern of the route that matched, e.g. {@code /todos/{id}}; null before routing or when no route matched}
     */
    public String route() {
        return route;
    }

    void route(String pattern, Map<String, String> params) {
        this.route = pattern;
        this.pathParams = params;
    }

    /** {@return the client's address (the TCP peer: a proxy's when behind one)} */
    public InetSocketAddress peerAddress() {
        return endpoints.peer();
    }

    /** {@return the server's address this request arrived on} */
    public InetSocketAddress localAddress() {
        return endpoints.local();
    }

    /**
     * The first value of a query parameter, percent-decoded ({@code +} is a space).
     *
     * @param name the parameter's name, decoded
     * @return its first value ("" when it has no '='), or null when absent
     * @throws HttpStatusException 400 when the query holds a malformed percent-escape
     */
    public String queryParam(String name) {
        String q = head.query();
        if (q == null) {
            return null;
        }
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (key.equals(name)) {
                return eq < 0 ? "" : decode(pair.substring(eq + 1));
            }
        }
        return null;
    }

    /**
     * A parameter of the route's path pattern ({@code /users/{id}} → "id"), percent-decoded.
     *
     * @param name the parameter's name in the pattern
     * @return its value, never empty
     * @throws IllegalArgumentException when the route has no such parameter
     */
    public String pathParam(String name) {
        String v = pathParams.get(name);
        if (v == null) {
            throw new IllegalArgumentException("the route has no path parameter " + name);
        }
        return v;
    }

    /**
     * The first value of a field.
     *
     * @param name a field name (any case)
     * @return the first value of the field, or null
     */
    public String header(String name) {
        return head.headers().get(name);
    }

    /** {@return every field of the request head} */
    public Headers headers() {
        return head.headers();
    }

    /** {@return the authority the request was sent to (Host, or the absolute-form target's)} */
    public String authority() {
        return head.authority();
    }

    /**
     * The body as a stream (sends 100 Continue first when the client asked for it). Reading it this way buffers
     * nothing: it is outside the server's buffer budget.
     *
     * @return the body; empty when the request has none
     */
    public InputStream body() {
        return body;
    }

    /**
     * The whole body, buffered within the server's budget ({@link HttpLimits#maxBufferedBodyBytes()}).
     *
     * @return the body's bytes
     * @throws IOException         when the client fails to send it (closed, too slow)
     * @throws HttpStatusException 503 when the server's budget for buffered bodies is spent
     */
    public byte[] bodyBytes() throws IOException {
        return body.readAll();
    }

    /**
     * The whole body as text.
     *
     * @return the whole body as UTF-8 text (see {@link #bodyBytes()})
     * @throws IOException when the client fails to send it
     */
    public String bodyString() throws IOException {
        return new String(bodyBytes(), StandardCharsets.UTF_8);
    }

    /**
     * The body parsed as JSON by the server's {@link JsonCodec}.
     *
     * @param type the class to read
     * @param <T>  the class to read
     * @return the value
     * @throws HttpStatusException   415 unless Content-Type is {@code application/json} or
     *                               {@code application/*+json}; 400 when the body is not JSON of that type
     * @throws IOException           when the client fails to send the body
     * @throws IllegalStateException without a codec ({@link HttpServer.Builder#json(JsonCodec)})
     */
    public <T> T json(Class<T> type) throws IOException {
        return json((Type) type);
    }

    /**
     * The body parsed as JSON by the server's {@link JsonCodec}, for a generic type such as {@code List<Todo>}.
     *
     * @param type the type to read
     * @param <T>  the type to read
     * @return the value
     * @throws HttpStatusException   415 unless Content-Type is JSON; 400 when the body is not JSON of that type
     * @throws IOException           when the client fails to send the body
     * @throws IllegalStateException without a codec
     */
    public <T> T json(Type type) throws IOException {
        if (json == null) {
            throw new IllegalStateException("no JsonCodec configured: HttpServer.builder().json(codec)");
        }
        if (!isJson(header("content-type"))) {
            throw new HttpStatusException(415, "expected Content-Type application/json");
        }
        byte[] bytes = body.readAll();
        try {
            return json.read(bytes, type);
        } catch (Exception e) {
            // The library's message may name the server's classes: it goes to the log, not to the client.
            throw new HttpStatusException(400, "the request body is not valid JSON for the expected type", e);
        } finally {
            body.releaseBudget(); // the bytes are parsed and dropped
        }
    }

    /** application/json or application/*+json (RFC 6839), parameters ignored, any case. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(java.util.Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }

    /** Query decoding (application/x-www-form-urlencoded: '+' is a space); a malformed escape is a 400. */
    static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new HttpStatusException(400, "malformed percent-encoding in the query", e);
        }
    }

    /** Path-segment decoding (RFC 3986 §2.1: %XX only; '+' stays '+'); a malformed escape is a 400. */
    static String decodePathSegment(String s) throws HttpException {
        int percent = s.indexOf('%');
        if (percent < 0) {
            return s;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%') {
                out.write(c); // the request-target is visible ASCII only (checked by the parser)
                continue;
            }
            int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
            int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
            if (hi < 0 || lo < 0) {
                throw HttpException.badRequest("malformed percent-encoding in the path");
            }
            out.write(hi * 16 + lo);
            i += 2;
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}

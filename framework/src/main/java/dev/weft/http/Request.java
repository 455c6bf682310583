package dev.weft.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** One request as a handler sees it: method, path, parameters, fields, body. Handler thread only. */
public final class Request {
    private final RequestHead head;
    private final RequestBody body;
    private Map<String, String> pathParams = Map.of();

    Request(RequestHead head, RequestBody body) {
        this.head = head;
        this.body = body;
    }

    public String method() {
        return head.method();
    }

    /** The path, as sent (percent-encoding kept). */
    public String path() {
        return head.path();
    }

    /** The raw query, without '?', or null. */
    public String query() {
        return head.query();
    }

    /** The first value of a query parameter, percent-decoded, or null. */
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

    /** A parameter of the route's path pattern ({@code /users/{id}} → "id"), percent-decoded. */
    public String pathParam(String name) {
        String v = pathParams.get(name);
        if (v == null) {
            throw new IllegalArgumentException("the route has no path parameter " + name);
        }
        return v;
    }

    void pathParams(Map<String, String> params) {
        this.pathParams = params;
    }

    public String header(String name) {
        return head.headers().get(name);
    }

    public Headers headers() {
        return head.headers();
    }

    /** The authority the request was sent to (Host, or the absolute-form target's). */
    public String authority() {
        return head.authority();
    }

    /** The body as a stream (sends 100 Continue first when the client asked for it). */
    public InputStream body() {
        return body;
    }

    public byte[] bodyBytes() throws IOException {
        return body.readAllBytes();
    }

    public String bodyString() throws IOException {
        return new String(bodyBytes(), StandardCharsets.UTF_8);
    }

    /** Query decoding (application/x-www-form-urlencoded: '+' is a space). */
    static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
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

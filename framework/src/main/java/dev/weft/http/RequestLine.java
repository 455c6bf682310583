package dev.weft.http;

import java.nio.charset.StandardCharsets;

/** The request-line: method SP request-target SP HTTP-version (RFC 9112 §3), and the Host rules (§3.2). */
final class RequestLine {
    private RequestLine() {}

    static RequestHead parse(byte[] b, int start, int end, Headers headers) throws HttpException {
        int sp1 = start;
        while (sp1 < end && Tokens.isTchar(b[sp1])) {
            sp1++;
        }
        if (sp1 == start || sp1 == end || b[sp1] != ' ') {
            throw HttpException.badRequest("malformed method"); // method = token, then exactly one SP
        }
        int targetStart = sp1 + 1;
        int sp2 = targetStart;
        while (sp2 < end && Tokens.isTargetByte(b[sp2])) {
            sp2++;
        }
        if (sp2 == targetStart || sp2 == end || b[sp2] != ' ') {
            throw HttpException.badRequest("malformed request-target");
        }
        int minor = version(b, sp2 + 1, end);
        String method = method(b, start, sp1);
        String target = new String(b, targetStart, sp2 - targetStart, StandardCharsets.US_ASCII);
        return withTarget(method, target, minor, versionText(b, sp2 + 1), headers);
    }

    /** HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3); major 1 only (else 505). */
    private static int version(byte[] b, int from, int end) throws HttpException {
        if (end - from != 8 || b[from] != 'H' || b[from + 1] != 'T' || b[from + 2] != 'T' || b[from + 3] != 'P'
                || b[from + 4] != '/' || !digit(b[from + 5]) || b[from + 6] != '.' || !digit(b[from + 7])) {
            throw HttpException.badRequest("malformed HTTP-version");
        }
        if (b[from + 5] != '1') {
            throw new HttpException(505, "HTTP version not supported");
        }
        return b[from + 7] == '0' ? 0 : 1; // 1.x with x > 1: treated as 1.1 (RFC 9110 §6.2)
    }

    /** The version as received, without an allocation for the two common ones. */
    private static String versionText(byte[] b, int from) {
        return b[from + 7] == '1' ? "HTTP/1.1" : b[from + 7] == '0' ? "HTTP/1.0"
                : new String(b, from, 8, StandardCharsets.US_ASCII);
    }

    private static boolean digit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static String method(byte[] b, int start, int end) {
        int n = end - start;
        if (n == 3 && b[start] == 'G' && b[start + 1] == 'E' && b[start + 2] == 'T') {
            return "GET"; // the common case without an allocation
        }
        if (n == 4 && b[start] == 'P' && b[start + 1] == 'O' && b[start + 2] == 'S' && b[start + 3] == 'T') {
            return "POST";
        }
        return new String(b, start, n, StandardCharsets.US_ASCII);
    }

    private static RequestHead withTarget(String method, String target, int minor, String version,
                                          Headers headers) throws HttpException {
        String authority = host(headers, minor);
        String pathAndQuery;
        if (target.charAt(0) == '/') {
            pathAndQuery = target; // origin-form
        } else if (target.equals("*")) {
            if (!method.equals("OPTIONS")) {
                throw HttpException.badRequest("asterisk-form is for OPTIONS only"); // RFC 9112 §3.2.4
            }
            return new RequestHead(method, target, "*", null, minor, version, authority, headers);
        } else if (startsWithIgnoreCase(target, "http://") || startsWithIgnoreCase(target, "https://")) {
            int authorityStart = target.indexOf("//") + 2; // absolute-form: RFC 9112 §3.2.2
            int pathStart = authorityStart;
            while (pathStart < target.length() && target.charAt(pathStart) != '/' && target.charAt(pathStart) != '?') {
                pathStart++;
            }
            authority = target.substring(authorityStart, pathStart); // replaces Host (§3.2.2)
            if (authority.isEmpty()) {
                throw HttpException.badRequest("absolute-form without authority");
            }
            pathAndQuery = pathStart == target.length() ? "/" : target.charAt(pathStart) == '?'
                    ? "/" + target.substring(pathStart) : target.substring(pathStart);
        } else if (method.equals("CONNECT")) {
            throw new HttpException(501, "CONNECT is not supported");
        } else {
            throw HttpException.badRequest("unsupported request-target form");
        }
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String query = q < 0 ? null : pathAndQuery.substring(q + 1);
        return new RequestHead(method, target, path, query, minor, version, authority, headers);
    }

    /**
     * RFC 9112 §3.2: an HTTP/1.1 request with no Host, or more than one, gets 400. Returns null: the authority
     * is the Host field's, made into a String only if asked for ({@link RequestHead#authority()}).
     */
    private static String host(Headers headers, int minor) throws HttpException {
        int host = headers.indexOf("host", 0);
        if (host < 0) {
            if (minor == 1) {
                throw HttpException.badRequest("missing Host");
            }
            return null;
        }
        if (headers.indexOf("host", host + 1) >= 0) {
            throw HttpException.badRequest("repeated Host");
        }
        if (headers.valueHasAny(host, " \t/@")) {
            throw HttpException.badRequest("invalid Host");
        }
        return null;
    }

    private static boolean startsWithIgnoreCase(String s, String prefix) {
        return s.regionMatches(true, 0, prefix, 0, prefix.length());
    }
}

package dev.weft.http;

import java.util.HashMap;
import java.util.Map;

/**
 * A route's path: literal segments, {name} parameters, and an optional final {@code *} that matches the rest of
 * the path (any depth, also nothing): {@code /users/{id}/posts/{post}}, {@code /static/*}, {@code /*}. No regex.
 */
final class PathPattern {
    private final String pattern;
    private final String[] segments; // literal, or "{name}"

    PathPattern(String pattern) {
        if (pattern == null || !pattern.startsWith("/")) {
            throw new IllegalArgumentException("a path pattern starts with '/': " + pattern);
        }
        this.pattern = pattern;
        this.segments = pattern.substring(1).split("/", -1);
        for (String s : segments) {
            if (s.startsWith("{") != s.endsWith("}") || (s.startsWith("{") && s.length() < 3)) {
                throw new IllegalArgumentException("malformed parameter in " + pattern + ": " + s);
            }
        }
    }

    /**
     * The pattern with parameter names erased ({@code /users/{}} for {@code /users/{id}}): two routes of one
     * method with the same shape would match the same requests, the second never.
     */
    String shape() {
        StringBuilder sb = new StringBuilder();
        for (String s : segments) {
            sb.append('/').append(s.startsWith("{") ? "{}" : s);
        }
        return sb.toString();
    }

    /**
     * The parameters when {@code path} matches, else null. Walks the path in place (no split, no array): a
     * request's path is matched against every route until one fits.
     */
    Map<String, String> match(String path) throws HttpException {
        if (!path.startsWith("/")) {
            return null; // "*" (OPTIONS) or an absolute form's leftovers: no route has such a path
        }
        boolean rest = segments[segments.length - 1].equals("*");
        int fixed = rest ? segments.length - 1 : segments.length;
        int len = path.length();
        int pos = 1;        // start of the next path segment; len + 1 once the path is used up
        Map<String, String> params = null;
        for (int i = 0; i < fixed; i++) {
            if (pos > len) {
                return null; // fewer segments than the pattern's
            }
            int end = path.indexOf('/', pos);
            if (end < 0) {
                end = len;
            }
            String seg = segments[i];
            if (seg.startsWith("{")) {
                if (end == pos) {
                    return null; // a parameter is never empty
                }
                if (params == null) {
                    params = new HashMap<>(4);
                }
                params.put(seg.substring(1, seg.length() - 1), Request.decodePathSegment(path.substring(pos, end)));
            } else if (end - pos != seg.length() || !path.startsWith(seg, pos)) {
                return null;
            }
            pos = end + 1;
        }
        if (!rest && pos <= len) {
            return null; // more segments than the pattern's
        }
        return params == null ? Map.of() : params;
    }

    @Override
    public String toString() {
        return pattern;
    }
}

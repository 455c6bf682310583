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

    /** A path split into its segments, once per request (what {@link #match} takes). */
    static String[] segments(String path) {
        return path.startsWith("/") ? path.substring(1).split("/", -1) : null;
    }

    /** The parameters when the path's {@code parts} match, else null. */
    Map<String, String> match(String[] parts) throws HttpException {
        if (parts == null) {
            return null;
        }
        boolean rest = segments[segments.length - 1].equals("*");
        int fixed = rest ? segments.length - 1 : segments.length;
        if (rest ? parts.length < fixed : parts.length != fixed) {
            return null;
        }
        Map<String, String> params = null;
        for (int i = 0; i < fixed; i++) {
            String seg = segments[i];
            if (seg.startsWith("{")) {
                if (parts[i].isEmpty()) {
                    return null;
                }
                if (params == null) {
                    params = new HashMap<>(4);
                }
                params.put(seg.substring(1, seg.length() - 1), Request.decodePathSegment(parts[i]));
            } else if (!seg.equals(parts[i])) {
                return null;
            }
        }
        return params == null ? Map.of() : params;
    }

    @Override
    public String toString() {
        return pattern;
    }
}

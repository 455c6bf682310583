package dev.weft.http;

import java.util.HashMap;
import java.util.Map;

/** A route's path: literal segments and {name} parameters, e.g. {@code /users/{id}/posts/{post}}. No regex. */
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

    /** The parameters when {@code path} matches, else null. */
    Map<String, String> match(String path) {
        if (!path.startsWith("/")) {
            return null;
        }
        String[] parts = path.substring(1).split("/", -1);
        if (parts.length != segments.length) {
            return null;
        }
        Map<String, String> params = null;
        for (int i = 0; i < parts.length; i++) {
            String seg = segments[i];
            if (seg.startsWith("{")) {
                if (parts[i].isEmpty()) {
                    return null;
                }
                if (params == null) {
                    params = new HashMap<>(4);
                }
                params.put(seg.substring(1, seg.length() - 1), Request.decode(parts[i]));
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

package dev.weft.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The field lines of one message, kept as offsets into one copy of the header section: no String is made for a
 * field until somebody asks for it. Names match case-insensitively (RFC 9110 §5.1); values are trimmed of OWS.
 *
 * <pre>
 * Threading: built by the parser, then read by the request's handler thread only.
 * </pre>
 */
public final class Headers {
    private static final int[] NONE = new int[0];

    private final byte[] bytes;
    private int[] spans; // per field: nameStart, nameEnd, valueStart, valueEnd
    private int count;

    /** Headers over {@code bytes}, with room for {@code expected} fields (it grows if more are added). */
    Headers(byte[] bytes, int expected) {
        this.bytes = bytes;
        this.spans = expected == 0 ? NONE : new int[expected * 4];
    }

    void add(int nameStart, int nameEnd, int valueStart, int valueEnd) {
        if ((count + 1) * 4 > spans.length) {
            spans = java.util.Arrays.copyOf(spans, Math.max(16, spans.length * 2));
        }
        int i = count * 4;
        spans[i] = nameStart;
        spans[i + 1] = nameEnd;
        spans[i + 2] = valueStart;
        spans[i + 3] = valueEnd;
        count++;
    }

    /** {@return how many field lines there are} */
    public int size() {
        return count;
    }

    /**
     * The name of a field line, as sent.
     *
     * @param index 0 to {@link #size()} - 1, in the order sent
     * @return its name
     */
    public String name(int index) {
        return ascii(spans[index * 4], spans[index * 4 + 1]);
    }

    /**
     * The value of a field line, without surrounding whitespace (ISO-8859-1 decoded).
     *
     * @param index 0 to {@link #size()} - 1, in the order sent
     * @return its value
     */
    public String value(int index) {
        return latin1(spans[index * 4 + 2], spans[index * 4 + 3]);
    }

    /**
     * The first value of a field.
     *
     * @param name the field name, any case
     * @return its first value, or null
     */
    public String get(String name) {
        int i = indexOf(name, 0);
        return i < 0 ? null : value(i);
    }

    /**
     * Every value of a field.
     *
     * @param name the field name, any case
     * @return its values in the order sent; empty when absent
     */
    public List<String> all(String name) {
        List<String> values = new ArrayList<>(1);
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
            values.add(value(i));
        }
        return values;
    }

    /**
     * Whether a field is present.
     *
     * @param name the field name, any case
     * @return true when some field line has it
     */
    public boolean contains(String name) {
        return indexOf(name, 0) >= 0;
    }

    /** True when some value of {@code name}, as a comma-separated list, holds {@code token} (any case). */
    boolean hasToken(String name, String token) {
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
            int end = spans[i * 4 + 3];
            for (int from = spans[i * 4 + 2]; from <= end; ) { // each element, read in place: no String
                int comma = from;
                while (comma < end && bytes[comma] != ',') {
                    comma++;
                }
                int a = from;
                int b = comma;
                while (a < b && isOws(bytes[a])) {
                    a++;
                }
                while (b > a && isOws(bytes[b - 1])) {
                    b--;
                }
                if (b - a == token.length() && equalsIgnoreCase(a, token)) {
                    return true;
                }
                from = comma + 1;
            }
        }
        return false;
    }

    private static boolean isOws(byte b) {
        return b == ' ' || b == '\t';
    }

    /** True when the value of field line {@code index} holds any of {@code chars} (a few ASCII characters). */
    boolean valueHasAny(int index, String chars) {
        for (int i = spans[index * 4 + 2]; i < spans[index * 4 + 3]; i++) {
            for (int k = 0; k < chars.length(); k++) { // not String.indexOf: its intrinsic is set up per byte
                if (bytes[i] == chars.charAt(k)) {
                    return true;
                }
            }
        }
        return false;
    }

    int indexOf(String name, int from) {
        for (int i = from; i < count; i++) {
            int start = spans[i * 4];
            int end = spans[i * 4 + 1];
            if (end - start == name.length() && equalsIgnoreCase(start, name)) {
                return i;
            }
        }
        return -1;
    }

    private boolean equalsIgnoreCase(int start, String name) {
        for (int k = 0; k < name.length(); k++) {
            if (lower(bytes[start + k]) != lower(name.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    /** ASCII case folding of letters only ('^' and '~' differ by the same bit and must not match). */
    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }

    private String ascii(int start, int end) {
        return new String(bytes, start, end - start, StandardCharsets.US_ASCII);
    }

    private String latin1(int start, int end) {
        return new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
    }
}

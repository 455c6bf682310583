package dev.weft.http;

import java.util.Arrays;

/**
 * A response's field lines as name, value, name, value... in one array. A response whose only field is a
 * Content-Type the server chose ({@link #addShared}) allocates nothing: it points at a constant pair, copied on
 * the first change. Names and values were validated by {@link Response#header} or are the server's own.
 *
 * <pre>
 * Threading: the response's handler thread only.
 * </pre>
 */
final class ResponseFields {
    private static final String[] NONE = {};

    private String[] items = NONE; // name, value...; NONE or a shared constant until the first add
    private boolean shared = true; // items is not this object's own: copy before writing
    private int size;              // strings in use (twice the field count)

    /** {@return strings in use: names and values, twice the number of fields} */
    int size() {
        return size;
    }

    /** {@return the name (even index) or value (odd index) at {@code i}} */
    String get(int i) {
        return items[i];
    }

    void add(String name, String value) {
        if (shared || size + 2 > items.length) {
            items = Arrays.copyOf(items, Math.max(4, size * 2)); // one field and room for a second
            shared = false;
        }
        items[size++] = name;
        items[size++] = value;
    }

    /** Adds a constant name, value pair without copying it, if it is the first field. */
    void addShared(String[] pair) {
        if (size == 0) {
            items = pair;
            shared = true;
            size = 2;
        } else {
            add(pair[0], pair[1]);
        }
    }

    /** Drops every field named {@code name} (any case), keeping the others in order. */
    void remove(String name) {
        int kept = 0;
        for (int i = 0; i < size; i += 2) {
            if (!items[i].equalsIgnoreCase(name)) {
                if (kept != i) {
                    assert !shared : "a shared constant holds one field: nothing moves in it";
                    items[kept] = items[i];
                    items[kept + 1] = items[i + 1];
                }
                kept += 2;
            }
        }
        truncate(kept);
    }

    /** Keeps the first {@code n} strings only. */
    void truncate(int n) {
        if (!shared) {
            Arrays.fill(items, n, size, null);
        }
        size = n;
    }

    boolean has(String name) {
        for (int i = 0; i < size; i += 2) {
            if (items[i].equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }
}

package dev.weft.gatling;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The simulations' settings, read from system properties ({@code -Dname=value} on the Maven or java command
 * line), each with a default and a range; a value out of range or not a number is an
 * {@link IllegalArgumentException} naming the property, so a run with a typo stops before it fires anything.
 */
public final class Knobs {
    private final UnaryOperator<String> lookup;

    /** Settings from {@code lookup} (tests pass a map's get). */
    public Knobs(UnaryOperator<String> lookup) {
        this.lookup = Objects.requireNonNull(lookup);
    }

    /** Settings from the JVM's system properties. */
    public static Knobs system() {
        return new Knobs(System::getProperty);
    }

    /** The text of {@code name}, or {@code defaultValue} when it is unset or blank. */
    public String text(String name, String defaultValue) {
        String value = lookup.apply(name);
        return value == null || value.isBlank() ? defaultValue : value.strip();
    }

    /** Whether {@code name} was given (and is not blank). */
    public boolean has(String name) {
        String value = lookup.apply(name);
        return value != null && !value.isBlank();
    }

    /** A whole number in {@code min..max}. */
    public int integer(String name, int defaultValue, int min, int max) {
        assert min <= defaultValue && defaultValue <= max : name + " default out of its own range";
        return parse(name, text(name, Integer.toString(defaultValue)), min, max);
    }

    /** A comma-separated list of whole numbers, each in {@code min..max}, at least one. */
    public List<Integer> integers(String name, String defaultValue, int min, int max) {
        List<Integer> values = new ArrayList<>();
        for (String part : text(name, defaultValue).split(",")) {
            values.add(parse(name, part.strip(), min, max));
        }
        return List.copyOf(values);
    }

    private static int parse(String name, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException("-D" + name + "=" + value + ": must be a whole number in " + min + ".."
                + max);
    }
}

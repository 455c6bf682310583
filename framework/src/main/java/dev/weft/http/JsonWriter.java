package dev.weft.http;

/** Turns a value into JSON bytes with the library of the user's choice; weft writes no JSON itself. */
@FunctionalInterface
public interface JsonWriter {
    byte[] write(Object value) throws Exception;
}

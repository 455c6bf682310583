package dev.weft.sample;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.http.JsonCodec;
import java.lang.reflect.Type;

/**
 * The sample's JSON library: Jackson, for both APIs. Why Jackson: it is the most widely used and best kept JSON
 * library on the JVM, Helidon's own media support is built on it (so both modes serialise identically), and its
 * data binding is fast enough that /json costs less than the HTTP exchange around it.
 */
public final class Json {
    /** Thread-safe once configured; shared. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    private Json() {}

    /** The body of GET /json. */
    public record Message(String message) {}

    public static final Message HELLO = new Message("Hello, World!");

    /** weft's JSON hook, on this mapper: what {@code res.json(...)} writes and {@code req.json(...)} reads with. */
    public static final JsonCodec CODEC = new JsonCodec() {
        @Override
        public byte[] write(Object value) throws Exception {
            return MAPPER.writeValueAsBytes(value);
        }

        @Override
        public <T> T read(byte[] json, Type type) throws Exception {
            return MAPPER.readValue(json, MAPPER.constructType(type));
        }
    };
}

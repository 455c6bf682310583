package dev.weft.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Type;

/** The JsonCodec a Jackson user writes (tests only: weft itself depends on no JSON library). */
final class JacksonCodec implements JsonCodec {
    private final ObjectMapper mapper = new ObjectMapper();

    @Override
    public byte[] write(Object value) throws Exception {
        return mapper.writeValueAsBytes(value);
    }

    @Override
    public <T> T read(byte[] json, Type type) throws Exception {
        return mapper.readValue(json, mapper.constructType(type));
    }
}

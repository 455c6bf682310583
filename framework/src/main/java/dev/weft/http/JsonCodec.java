package dev.weft.http;

import java.lang.reflect.Type;

/**
 * JSON in both directions, with the library of the user's choice: weft writes and parses no JSON itself and
 * depends on no JSON library. Set one with {@link HttpServer.Builder#json(JsonCodec)}; then
 * {@link Response#json(Object)} writes through it, {@link Request#json(Class)} reads through it, and the error
 * responses weft writes become RFC 9457 problem details ({@code application/problem+json}).
 *
 * <p>With Jackson, for example:
 * <pre>{@code
 * ObjectMapper mapper = new ObjectMapper();
 * JsonCodec codec = new JsonCodec() {
 *     public byte[] write(Object value) throws Exception { return mapper.writeValueAsBytes(value); }
 *     public <T> T read(byte[] json, Type type) throws Exception {
 *         return mapper.readValue(json, mapper.constructType(type));
 *     }
 * };
 * }</pre>
 *
 * <p>Implementations are shared by every connection: they must be safe for concurrent use.
 */
public interface JsonCodec {
    /**
     * Serialises a value.
     *
     * @param value what a handler passed to {@link Response#json(Object)}, or a problem-details
     *              {@code Map<String, Object>} (type, title, status, detail) for an error response
     * @return the JSON text, UTF-8 encoded
     * @throws Exception when the value cannot be serialised (the exchange then fails with a 500)
     */
    byte[] write(Object value) throws Exception;

    /**
     * Parses a request body.
     *
     * @param json the whole body (UTF-8, as sent)
     * @param type the type the handler asked for: a {@code Class}, or a generic type such as
     *             {@code List<Todo>}
     * @param <T>  the type the handler asked for
     * @return the value
     * @throws Exception when the body is not JSON or does not fit the type (the client then gets a 400)
     */
    <T> T read(byte[] json, Type type) throws Exception;
}

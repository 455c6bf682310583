package dev.weft.sample;

/**
 * An RFC 9457 problem detail ({@code application/problem+json}): what the services answer for a bad request or an
 * unknown resource.
 */
public record Problem(String type, String title, int status, String detail) {
    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem badRequest(String detail) {
        return new Problem("about:blank", "Bad Request", 400, detail);
    }

    public static Problem notFound(String detail) {
        return new Problem("about:blank", "Not Found", 404, detail);
    }
}

package dev.weft.http;

/**
 * A request the server will not serve, with the status to answer. Thrown by the parser and the framing rules;
 * after it the connection is always closed (the bytes that follow cannot be trusted to start a new request).
 */
public final class HttpException extends Exception {
    @java.io.Serial
    private static final long serialVersionUID = 1L;

    /** The status to answer. */
    private final int status;

    /**
     * A rejection.
     *
     * @param status the status to answer (4xx or 5xx)
     * @param reason what was wrong, sent to the client in the plain-text body
     */
    public HttpException(int status, String reason) {
        super(reason, null, false, false); // no stack trace: this is input validation, on a hot path
        this.status = status;
    }

    /** {@return the status to answer} */
    public int status() {
        return status;
    }

    static HttpException badRequest(String reason) {
        return new HttpException(400, reason);
    }
}

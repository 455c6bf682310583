package dev.weft.http;

/**
 * An exception that carries the status its request should be answered with: weft throws it for faults of the
 * request found while a handler runs (a malformed query escape: 400; a body that is not JSON: 400; a
 * {@code Content-Type} that is not JSON: 415; request bodies over the server's buffer budget: 503), and a
 * handler may throw it to answer a status without an error handler. It is not logged: it describes the client's
 * request (or the server's load), not a bug. Error handlers registered for it (or a superclass) see it first.
 */
public class HttpStatusException extends RuntimeException {
    @java.io.Serial
    private static final long serialVersionUID = 1L;

    /** The status to answer. */
    private final int status;

    /**
     * An exception answering {@code status}.
     *
     * @param status the status to answer, 400..599
     * @param detail what went wrong, for the client: the {@code detail} of the problem body (keep secrets out)
     */
    public HttpStatusException(int status, String detail) {
        this(status, detail, null);
    }

    /**
     * An exception answering {@code status}, with its cause.
     *
     * @param status the status to answer, 400..599
     * @param detail what went wrong, for the client
     * @param cause  the underlying failure (kept for the server's logs, never sent)
     */
    public HttpStatusException(int status, String detail, Throwable cause) {
        super(detail, cause);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an error status is 400..599, was " + status);
        }
        this.status = status;
    }

    /** {@return the status to answer, 400..599} */
    public int status() {
        return status;
    }
}

package dev.weft.http;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What the server answers when routing fails or a handler (or filter) throws, and what it logs. In order: an
 * {@link ErrorHandler} registered for the exception's class or its nearest superclass; an
 * {@link HttpStatusException}'s own status; the {@code errorStatus} mapping; else 500. Only the last case — an
 * exception nobody claimed, or any {@link Error} — is logged (once, at ERROR, with the route, method, path and
 * stack); an Error also closes the connection. An exception after the response began to go out cannot be
 * answered: it is logged as a handler bug and the connection is closed. Error bodies are RFC 9457 problem
 * details ({@code application/problem+json}: type, title, status, detail) written by the server's
 * {@link JsonCodec}, or plain text without one. Immutable; shared by every connection.
 */
final class Errors {
    private static final System.Logger LOG = System.getLogger("dev.weft.http");

    private final Map<Class<?>, ErrorHandler<?>> handlers;
    private final Function<Exception, Integer> errorStatus;
    private final JsonCodec json;

    Errors(Map<Class<?>, ErrorHandler<?>> handlers, Function<Exception, Integer> errorStatus, JsonCodec json) {
        this.handlers = Map.copyOf(handlers);
        this.errorStatus = errorStatus;
        this.json = json;
    }

    /**
     * Answers the request whose handling threw {@code failure}; false when the connection must close after it.
     * Never throws for the handler's own faults; an I/O failure writing the answer propagates.
     */
    boolean answer(Request request, Response response, Throwable failure) throws IOException {
        if (response.onWire()) {
            LOG.log(Level.ERROR, "handler bug in " + where(request) + ": it threw after its response began "
                    + "(sent twice, or failed mid-stream); the connection is closed", failure);
            return false;
        }
        response.resetForError();
        if (failure instanceof Exception e) {
            ErrorHandler<?> handler = handlerFor(e.getClass());
            if (handler != null) {
                return runHandler(handler, request, response, e);
            }
            if (e instanceof HttpStatusException s) {
                LOG.log(Level.DEBUG, () -> where(request) + ": " + s.status() + " " + s.getMessage(), s);
                send(response, s.status(), s.getMessage());
                return true;
            }
            int mapped = mappedStatus(e);
            if (mapped > 0) {
                send(response, mapped, null);
                return true;
            }
        }
        LOG.log(Level.ERROR, "unhandled exception in " + where(request) + ": answered 500"
                + (failure instanceof Error ? " and closed the connection" : ""), failure);
        if (failure instanceof Error) {
            response.close(); // the handler's state is in doubt: no further request on this connection
        }
        send(response, 500, null);
        return !(failure instanceof Error);
    }

    @SuppressWarnings("unchecked")
    private boolean runHandler(ErrorHandler<?> handler, Request request, Response response, Exception e)
            throws IOException {
        try {
            ((ErrorHandler<Exception>) handler).handle(request, response, e);
            return true;
        } catch (Exception | Error inHandler) {
            inHandler.addSuppressed(e);
            LOG.log(Level.ERROR, "error handler for " + e.getClass().getName() + " failed in " + where(request)
                    + ": answered 500", inHandler);
            if (response.onWire()) {
                return false;
            }
            response.resetForError();
            send(response, 500, null);
            return true;
        }
    }

    /** The handler registered for {@code type} or its nearest superclass, or null. */
    private ErrorHandler<?> handlerFor(Class<?> type) {
        for (Class<?> c = type; c != null && handlers.size() > 0; c = c.getSuperclass()) {
            ErrorHandler<?> h = handlers.get(c);
            if (h != null) {
                return h;
            }
        }
        return null;
    }

    /** The errorStatus mapping's answer when it is a 4xx or 5xx, else 0 (unclaimed). */
    private int mappedStatus(Exception e) {
        Integer status;
        try {
            status = errorStatus.apply(e);
        } catch (RuntimeException inMapping) {
            e.addSuppressed(inMapping);
            return 0;
        }
        return status != null && status >= 400 && status <= 599 ? status : 0;
    }

    /**
     * Sends an error status with a problem body (no detail for a 500: it would tell a client about the server's
     * insides). A 503 carries Retry-After: 1.
     */
    void send(Response response, int status, String detail) throws IOException {
        response.status(status);
        if (status == 503) {
            response.header("Retry-After", "1");
        }
        String text = status >= 500 && status != 503 ? null : detail;
        if (json != null) {
            Map<String, Object> problem = new LinkedHashMap<>(); // RFC 9457 §3.1
            problem.put("type", "about:blank");
            problem.put("title", Status.reason(status));
            problem.put("status", status);
            if (text != null) {
                problem.put("detail", text);
            }
            byte[] body;
            try {
                body = json.write(problem);
            } catch (Exception e) {
                LOG.log(Level.ERROR, "the JsonCodec failed to write a problem body; sent plain text", e);
                body = null;
            }
            if (body != null) {
                if (!response.hasField("content-type")) {
                    response.contentType("application/problem+json");
                }
                response.send(body);
                return;
            }
        }
        response.send(Status.reason(status) + (text == null ? "" : ": " + text) + "\n");
    }

    private static String where(Request request) {
        return request.method() + " " + request.path() + " (route " + request.route() + ")";
    }
}

package dev.weft.helidon;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Status;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.util.List;

/**
 * Helidon's HTTP/1.1 connection reports each request head it reads and each response head it is about to write
 * to its listeners; weft's pass them to {@link WeftConnectionContext}, which keeps weft's rules around the
 * exchange (close after {@code Connection: close}, close after a 5xx to a request with a body, the head
 * deadline), then forward every event to the listeners the user configured (Helidon's wire log among them).
 *
 * <p>Why weft's listener must be the only one Helidon sees: in 4.5.0 the composite Helidon builds for two or
 * more listeners ({@code Http1ConnectionListenerUtil.ListFrameListener}) forwards nothing, so next to any other
 * listener (a user's, or Helidon's wire log, which it adds when none is configured) weft's would never be
 * called — nor would the user's two. weft installs one listener per direction and does the forwarding itself.
 *
 * <p>Stateless (the state is the connection context's); the user's listeners are immutable lists.
 */
final class ExchangeRules implements Http1ConnectionListener {
    private final boolean receive;
    private final List<Http1ConnectionListener> users;

    private ExchangeRules(boolean receive, List<Http1ConnectionListener> users) {
        this.receive = receive;
        this.users = List.copyOf(users);
    }

    /** The request side: a prologue was parsed, then its fields. */
    static ExchangeRules receive(List<Http1ConnectionListener> users) {
        return new ExchangeRules(true, users);
    }

    /** The response side: a status and the head about to be written. */
    static ExchangeRules send(List<Http1ConnectionListener> users) {
        return new ExchangeRules(false, users);
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        if (receive && ctx instanceof WeftConnectionContext weft) {
            if (weft.closeAfterResponse()) {
                // Pipelined behind a request or response that said "close": never answered (RFC 9112 §9.6).
                throw new CloseConnectionException("request after Connection: close");
            }
            weft.requestLineReceived();
        }
        for (Http1ConnectionListener l : users) {
            l.prologue(ctx, prologue);
        }
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        if (ctx instanceof WeftConnectionContext weft) {
            if (receive) {
                weft.requestHeadReceived(saysClose(headers), hasBody(headers));
            } else if (weft.responseHeadSending(saysClose(headers), contentLength(headers))
                    && headers instanceof WritableHeaders<?> writable) {
                writable.set(HeaderValues.CONNECTION_CLOSE); // the client learns that this connection ends here
            }
        }
        for (Http1ConnectionListener l : users) {
            l.headers(ctx, headers);
        }
    }

    @Override
    public void status(ConnectionContext ctx, Status status) {
        if (!receive && ctx instanceof WeftConnectionContext weft) {
            weft.responseStatus(status.code());
        }
        for (Http1ConnectionListener l : users) {
            l.status(ctx, status);
        }
    }

    /** Connection: close (the map lookup first: containsToken walks the values through a stream). */
    private static boolean saysClose(Headers headers) {
        return headers.contains(HeaderNames.CONNECTION) && headers.containsToken(HeaderValues.CONNECTION_CLOSE);
    }

    /** The response's Content-Length, or -1 without one (a streamed body) or with one Helidon cannot parse. */
    private static long contentLength(Headers headers) {
        try {
            return headers.contentLength().orElse(-1);
        } catch (IllegalArgumentException malformed) {
            return -1;
        }
    }

    /** Transfer-Encoding, or a Content-Length over 0 (a malformed one counts: Helidon rejects it later). */
    private static boolean hasBody(Headers headers) {
        if (headers.contains(HeaderNames.TRANSFER_ENCODING)) {
            return true;
        }
        try {
            return headers.contentLength().orElse(0) > 0;
        } catch (IllegalArgumentException malformed) { // NumberFormatException included
            return true;
        }
    }

    @Override
    public void data(ConnectionContext ctx, BufferData data) {
        for (Http1ConnectionListener l : users) {
            l.data(ctx, data);
        }
    }

    @Override
    public void data(ConnectionContext ctx, byte[] data, int position, int length) {
        for (Http1ConnectionListener l : users) {
            l.data(ctx, data, position, length);
        }
    }
}

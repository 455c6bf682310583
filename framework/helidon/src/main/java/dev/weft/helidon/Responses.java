package dev.weft.helidon;

import io.helidon.http.DateTime;
import java.nio.charset.StandardCharsets;

/** The few responses weft writes itself, below Helidon's routing, before closing a connection. */
final class Responses {
    private Responses() {}

    /** 408, empty, Connection: close: the request head did not arrive in time (RFC 9110 §15.5.9). */
    static byte[] requestTimeout() {
        String head = "HTTP/1.1 408 Request Timeout\r\nDate: " + DateTime.rfc1123String()
                + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        return head.getBytes(StandardCharsets.US_ASCII);
    }
}

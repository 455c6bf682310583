package dev.weft.http;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * Serialises a response head (RFC 9112 §4 status-line, §5 field lines) straight into the array that goes to the
 * socket: its exact length is counted first, then every byte written once — no StringBuilder, no String, no
 * copy. The caller may ask for room after the head (a small body then goes out in the same write). Field names
 * and values were validated when set (visible ASCII and Latin-1 only), so each char is one byte.
 *
 * <p>Threading: stateless; the status lines are built lazily and published with release/acquire (a thread that
 * sees null builds an equal one; one that sees an array sees it filled).
 */
final class ResponseHead {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] CONTENT_LENGTH = ascii("Content-Length: ");
    private static final byte[] CHUNKED = ascii("Transfer-Encoding: chunked\r\n");
    private static final byte[] CLOSE = ascii("Connection: close\r\n");
    private static final byte[] KEEP_ALIVE = ascii("Connection: keep-alive\r\n");
    private static final byte[][] STATUS_LINES_11 = new byte[600][]; // "HTTP/1.1 200 OK\r\n", by status
    private static final byte[][] STATUS_LINES_10 = new byte[600][];
    private static final VarHandle LINE = MethodHandles.arrayElementVarHandle(byte[][].class);

    private ResponseHead() {}

    /**
     * The head, followed by {@code room} bytes left for the caller to fill.
     *
     * @param contentLength the Content-Length field's value, or -1 for none
     * @param chunked       add Transfer-Encoding: chunked (then contentLength is -1)
     * @param fields        name, value, name, value...
     */
    static byte[] encode(int minorVersion, int status, ResponseFields fields, long contentLength, boolean chunked,
                         boolean keepAlive, int room) {
        int length = length(minorVersion, status, fields, contentLength, chunked, keepAlive);
        byte[] out = new byte[length + room];
        int written = write(minorVersion, status, fields, contentLength, chunked, keepAlive, out);
        assert written == length : "head length " + written + " != " + length;
        return out;
    }

    /** The length of the head {@link #write} writes with the same arguments. */
    static int length(int minorVersion, int status, ResponseFields fields, long contentLength, boolean chunked,
                      boolean keepAlive) {
        int length = statusLine(minorVersion, status).length + DateHeader.LINE_BYTES + CRLF.length;
        for (int i = 0; i < fields.size(); i += 2) {
            length += fields.get(i).length() + 2 + fields.get(i + 1).length() + 2;
        }
        if (chunked) {
            length += CHUNKED.length;
        } else if (contentLength >= 0) {
            length += CONTENT_LENGTH.length + digits(contentLength) + 2;
        }
        byte[] connection = connectionField(minorVersion, keepAlive);
        return connection == null ? length : length + connection.length;
    }

    /**
     * Writes the head at the start of {@code out}, which has room for {@link #length} bytes at least.
     *
     * @return the head's length
     */
    static int write(int minorVersion, int status, ResponseFields fields, long contentLength, boolean chunked,
                     boolean keepAlive, byte[] out) {
        int at = put(statusLine(minorVersion, status), out, 0);
        for (int i = 0; i < fields.size(); i += 2) {
            at = put(fields.get(i), out, at);
            out[at++] = ':';
            out[at++] = ' ';
            at = put(fields.get(i + 1), out, at);
            at = put(CRLF, out, at);
        }
        if (chunked) {
            at = put(CHUNKED, out, at);
        } else if (contentLength >= 0) {
            at = put(CONTENT_LENGTH, out, at);
            at = putDecimal(contentLength, out, at);
            at = put(CRLF, out, at);
        }
        byte[] connection = connectionField(minorVersion, keepAlive);
        if (connection != null) {
            at = put(connection, out, at);
        }
        at = put(DateHeader.line(), out, at);
        return put(CRLF, out, at);
    }

    private static byte[] connectionField(int minorVersion, boolean keepAlive) {
        return !keepAlive ? CLOSE : minorVersion == 0 ? KEEP_ALIVE : null;
    }

    private static byte[] statusLine(int minorVersion, int status) {
        byte[][] lines = minorVersion == 0 ? STATUS_LINES_10 : STATUS_LINES_11;
        byte[] line = (byte[]) LINE.getAcquire(lines, status);
        if (line == null) {
            line = ascii((minorVersion == 0 ? "HTTP/1.0 " : "HTTP/1.1 ") + status + " " + Status.reason(status)
                    + "\r\n");
            LINE.setRelease(lines, status, line); // a reader that sees the array sees its bytes
        }
        return line;
    }

    private static int put(byte[] src, byte[] dst, int at) {
        System.arraycopy(src, 0, dst, at, src.length);
        return at + src.length;
    }

    private static int put(String s, byte[] dst, int at) {
        for (int i = 0; i < s.length(); i++) {
            dst[at++] = (byte) s.charAt(i); // validated Latin-1 (Response.header)
        }
        return at;
    }

    static int digits(long n) {
        int d = 1;
        while (n >= 10) {
            n /= 10;
            d++;
        }
        return d;
    }

    private static int putDecimal(long n, byte[] dst, int at) {
        int end = at + digits(n);
        for (int i = end - 1; i >= at; i--) {
            dst[i] = (byte) ('0' + n % 10);
            n /= 10;
        }
        return end;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}

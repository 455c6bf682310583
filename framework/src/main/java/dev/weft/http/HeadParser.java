package dev.weft.http;

/**
 * Parses a request head — request-line and field lines (RFC 9112 §2–§5) — from bytes as they arrive. It first
 * finds the end of the head (CRLF CRLF), then parses the whole head, so the outcome never depends on how the
 * bytes were split across reads. Strict where leniency is a smuggling vector: every rule cites its section.
 *
 * <pre>
 * Use: feed(buffer, start, end) after each read; null means "need more bytes", a RequestHead means the head ended
 * at consumed(); HttpException means reject (the connection will be closed). Not thread-safe: one per connection.
 * </pre>
 */
final class HeadParser {
    private final HttpLimits limits;
    private int scanned;      // bytes of the current head already scanned for its end (relative to start)
    private int consumed;     // bytes the last complete head took, terminator included

    HeadParser(HttpLimits limits) {
        this.limits = limits;
    }

    /** Forgets the previous head: the next feed starts a new one. */
    void reset() {
        scanned = 0;
        consumed = 0;
    }

    /** Bytes, from {@code start}, that the head returned by the last feed occupied. */
    int consumed() {
        return consumed;
    }

    /**
     * Looks at {@code buf[start, end)}: the head when it is complete, null when more bytes are needed.
     *
     * @throws HttpException on a malformed or oversized head
     */
    RequestHead feed(byte[] buf, int start, int end) throws HttpException {
        int lead = skipLeadingEmptyLines(buf, start, end);
        int from = Math.max(start + scanned, lead);
        int headEnd = -1;
        for (int i = from; i < end; i++) {
            byte b = buf[i];
            if (b == '\n') {
                // RFC 9112 §2.2: a bare LF is not a line terminator here (we do not take the MAY).
                if (i == start || buf[i - 1] != '\r') {
                    throw HttpException.badRequest("bare LF");
                }
                if (i - lead >= 3 && buf[i - 2] == '\n' && buf[i - 3] == '\r') {
                    headEnd = i + 1;
                    break;
                }
            } else if (i > start && buf[i - 1] == '\r') {
                throw HttpException.badRequest("bare CR"); // RFC 9112 §2.2: a CR not followed by LF
            }
        }
        int limit = limits.maxRequestLineBytes() + limits.maxHeaderBytes() + 4;
        if (headEnd < 0) {
            scanned = Math.max(0, end - start - 1); // re-check the last byte: it may be the CR of a CRLF
            checkOversized(buf, lead, end, limit);
            return null;
        }
        if (headEnd - lead > limit) {
            checkOversized(buf, lead, headEnd, limit);
        }
        RequestHead head = parse(buf, lead, headEnd);
        consumed = headEnd - start;
        scanned = 0;
        return head;
    }

    /** RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request-line. */
    private static int skipLeadingEmptyLines(byte[] buf, int start, int end) {
        int i = start;
        while (i + 1 < end && buf[i] == '\r' && buf[i + 1] == '\n' && i - start < 8) {
            i += 2;
        }
        return i;
    }

    /** An incomplete (or complete but huge) head: 414 if the request-line alone is too long, else 431. */
    private void checkOversized(byte[] buf, int lead, int end, int limit) throws HttpException {
        int lineEnd = indexOf(buf, lead, end, (byte) '\r');
        int lineLength = (lineEnd < 0 ? end : lineEnd) - lead;
        if (lineLength > limits.maxRequestLineBytes()) {
            throw new HttpException(414, "request-line longer than " + limits.maxRequestLineBytes() + " bytes");
        }
        if (end - lead > limit) {
            throw new HttpException(431, "header section larger than " + limits.maxHeaderBytes() + " bytes");
        }
    }

    private RequestHead parse(byte[] buf, int start, int end) throws HttpException {
        int lineEnd = indexOf(buf, start, end, (byte) '\r');
        if (lineEnd - start > limits.maxRequestLineBytes()) {
            throw new HttpException(414, "request-line longer than " + limits.maxRequestLineBytes() + " bytes");
        }
        // Copy the field section once; Headers keeps offsets into it.
        int fieldsStart = lineEnd + 2;
        int fieldsLength = end - 2 - fieldsStart; // without the final empty line's CRLF
        if (fieldsLength > limits.maxHeaderBytes()) {
            throw new HttpException(431, "header section larger than " + limits.maxHeaderBytes() + " bytes");
        }
        byte[] fields = java.util.Arrays.copyOfRange(buf, fieldsStart, fieldsStart + Math.max(0, fieldsLength));
        Headers headers = parseFields(fields);
        return RequestLine.parse(buf, start, lineEnd, headers);
    }

    private Headers parseFields(byte[] f) throws HttpException {
        Headers headers = new Headers(f, count(f, (byte) '\n')); // one LF per field line (a bare LF was refused)
        int pos = 0;
        while (pos < f.length) {
            int lineEnd = indexOf(f, pos, f.length, (byte) '\r');
            if (lineEnd < 0) {
                lineEnd = f.length;
            }
            if (f[pos] == ' ' || f[pos] == '\t') {
                throw HttpException.badRequest("obs-fold"); // RFC 9112 §5.2: we reject line folding
            }
            int colon = pos;
            while (colon < lineEnd && Tokens.isTchar(f[colon])) {
                colon++;
            }
            if (colon == pos || colon == lineEnd || f[colon] != ':') {
                // covers whitespace between name and colon: RFC 9112 §5.1 MUST reject with 400
                throw HttpException.badRequest("malformed field line");
            }
            int valueStart = colon + 1;
            int valueEnd = lineEnd;
            while (valueStart < valueEnd && (f[valueStart] == ' ' || f[valueStart] == '\t')) {
                valueStart++;
            }
            while (valueEnd > valueStart && (f[valueEnd - 1] == ' ' || f[valueEnd - 1] == '\t')) {
                valueEnd--;
            }
            for (int i = valueStart; i < valueEnd; i++) {
                if (!Tokens.isFieldValueByte(f[i])) {
                    throw HttpException.badRequest("control character in a field value"); // RFC 9110 §5.5
                }
            }
            headers.add(pos, colon, valueStart, valueEnd);
            if (headers.size() > limits.maxHeaderCount()) {
                throw new HttpException(431, "more than " + limits.maxHeaderCount() + " header fields");
            }
            pos = lineEnd + 2;
        }
        return headers;
    }

    private static int count(byte[] buf, byte b) {
        int n = 0;
        for (byte x : buf) {
            if (x == b) {
                n++;
            }
        }
        return n;
    }

    static int indexOf(byte[] buf, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }
}

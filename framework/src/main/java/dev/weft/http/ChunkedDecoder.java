package dev.weft.http;

/**
 * Decodes a chunked body (RFC 9112 §7.1) incrementally, from bytes as they arrive:
 * <pre>
 *   chunked-body = *chunk last-chunk trailer-section CRLF
 *   chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 *   chunk-size   = 1*HEXDIG          (at most 15 digits here: no overflow)
 *   chunk-ext    = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] )   (validated, then ignored)
 * </pre>
 * Trailer fields are validated like header fields and then discarded. Bare CR or LF is an error, as in the head.
 *
 * <pre>
 * Use: decode(buf, pos, end, out) consumes what it can and copies chunk data to out; returns the new pos.
 * done() once the final CRLF is consumed. Not thread-safe: one per request body.
 * </pre>
 */
final class ChunkedDecoder {
    private enum State { SIZE_LINE, DATA, DATA_CR, DATA_LF, TRAILERS, DONE }

    private static final int MAX_LINE_BYTES = 4096;
    private static final int MAX_SIZE_DIGITS = 15;

    private final long maxBodyBytes;
    private final int maxTrailerBytes;
    private State state = State.SIZE_LINE;
    private final byte[] line = new byte[MAX_LINE_BYTES];
    private int lineLength;
    private long remaining;      // bytes left in the current chunk's data
    private long total;          // body bytes so far
    private long framingBytes;   // size lines (extensions included) so far
    private int trailerBytes;

    ChunkedDecoder(long maxBodyBytes, int maxTrailerBytes) {
        this.maxBodyBytes = maxBodyBytes;
        this.maxTrailerBytes = maxTrailerBytes;
    }

    boolean done() {
        return state == State.DONE;
    }

    /** Output for chunk data. */
    interface Sink {
        void accept(byte[] b, int off, int len);
    }

    /** Consumes bytes of {@code buf[pos, end)}; chunk data goes to {@code out}. Returns the first unconsumed index. */
    int decode(byte[] buf, int pos, int end, Sink out) throws HttpException {
        while (pos < end && state != State.DONE) {
            switch (state) {
                case SIZE_LINE, TRAILERS -> pos = line(buf, pos, end);
                case DATA -> {
                    int n = (int) Math.min(remaining, end - pos);
                    out.accept(buf, pos, n);
                    pos += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.DATA_CR;
                    }
                }
                case DATA_CR -> {
                    expect(buf[pos++], (byte) '\r');
                    state = State.DATA_LF;
                }
                case DATA_LF -> {
                    expect(buf[pos++], (byte) '\n');
                    state = State.SIZE_LINE;
                }
                case DONE -> { }
            }
        }
        return pos;
    }

    private static void expect(byte got, byte wanted) throws HttpException {
        if (got != wanted) {
            throw HttpException.badRequest("chunk data not followed by CRLF");
        }
    }

    /** Collects one CRLF-terminated line (size line or trailer line), then acts on it. */
    private int line(byte[] buf, int pos, int end) throws HttpException {
        while (pos < end) {
            byte b = buf[pos++];
            if (b == '\n') {
                if (lineLength == 0 || line[lineLength - 1] != '\r') {
                    throw HttpException.badRequest("bare LF in chunked framing");
                }
                int length = lineLength - 1;
                lineLength = 0;
                if (state == State.SIZE_LINE) {
                    sizeLine(length);
                } else {
                    trailerLine(length);
                }
                return pos;
            }
            if (lineLength > 0 && line[lineLength - 1] == '\r') {
                throw HttpException.badRequest("bare CR in chunked framing");
            }
            if (lineLength == line.length) {
                throw HttpException.badRequest("chunk line too long");
            }
            line[lineLength++] = b;
        }
        return pos;
    }

    private void sizeLine(int length) throws HttpException {
        framingBytes += length + 2;
        if (framingBytes > Math.max(maxBodyBytes, MAX_LINE_BYTES)) {
            // Tiny chunks with long extensions would make the body's wire size unbounded while its data stays
            // under the limit; the framing may not outweigh the limit either.
            throw new HttpException(413, "chunked framing larger than the body limit");
        }
        int i = 0;
        long size = 0;
        while (i < length && hex(line[i]) >= 0) {
            if (i == MAX_SIZE_DIGITS) {
                throw HttpException.badRequest("chunk size too large");
            }
            size = size * 16 + hex(line[i]);
            i++;
        }
        if (i == 0) {
            throw HttpException.badRequest("invalid chunk size");
        }
        extensions(i, length);
        if (size == 0) {
            state = State.TRAILERS;
            return;
        }
        total += size;
        if (total > maxBodyBytes) {
            throw new HttpException(413, "request body larger than " + maxBodyBytes + " bytes");
        }
        remaining = size;
        state = State.DATA;
    }

    /** chunk-ext: each must be ";" name [ "=" value ], with optional BWS; names and values tokens or quoted. */
    private void extensions(int i, int length) throws HttpException {
        while (i < length) {
            i = skipBws(i, length);
            if (i == length) {
                return;
            }
            if (line[i] != ';') {
                throw HttpException.badRequest("invalid chunk extension");
            }
            i = skipBws(i + 1, length);
            int nameStart = i;
            while (i < length && Tokens.isTchar(line[i])) {
                i++;
            }
            if (i == nameStart) {
                throw HttpException.badRequest("invalid chunk extension name");
            }
            i = skipBws(i, length);
            if (i < length && line[i] == '=') {
                i = extensionValue(skipBws(i + 1, length), length);
            }
        }
    }

    private int extensionValue(int i, int length) throws HttpException {
        if (i < length && line[i] == '"') {
            for (i++; i < length; i++) {
                if (line[i] == '\\') {
                    i++;
                } else if (line[i] == '"') {
                    return i + 1;
                } else if (!Tokens.isFieldValueByte(line[i])) {
                    break;
                }
            }
            throw HttpException.badRequest("invalid quoted chunk extension value");
        }
        int start = i;
        while (i < length && Tokens.isTchar(line[i])) {
            i++;
        }
        if (i == start) {
            throw HttpException.badRequest("invalid chunk extension value");
        }
        return i;
    }

    private int skipBws(int i, int length) {
        while (i < length && (line[i] == ' ' || line[i] == '\t')) {
            i++;
        }
        return i;
    }

    private void trailerLine(int length) throws HttpException {
        if (length == 0) {
            state = State.DONE;
            return;
        }
        trailerBytes += length + 2;
        if (trailerBytes > maxTrailerBytes) {
            throw new HttpException(431, "trailer section too large");
        }
        if (line[0] == ' ' || line[0] == '\t') {
            throw HttpException.badRequest("obs-fold in trailers");
        }
        int colon = 0;
        while (colon < length && Tokens.isTchar(line[colon])) {
            colon++;
        }
        if (colon == 0 || colon == length || line[colon] != ':') {
            throw HttpException.badRequest("malformed trailer field");
        }
        for (int i = colon + 1; i < length; i++) {
            if (!Tokens.isFieldValueByte(line[i])) {
                throw HttpException.badRequest("control character in a trailer field");
            }
        }
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}

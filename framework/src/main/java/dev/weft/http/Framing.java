package dev.weft.http;

import java.util.List;

/**
 * How a request's body is delimited (RFC 9112 §6.3), decided once from the head — and every head that could be
 * read two ways rejected, since two parsers disagreeing on where a body ends is request smuggling.
 *
 * @param chunked true for Transfer-Encoding: chunked
 * @param length  the Content-Length when not chunked (0 when neither field is present)
 */
record Framing(boolean chunked, long length) {
    static final Framing NONE = new Framing(false, 0);
    private static final Framing CHUNKED = new Framing(true, -1);
    /** 18 digits cannot overflow a long. */
    private static final int MAX_LENGTH_DIGITS = 18;

    static Framing of(RequestHead head) throws HttpException {
        Headers h = head.headers();
        boolean hasTe = h.contains("transfer-encoding");
        boolean hasCl = h.contains("content-length");
        if (hasTe && hasCl) {
            // §6.3 ¶3: "ought to be handled as an error"; we do, and close.
            throw HttpException.badRequest("both Transfer-Encoding and Content-Length");
        }
        if (hasTe) {
            if (head.minorVersion() == 0) {
                throw HttpException.badRequest("Transfer-Encoding in an HTTP/1.0 request"); // §6.1 ¶15
            }
            transferCodings(h.all("transfer-encoding"));
            return CHUNKED;
        }
        return hasCl ? new Framing(false, contentLength(h.all("content-length"))) : NONE;
    }

    /** The codings, in order, must end in chunked, and hold it once (§6.1, §6.3 ¶4). */
    private static void transferCodings(List<String> fields) throws HttpException {
        int chunked = 0;
        String last = null;
        for (String field : fields) {
            for (String coding : field.split(",", -1)) {
                String c = coding.trim();
                if (c.isEmpty()) {
                    continue; // empty list elements are allowed (RFC 9110 §5.6.1)
                }
                last = c;
                if (c.equalsIgnoreCase("chunked")) {
                    chunked++;
                }
            }
        }
        if (last == null || chunked != 1 || !last.equalsIgnoreCase("chunked")) {
            throw HttpException.badRequest("Transfer-Encoding must end in chunked, once");
        }
        for (String field : fields) {
            for (String coding : field.split(",")) {
                String c = coding.trim();
                if (!c.isEmpty() && !c.equalsIgnoreCase("chunked")) {
                    throw new HttpException(501, "transfer coding not implemented: " + c); // §6.1 ¶13
                }
            }
        }
    }

    /**
     * Content-Length = 1*DIGIT (RFC 9110 §8.6): no sign, no hex, no spaces inside, no overflow. Several fields,
     * or a list, are accepted only when every value is the same number (§8.6 allows that); any difference is 400.
     */
    private static long contentLength(List<String> fields) throws HttpException {
        long value = -1;
        for (String field : fields) {
            for (String element : field.split(",", -1)) {
                long v = digits(element.trim());
                if (value >= 0 && v != value) {
                    throw HttpException.badRequest("differing Content-Length values");
                }
                value = v;
            }
        }
        return value;
    }

    private static long digits(String s) throws HttpException {
        if (s.isEmpty() || s.length() > MAX_LENGTH_DIGITS) {
            throw HttpException.badRequest("invalid Content-Length");
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw HttpException.badRequest("invalid Content-Length");
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}

package dev.weft.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The "Date: ...\r\n" field line (RFC 9110 §6.6.1, IMF-fixdate), formatted at most once per second for all
 * connections. Threading: lock-free; a racing reader may format the same second twice, harmlessly.
 */
final class DateHeader {
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.ROOT)
                    .withZone(ZoneOffset.UTC);

    /** The line's length: IMF-fixdate is fixed-width ("Date: Sun, 06 Nov 1994 08:49:37 GMT" CRLF). */
    static final int LINE_BYTES = 37;

    private record Cached(long second, byte[] line) {}

    private static volatile Cached cached = new Cached(-1, new byte[0]);

    private DateHeader() {}

    static byte[] line() {
        long now = System.currentTimeMillis() / 1000;
        Cached c = cached;
        if (c.second != now) {
            String line = "Date: " + IMF_FIXDATE.format(Instant.ofEpochSecond(now)) + "\r\n";
            c = new Cached(now, line.getBytes(StandardCharsets.US_ASCII));
            cached = c;
            assert c.line.length == LINE_BYTES : line;
        }
        return c.line;
    }
}

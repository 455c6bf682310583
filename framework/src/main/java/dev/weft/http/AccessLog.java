package dev.weft.http;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The access log: one line per exchange through {@code System.Logger} "dev.weft.http.access" at INFO, in the
 * Common Log Format followed by the duration in microseconds and the route:
 * <pre>
 * 127.0.0.1 - - [05/Mar/2026:14:02:11 +0000] "GET /todos/7 HTTP/1.1" 200 52 184 /todos/{id}
 * peer        time (the request's start, UTC) request-line          status bytes-out µs route
 * </pre>
 * bytes-out counts the whole response, head included (Common Log Format counts the body only).
 * A field that does not exist is "-": the request-line of a head the parser rejected, a route when none
 * matched, the bytes of an empty body; a status of 0 means the connection ended before a response. Turn it on
 * with {@link HttpServer.Builder#accessLog()}; route the logger where you like (java.util.logging by default).
 *
 * <pre>
 * Threading: shared by every connection; the time formatter is cached per second, racily (harmless).
 * </pre>
 */
public final class AccessLog implements ExchangeObserver {
    private static final DateTimeFormatter CLF_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    private record Second(long epochSecond, String text) {}

    private final System.Logger log;
    private volatile Second second = new Second(-1, ""); // racy cache: the last second formatted

    /** An access log on the logger "dev.weft.http.access". */
    public AccessLog() {
        this(System.getLogger("dev.weft.http.access"));
    }

    /**
     * An access log on the given logger.
     *
     * @param log where the lines go (at INFO)
     */
    public AccessLog(System.Logger log) {
        this.log = java.util.Objects.requireNonNull(log, "log");
    }

    @Override
    public void exchangeDone(Exchange e) {
        if (log.isLoggable(Level.INFO)) {
            log.log(Level.INFO, line(e, System.currentTimeMillis()));
        }
    }

    /** The line for {@code e}, which ended at {@code nowMillis}. */
    String line(Exchange e, long nowMillis) {
        long startMillis = nowMillis - e.durationNanos() / 1_000_000;
        StringBuilder sb = new StringBuilder(128);
        sb.append(e.peer() == null ? "-" : e.peer().getAddress().getHostAddress())
                .append(" - - [").append(time(startMillis / 1000)).append("] ");
        if (e.requestLine() == null) {
            sb.append('-');
        } else {
            String line = e.requestLine(); // visible ASCII only (the parser checked): no line breaks to inject
            sb.append('"').append(line.indexOf('"') < 0 && line.indexOf('\\') < 0 ? line
                    : line.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        sb.append(' ').append(e.status()).append(' ');
        if (e.bytesOut() == 0) {
            sb.append('-');
        } else {
            sb.append(e.bytesOut());
        }
        sb.append(' ').append(e.durationNanos() / 1000).append(' ').append(e.route() == null ? "-" : e.route());
        return sb.toString();
    }

    private String time(long epochSecond) {
        Second s = second;
        if (s.epochSecond != epochSecond) {
            s = new Second(epochSecond, CLF_TIME.format(Instant.ofEpochSecond(epochSecond)));
            second = s;
        }
        return s.text;
    }
}

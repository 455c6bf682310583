package dev.weft.poller;

import java.lang.System.Logger.Level;
import java.time.ZoneId;
import java.util.concurrent.atomic.LongAdder;

/**
 * Logging that cannot hurt the thread that logs. weft's critical threads — acceptors, poller threads, the master
 * poller, the timeout sweeper — report through {@link #log}, and whatever the logging itself throws is swallowed
 * and counted ({@link #swallowed()}), never thrown into a loop that must keep running.
 *
 * <p>Why (issue 10, defect A): the JDK's default log formatter opens the time-zone database ({@code tzdb.dat})
 * the first time it formats a date; with every fd in use that throws an {@code Error}, which used to end the
 * acceptor thread for good. A class loaded for the first time can fail the same way ({@code NoClassDefFoundError},
 * and the JVM then fails that call site for ever: JVMS §5.4.3). So {@link #preload} runs at start-up, while fds
 * are plentiful, everything a log line needs; and a failure that still happens is contained here.
 *
 * <pre>
 * Threading: stateless but for two counters (LongAdder, and a volatile flag written once); callable from any
 * thread, any number of times.
 * </pre>
 */
public final class Diagnostics {
    private static final LongAdder SWALLOWED = new LongAdder();
    private static volatile boolean preloaded;

    private Diagnostics() {}

    /**
     * Logs {@code message} (and {@code thrown}, which may be null) at {@code level}; never throws. Pass a constant
     * message and the throwable rather than a string built at the call site: building it could fail too.
     *
     * @param logger  where to log
     * @param level   the level
     * @param message the text
     * @param thrown  the cause to print with it, or null
     */
    public static void log(System.Logger logger, Level level, String message, Throwable thrown) {
        try {
            if (thrown == null) {
                logger.log(level, message);
            } else {
                logger.log(level, message, thrown);
            }
        } catch (Throwable failure) {
            try {
                SWALLOWED.increment();
            } catch (Throwable ignored) {
                // nothing left to do without risking the caller
            }
        }
    }

    /**
     * Logs {@code message} with {@code detail}'s text appended, built inside the guard; never throws.
     *
     * @param logger  where to log
     * @param level   the level
     * @param message the text
     * @param detail  appended after a space (its {@code toString()}, which may fail harmlessly)
     */
    public static void log(System.Logger logger, Level level, String message, Object detail) {
        String text;
        try {
            text = message + " " + detail;
        } catch (Throwable failure) {
            text = message;
        }
        log(logger, level, text, (Throwable) null);
    }

    /**
     * Log calls that failed and were swallowed since the JVM started.
     *
     * @return the count
     */
    public static long swallowed() {
        return SWALLOWED.sum();
    }

    /**
     * Loads, while fds are plentiful, what a log line will need when they are not: the default time zone's rules
     * (tzdb.dat), the logging backend and its configuration, and — when {@code java.util.logging} is the backend —
     * one record formatted (with a stack trace) by every handler's formatter on the path of weft's loggers.
     * Nothing is printed. Idempotent and cheap after the first call; never throws.
     *
     * @param loggers the loggers that will report from critical threads (initialised here)
     */
    public static void preload(System.Logger... loggers) {
        try {
            for (System.Logger logger : loggers) {
                logger.isLoggable(Level.ERROR);
            }
            if (preloaded) {
                return;
            }
            ZoneId.systemDefault().getRules();
            java.time.ZonedDateTime.now().toString();
            JulPreload.formatOnce();
            log(System.getLogger(Diagnostics.class.getName()), Level.TRACE, "log path preloaded", (Throwable) null);
            SWALLOWED.sum();
            preloaded = true;
        } catch (Throwable notAvailable) {
            // java.util.logging absent from the runtime image, or a broken handler: the guard in log() remains
        }
    }

    /** Kept apart so that a runtime without java.logging fails only this class's loading, inside preload's guard. */
    private static final class JulPreload {
        static void formatOnce() {
            java.util.logging.LogRecord record = new java.util.logging.LogRecord(java.util.logging.Level.SEVERE,
                    "weft: preloading the log formatter");
            record.setThrown(new IllegalStateException("preload"));
            record.setLoggerName("dev.weft");
            for (java.util.logging.Logger l = java.util.logging.Logger.getLogger("dev.weft"); l != null;
                    l = l.getParent()) {
                for (java.util.logging.Handler h : l.getHandlers()) {
                    java.util.logging.Formatter f = h.getFormatter();
                    if (f != null) {
                        f.format(record);
                    }
                }
            }
        }
    }
}

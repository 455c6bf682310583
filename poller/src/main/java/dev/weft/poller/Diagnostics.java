package dev.weft.poller;

import java.lang.System.Logger.Level;
import java.time.ZoneId;
import java.util.ResourceBundle;
import java.util.function.Supplier;
import java.util.concurrent.atomic.LongAdder;

/**
 * Logging that cannot hurt the thread that logs. weft's critical threads — acceptors, poller threads, the master
 * poller, the timeout sweeper — log through a {@link #guard guarded} logger, and whatever the logging itself
 * throws is swallowed and counted ({@link #swallowed()}), never thrown into a loop that must keep running.
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
     * A logger that never throws: whatever {@code logger} (or its backend — a formatter, a handler, a class it
     * loads) throws is swallowed and counted. Pass constant messages, details as parameters
     * ({@code log(level, "{0}: ... {1}", a, b)}) or a message supplier: the message is then built inside the
     * guard. It implements
     * {@link System.Logger} so that the backend's caller inference skips it and names the real call site.
     *
     * @param logger the logger to guard
     * @return the guarded logger
     */
    public static System.Logger guard(System.Logger logger) {
        return new Guarded(logger);
    }

    private static void swallow() {
        try {
            SWALLOWED.increment();
        } catch (Throwable ignored) {
            // nothing left to do without risking the caller
        }
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
            guard(System.getLogger(Diagnostics.class.getName())).log(Level.TRACE, "log path preloaded {0}", "");
            swallow(); // loads the counter's path; the count is taken back at once
            SWALLOWED.add(-1);
            preloaded = true;
        } catch (Throwable notAvailable) {
            // java.util.logging absent from the runtime image, or a broken handler: the guard in log() remains
        }
    }

    /** The guard. Every log method of System.Logger ends in one of the two below. */
    private record Guarded(System.Logger logger) implements System.Logger {
        @Override
        public String getName() {
            return logger.getName();
        }

        @Override
        public boolean isLoggable(Level level) {
            try {
                return logger.isLoggable(level);
            } catch (Throwable failure) {
                swallow();
                return false;
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
            try {
                logger.log(level, bundle, message, thrown);
            } catch (Throwable failure) {
                swallow();
            }
        }

        @Override
        public void log(Level level, Supplier<String> message) {
            log(level, message, null);
        }

        @Override
        public void log(Level level, Supplier<String> message, Throwable thrown) {
            try {
                if (logger.isLoggable(level)) {
                    logger.log(level, (ResourceBundle) null, message.get(), thrown); // built inside the guard
                }
            } catch (Throwable failure) {
                swallow();
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            try {
                logger.log(level, bundle, format, params);
            } catch (Throwable failure) {
                swallow();
            }
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

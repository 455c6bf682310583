package dev.weft.poller;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects what one logger (System.Logger's default java.util.logging backend) logs during a test, and keeps it
 * off the console meanwhile. Close to restore the logger.
 */
public class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger;
    private final boolean usedParents;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    /** Starts capturing the logger named {@code name} (a class name, as weft's loggers are). */
    public LogCapture(String name) {
        this.logger = Logger.getLogger(name);
        this.usedParents = logger.getUseParentHandlers();
        logger.setUseParentHandlers(false);
        logger.addHandler(this);
        setLevel(Level.ALL);
    }

    /** Records {@code record}; a subclass may do more (throw, to play a broken handler). */
    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    /** Records at {@code level} or above whose message (parameters filled in) contains {@code text}. */
    public long count(Level level, String text) {
        return records.stream().filter(r -> r.getLevel().intValue() >= level.intValue())
                .filter(r -> r.getMessage() != null && message(r).contains(text)).count();
    }

    private static String message(LogRecord r) {
        return new java.util.logging.SimpleFormatter().formatMessage(r);
    }

    /** Everything captured so far, one line per record (for failure messages). */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (LogRecord r : records) {
            sb.append(r.getLevel()).append(' ').append(message(r));
            if (r.getThrown() != null) {
                sb.append(" [").append(r.getThrown()).append(']');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    @Override
    public void flush() {}

    /** Takes the handler off the logger and gives the logger its parents' handlers back. */
    @Override
    public final void close() {
        logger.removeHandler(this);
        logger.setUseParentHandlers(usedParents);
    }
}

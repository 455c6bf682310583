package dev.weft.http;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Records what a System.Logger (java.util.logging underneath, by default) logs while it is open. */
final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger;
    private final Level previous;
    final List<LogRecord> records = new CopyOnWriteArrayList<>();

    LogCapture(String name) {
        logger = Logger.getLogger(name);
        previous = logger.getLevel();
        logger.setLevel(Level.ALL);
        setLevel(Level.ALL);
        logger.addHandler(this);
    }

    /** Records at {@code level} or above. */
    List<LogRecord> atLeast(Level level) {
        return records.stream().filter(r -> r.getLevel().intValue() >= level.intValue()).toList();
    }

    /** Waits (bounded) until {@code n} records at {@code level} or above were logged. */
    List<LogRecord> await(Level level, int n) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (atLeast(level).size() < n && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            Thread.yield();
        }
        return atLeast(level);
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(previous);
    }
}

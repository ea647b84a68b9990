package dev.switchboard.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The log lines written in this JVM (java.util.logging, the System.Logger's backend here) while open: under one
 * logger name from a level ({@link #start}), or everything at the levels already set ({@link #LogCapture()}).
 * {@link #lines} are the messages with their parameters filled in; {@link #text} is everything as the console prints
 * it, stack traces included. {@link #close} restores the logger's level.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger logger; // held: java.util.logging keeps loggers weakly, and with them their level
    private final Level previous;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<String> printed = new CopyOnWriteArrayList<>();
    private final SimpleFormatter formatter = new SimpleFormatter();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            lines.add(formatter.formatMessage(r));
            printed.add(formatter.format(r));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    /** Every log line of this JVM, at the levels the loggers already have. */
    public LogCapture() {
        this("", null);
    }

    private LogCapture(String name, Level level) {
        this.logger = Logger.getLogger(name);
        this.previous = logger.getLevel();
        if (level != null) {
            logger.setLevel(level);
            handler.setLevel(level);
        }
        logger.addHandler(handler);
    }

    /** Captures {@code name} and the loggers below it, from {@code level} up (FINE = System.Logger's DEBUG). */
    public static LogCapture start(String name, Level level) {
        return new LogCapture(name, level);
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Lines that contain every one of {@code parts}. */
    public List<String> matching(String... parts) {
        return lines.stream().filter(l -> List.of(parts).stream().allMatch(l::contains)).toList();
    }

    /** Everything logged so far as the console prints it (with logger names, levels and stack traces), as one text. */
    public String text() {
        return String.join("", printed);
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
        logger.setLevel(previous);
    }
}

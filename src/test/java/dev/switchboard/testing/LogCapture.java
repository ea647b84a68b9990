package dev.switchboard.testing;

import java.text.MessageFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The log lines written in this JVM under one logger name (java.util.logging, the System.Logger's backend here),
 * formatted as they would be printed, from {@link #start} until {@link #close} (which restores the logger's level).
 */
public final class LogCapture implements AutoCloseable {

    private final Logger logger; // held: java.util.logging keeps loggers weakly, and with them their level
    private final Level previous;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            Object[] args = r.getParameters();
            lines.add(args == null || args.length == 0 ? r.getMessage() : MessageFormat.format(r.getMessage(), args));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture(String name, Level level) {
        this.logger = Logger.getLogger(name);
        this.previous = logger.getLevel();
        logger.setLevel(level);
        handler.setLevel(level);
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

    @Override
    public void close() {
        logger.removeHandler(handler);
        logger.setLevel(previous);
    }
}

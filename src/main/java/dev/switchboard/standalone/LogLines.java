package dev.switchboard.standalone;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The runner's log line: one line per record, {@code 2026-12-06T20:29:39.123Z INFO dev.switchboard.core.Sessions: open
 * connection …}, then the stack trace of a thrown exception, if any.
 *
 * <p>Why not the JDK's {@link SimpleFormatter}: for every record it looks up the calling class and method by walking
 * the stack, and formats its date with {@code String.format}. The runner logs each connection's open and close
 * (docs/security.md), so a reconnect storm of 5000 clients writes 10 000 lines: with the JDK's formatter the storm
 * took a fifth longer than with logging off (docs/performance.md). This names the logger (the class, in Switchboard)
 * instead of the caller, and formats the time from a per-second prefix.
 */
final class LogLines extends Formatter {

    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.")
            .withZone(ZoneOffset.UTC);

    /** The formatted second the last record fell in: {@code 2026-12-06T20:29:39.} */
    private record Second(long epochSecond, String prefix) {}

    private volatile Second second = new Second(Long.MIN_VALUE, "");

    /**
     * Gives the root logger's console handlers this format, unless the JDK's logging was configured (a configuration
     * file or class, or {@code SimpleFormatter}'s format property): then what was configured stays.
     */
    static void installOnConsole() {
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null
                || System.getProperty("java.util.logging.SimpleFormatter.format") != null) {
            return;
        }
        install(Logger.getLogger(""));
    }

    /** Gives {@code logger}'s console handlers that still have the JDK's {@link SimpleFormatter} this format. */
    static void install(Logger logger) {
        for (Handler handler : logger.getHandlers()) {
            if (handler instanceof ConsoleHandler && handler.getFormatter().getClass() == SimpleFormatter.class) {
                handler.setFormatter(new LogLines());
            }
        }
    }

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(160);
        appendTime(line, record.getInstant());
        line.append(' ').append(record.getLevel().getName()).append(' ').append(record.getLoggerName()).append(": ")
                .append(formatMessage(record));
        Throwable thrown = record.getThrown();
        if (thrown != null) {
            StringWriter trace = new StringWriter();
            try (PrintWriter out = new PrintWriter(trace)) {
                out.println();
                thrown.printStackTrace(out);
            }
            StringBuffer text = trace.getBuffer();
            line.append(text, 0, text.length() - System.lineSeparator().length());
        }
        return line.append(System.lineSeparator()).toString();
    }

    private void appendTime(StringBuilder line, Instant at) {
        long epochSecond = at.getEpochSecond();
        Second s = second;
        if (s.epochSecond() != epochSecond) {
            s = new Second(epochSecond, SECOND.format(at));
            second = s;
        }
        int millis = at.getNano() / 1_000_000;
        line.append(s.prefix()).append((char) ('0' + millis / 100)).append((char) ('0' + millis / 10 % 10))
                .append((char) ('0' + millis % 10)).append('Z');
    }
}

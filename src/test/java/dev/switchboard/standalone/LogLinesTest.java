package dev.switchboard.standalone;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.XMLFormatter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogLinesTest {

    private static final String NL = System.lineSeparator();

    private static LogRecord record(Level level, String message, Instant at, Object... params) {
        LogRecord r = new LogRecord(level, message);
        r.setLoggerName("dev.switchboard.core.Sessions");
        r.setInstant(at);
        r.setParameters(params);
        return r;
    }

    @Test
    void oneLineWithTheTimeInUtcTheLevelTheLoggerAndTheMessageWithItsParameters() {
        String line = new LogLines().format(record(Level.INFO, "open connection {0} user={1}",
                Instant.parse("2026-12-06T20:29:39.007654Z"), "abc", "guest:ann"));
        assertEquals("2026-12-06T20:29:39.007Z INFO dev.switchboard.core.Sessions: open connection abc user=guest:ann"
                + NL, line);
    }

    @Test
    void theTimeFollowsEachRecordAcrossSecondsAndBackwards() {
        LogLines format = new LogLines();
        assertTrue(format.format(record(Level.WARNING, "a", Instant.parse("2026-12-06T23:59:59.999Z")))
                .startsWith("2026-12-06T23:59:59.999Z WARNING "));
        assertTrue(format.format(record(Level.WARNING, "b", Instant.parse("2026-12-07T00:00:00.000Z")))
                .startsWith("2026-12-07T00:00:00.000Z WARNING "));
        assertTrue(format.format(record(Level.SEVERE, "c", Instant.parse("2026-12-06T23:59:59.120Z")))
                .startsWith("2026-12-06T23:59:59.120Z SEVERE "), "a record from another thread may be older");
    }

    @Test
    void aThrownExceptionFollowsTheLineWithItsStackTrace() {
        LogRecord r = record(Level.SEVERE, "a send failed", Instant.parse("2026-12-06T20:29:39Z"));
        r.setThrown(new IllegalStateException("boom"));
        String[] lines = new LogLines().format(r).split(NL);
        assertEquals("2026-12-06T20:29:39.000Z SEVERE dev.switchboard.core.Sessions: a send failed", lines[0]);
        assertEquals("java.lang.IllegalStateException: boom", lines[1]);
        assertTrue(lines[2].startsWith("\tat dev.switchboard.standalone.LogLinesTest."), lines[2]);
        assertTrue(new LogLines().format(r).endsWith(")" + NL), "one line end after the trace, no blank line");
    }

    @Test
    void installReplacesOnlyTheJdksDefaultFormatOfConsoleHandlers() {
        Logger logger = Logger.getAnonymousLogger();
        ConsoleHandler plain = new ConsoleHandler();
        plain.setFormatter(new SimpleFormatter());
        ConsoleHandler configured = new ConsoleHandler();
        configured.setFormatter(new XMLFormatter());
        logger.addHandler(plain);
        logger.addHandler(configured);
        try {
            LogLines.install(logger);
            assertInstanceOf(LogLines.class, plain.getFormatter());
            assertInstanceOf(XMLFormatter.class, configured.getFormatter());
        } finally {
            plain.close();
            configured.close();
        }
    }
}

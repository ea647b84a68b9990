package dev.switchboard.standalone;

import dev.switchboard.Switchboard;
import dev.switchboard.settings.Settings;
import dev.switchboard.testing.LogCapture;
import dev.switchboard.testing.SecurityScenarios;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 13, identity part, against the runner (the same scenarios run in Tomcat and Payara: SecurityIT). */
class IdentitySecurityTest {

    private static Runner runner;
    private static URI base;

    @BeforeAll
    static void start() throws Exception {
        runner = Runner.start(Settings.of(SecurityScenarios.SETTINGS), "127.0.0.1", 0, null);
        base = URI.create("http://127.0.0.1:" + runner.port() + "/");
    }

    @AfterAll
    static void stop() {
        runner.close();
    }

    @Test
    void guestsCannotTakeAUsersIdentity() {
        SecurityScenarios.guestsCannotTakeAUsersIdentity(base);
    }

    @Test
    void guestTicketsNeverShareAName() {
        SecurityScenarios.guestTicketsNeverShareAName(base);
    }

    @Test
    void guestPatternsAndMalformedClaims() {
        SecurityScenarios.guestPatternsAndMalformedClaims(base);
    }

    @Test
    void whispersOnlyToIdentitiesThatExist() {
        SecurityScenarios.whispersOnlyToIdentitiesThatExist(base);
    }

    @Test
    void theCapCountsForwardedAddresses() {
        SecurityScenarios.theCapCountsForwardedAddresses(base);
    }

    @Test
    void healthDetailsNeedTheKey() {
        SecurityScenarios.healthDetailsNeedTheKey(base);
    }

    @Test
    void statsAreRestricted() {
        SecurityScenarios.statsAreRestricted(base);
    }

    @Test
    void noForgedLogLineFromATokenSubject() {
        try (LogCapture log = new LogCapture()) {
            SecurityScenarios.controlCharactersInSubjectsAreRefused(base);
            assertFalse(log.text().contains("\nINFO: forged log line"), log.text());
            // whatever the console's format (the runner's LogLines, the JDK's), a message with no line break of its
            // own cannot start a line
            assertTrue(log.lines().stream().noneMatch(l -> l.contains("\n") || l.contains("\r")), log.text());
            assertFalse(log.text().contains("\u202E"), "no bidi control reaches the log");
        }
    }

    /** No secret reaches a log: the start-up settings line, and a start that fails on an unreachable Redis. */
    @Test
    void noSecretReachesALog() throws Exception {
        Map<String, String> secrets = new HashMap<>(Map.of("tokenSecret", "tok-SECRET-value-of-at-least-32-bytes",
                "publisherKey", "pub-SECRET-key", "dbPassword", "db-SECRET-pass", "statsIntervalMs", "0",
                "demoIntervalMs", "0"));
        try (LogCapture log = new LogCapture()) {
            try (Runner r = Runner.start(Settings.of(secrets), "127.0.0.1", 0, null)) {
                assertTrue(log.text().contains("tokenSecret=****"), "the start-up line was logged");
            }
            secrets.put("redisUrl", "redis://switchboard:redis-SECRET-pass@127.0.0.1:1/0");
            secrets.put("redisTimeoutMs", "300");
            Exception e = assertThrows(Exception.class, () -> Switchboard.start(Settings.of(secrets)).close());
            assertFalse(String.valueOf(e.getMessage()).contains("SECRET"), e.getMessage());
            assertTrue(Settings.of(secrets).toString().contains("redis://switchboard:****@127.0.0.1:1/0"));
            assertFalse(Settings.of(secrets).toString().contains("SECRET"), Settings.of(secrets).toString());
            assertFalse(log.text().contains("SECRET"), log.text());
        }
    }
}

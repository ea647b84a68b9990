package dev.switchboard.db;

import dev.switchboard.settings.Settings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DbConfigTest {

    @Test
    void theDatabaseIsOffUntilAUrlOrDataSourceIsSet() {
        DbConfig off = DbConfig.from(Settings.load(n -> null, n -> null, n -> null));
        assertFalse(off.enabled());
        assertEquals(500, off.pollMs());
        assertTrue(off.install());
        assertEquals(1000, off.snapshotLimit());
        assertEquals(256, off.batchSize(), "half the default history of 1000, at most 256");
        assertTrue(DbConfig.from(Settings.of(Map.of("dbDataSource", "java:comp/env/jdbc/app"))).enabled());
    }

    @Test
    void watchedTablesAreAListAndTheBatchFitsInTheHistory() {
        DbConfig c = DbConfig.from(Settings.of(Map.of("dbUrl", "jdbc:h2:mem:x", "dbWatch", " orders, sales.items ,",
                "historySize", "100", "dbPollMs", "0")));
        assertEquals(List.of("orders", "sales.items"), c.watch());
        assertEquals(50, c.batchSize());
        assertEquals(DbConfig.MIN_POLL_MS, c.pollMs());
    }

    @Test
    void passwordsDoNotReachTheStartUpLog() {
        String log = Settings.of(Map.of("dbPassword", "s3cret", "dbUrl",
                "jdbc:postgresql://db/app?user=app&password=hunter2&ssl=true")).toString();
        assertFalse(log.contains("s3cret") || log.contains("hunter2"), log);
        assertTrue(log.contains("dbUrl=jdbc:postgresql://db/app?user=app&password=****&ssl=true"), log);
    }
}

package dev.switchboard.db;

import dev.switchboard.settings.Settings;
import dev.switchboard.settings.Settings.Key;

import java.util.List;

/**
 * The database settings, read once. {@code batchSize} is how many changes the relay claims at a time: at most half of
 * {@code historySize} (and at most 256), so that a batch re-published after a crash is still inside the history the
 * sink de-duplicates against.
 */
public record DbConfig(String url, String user, String password, String dataSource, List<String> watch,
                       long pollMs, boolean install, int snapshotLimit, int batchSize) {

    /** Below this the poll would be a busy loop. */
    static final long MIN_POLL_MS = 10;
    static final int MAX_BATCH = 256;

    public DbConfig {
        watch = List.copyOf(watch);
        pollMs = Math.max(MIN_POLL_MS, pollMs);
        batchSize = Math.max(1, Math.min(MAX_BATCH, batchSize));
    }

    public static DbConfig from(Settings s) {
        return new DbConfig(s.get(Key.DB_URL), s.get(Key.DB_USER), s.get(Key.DB_PASSWORD), s.get(Key.DB_DATA_SOURCE),
                s.getList(Key.DB_WATCH), s.getLong(Key.DB_POLL_MS), s.getBoolean(Key.DB_INSTALL),
                s.getInt(Key.DB_SNAPSHOT_LIMIT), s.getInt(Key.HISTORY_SIZE) / 2);
    }

    /** A database is configured (dbUrl or dbDataSource). */
    public boolean enabled() {
        return !url.isEmpty() || !dataSource.isEmpty();
    }

    /** The same settings for another list of watched tables. */
    public DbConfig watching(List<String> tables) {
        return new DbConfig(url, user, password, dataSource, tables, pollMs, install, snapshotLimit, batchSize);
    }
}

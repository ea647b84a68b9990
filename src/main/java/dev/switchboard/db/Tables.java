package dev.switchboard.db;

import jakarta.json.JsonObject;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The watched tables by topic, as last read from the database. A row with a column that is not known (added by
 * {@code ALTER TABLE} since the start) makes the relay read the table's columns again, so that a new
 * {@code timestamptz} or {@code bytea} column gets its JSON form; at most every {@link #REFRESH_MS} per table. Changing
 * an existing column's type needs a restart. Used under the relay's step lock only.
 */
final class Tables {

    static final long REFRESH_MS = 10_000;

    private final Map<String, WatchedTable> byTopic = new HashMap<>();
    private final Map<String, Long> refreshedAt = new HashMap<>();

    Tables(List<WatchedTable> tables) {
        tables.forEach(t -> byTopic.put(t.topic(), t));
    }

    /** The table of {@code topic}, or null when it is not watched. */
    WatchedTable get(String topic) {
        return byTopic.get(topic);
    }

    /** The table of {@code topic} as it must be to describe {@code row}. */
    WatchedTable describing(Connection c, String topic, JsonObject row) throws SQLException {
        WatchedTable t = byTopic.get(topic);
        if (t == null || row.keySet().stream().allMatch(column -> t.type(column) != null)) {
            return t;
        }
        long now = System.currentTimeMillis();
        if (now - refreshedAt.getOrDefault(topic, 0L) < REFRESH_MS) {
            return t;
        }
        refreshedAt.put(topic, now);
        WatchedTable fresh = Catalog.describe(c, t.schema(), t.table(), t.name());
        if (fresh == null || fresh.key().isEmpty()) {
            return t;
        }
        c.commit();
        byTopic.put(topic, fresh);
        return fresh;
    }
}

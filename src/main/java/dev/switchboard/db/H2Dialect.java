package dev.switchboard.db;

import jakarta.json.JsonObject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * H2 (embedded): a Java row trigger ({@link H2ChangeTrigger}) writes each change into the outbox in the writer's
 * transaction, already as the contract's JSON; the relay polls every {@code dbPollMs} (H2 has no notifications).
 * The trigger's name carries what it needs: {@code "switchboard <topic> <outbox schema>"}. H2's {@code TRUNCATE}
 * fires no triggers: a truncated table's rows are not published as deletes (use {@code DELETE}).
 */
final class H2Dialect extends Dialect {

    static final String TRIGGER_PREFIX = "switchboard ";
    /** H2's LOCK_TIMEOUT_1 and DEADLOCK_1. */
    private static final Set<Integer> LOCK_ERRORS = Set.of(50200, 40001);

    @Override
    String product() {
        return "H2";
    }

    static String triggerName(WatchedTable t, String outboxSchema) {
        return TRIGGER_PREFIX + t.topic() + " " + outboxSchema;
    }

    @Override
    List<String> installSql(Connection c, String schema, List<WatchedTable> tables) throws SQLException {
        String outbox = table(schema, OutboxTable.OUTBOX);
        String relay = table(schema, OutboxTable.RELAY);
        List<String> sql = new ArrayList<>();
        sql.add("CREATE TABLE IF NOT EXISTS " + outbox + " (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                + "topic VARCHAR NOT NULL, op VARCHAR, data JSON NOT NULL, old_key JSON)");
        sql.add("CREATE TABLE IF NOT EXISTS " + relay + " (name VARCHAR PRIMARY KEY, state VARCHAR NOT NULL)");
        for (String[] row : new String[][] {{"lock", "''"}, {"pending", "''"}, {"install", "CAST(RANDOM_UUID() AS VARCHAR)"}}) {
            sql.add("INSERT INTO " + relay + " (name, state) SELECT '" + row[0] + "', " + row[1]
                    + " WHERE NOT EXISTS (SELECT 1 FROM " + relay + " WHERE name = '" + row[0] + "')");
        }
        Set<String> wanted = tables.stream().map(t -> quote(t.schema()) + "." + quote(triggerName(t, schema)))
                .collect(Collectors.toSet());
        List<String> existing = triggers(c, schema);
        for (String trigger : existing) {
            if (!wanted.contains(trigger)) {
                sql.add("DROP TRIGGER IF EXISTS " + trigger);
            }
        }
        // the trigger reads the table's columns and key when it loads, so one that exists is up to date
        for (WatchedTable t : tables) {
            String name = quote(t.schema()) + "." + quote(triggerName(t, schema));
            if (!existing.contains(name)) {
                sql.add("CREATE TRIGGER " + name + " AFTER INSERT, UPDATE, DELETE ON " + qualified(t)
                        + " FOR EACH ROW CALL " + literal(H2ChangeTrigger.class.getName()));
            }
        }
        return sql;
    }

    /** Switchboard's triggers (quoted, qualified) that write into the outbox in {@code schema}. */
    private static List<String> triggers(Connection c, String schema) throws SQLException {
        if (c == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT TRIGGER_SCHEMA, TRIGGER_NAME FROM INFORMATION_SCHEMA.TRIGGERS "
                + "WHERE TRIGGER_NAME LIKE 'switchboard %' AND TRIGGER_NAME LIKE ?")) {
            s.setString(1, "% " + schema);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(quote(rs.getString(1)) + "." + quote(rs.getString(2)));
                }
            }
        }
        return out;
    }

    @Override
    List<String> uninstallSql(Connection c, String schema) throws SQLException {
        List<String> sql = new ArrayList<>();
        for (String trigger : triggers(c, schema)) {
            sql.add("DROP TRIGGER IF EXISTS " + trigger);
        }
        sql.add("DROP TABLE IF EXISTS " + table(schema, OutboxTable.OUTBOX));
        sql.add("DROP TABLE IF EXISTS " + table(schema, OutboxTable.RELAY));
        return sql;
    }

    @Override
    boolean hasTrigger(Connection c, String schema, WatchedTable table) throws SQLException {
        return triggers(c, schema).contains(quote(table.schema()) + "." + quote(triggerName(table, schema)));
    }

    @Override
    void lockTimeout(Statement s, long waitMs) throws SQLException {
        s.execute("SET LOCK_TIMEOUT " + waitMs);
    }

    @Override
    boolean lockTimedOut(SQLException e) {
        return LOCK_ERRORS.contains(e.getErrorCode());
    }

    /** SNAPSHOT, not REPEATABLE READ: H2's repeatable read lets rows committed meanwhile appear (phantoms). */
    @Override
    void beginSnapshot(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SNAPSHOT");
        }
    }

    @Override
    String jsonParameter() {
        return "? FORMAT JSON";
    }

    @Override
    JsonObject row(WatchedTable table, JsonObject stored) {
        return stored; // the trigger wrote the contract's JSON already
    }

    @Override
    String rowsQuery(WatchedTable table, int limit) {
        return "SELECT * FROM " + qualified(table) + " ORDER BY " + orderByKey(table) + " FETCH FIRST " + limit
                + " ROWS ONLY";
    }

    @Override
    JsonObject readRow(ResultSet rs, WatchedTable table) throws SQLException {
        Object[] values = new Object[rs.getMetaData().getColumnCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = rs.getObject(i + 1);
        }
        return ColumnJson.row(table, values);
    }

    @Override
    Wakeups wakeups(Connector connector) {
        return Wakeups.sleeping();
    }
}

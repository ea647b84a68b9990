package dev.switchboard.db;

import jakarta.json.JsonObject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * PostgreSQL: row triggers write each change into the outbox in the writer's transaction; a statement trigger on the
 * outbox sends {@code NOTIFY switchboard} (no payload: a wake-up, delivered at commit), which the relay LISTENs to.
 *
 * <p>The trigger functions are {@code SECURITY DEFINER} with a fixed {@code search_path}: a writer needs no privilege
 * on the outbox, and no writer's session settings can change what is written ({@code bytea_output} and
 * {@code extra_float_digits} are fixed too, so binary is hex and floats keep every digit). {@code TRUNCATE} fires no
 * row triggers, so a truncate trigger writes a delete for every row (it already holds the table's exclusive lock).
 */
final class PostgresDialect extends Dialect {

    static final String CHANNEL = "switchboard";
    private static final String CAPTURE = "switchboard_capture";
    private static final String TRUNCATE = "switchboard_truncate";
    private static final String WAKE = "switchboard_wake";
    private static final String FUNCTION_SETTINGS = "LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, "
            + "pg_temp SET bytea_output = 'hex' SET extra_float_digits = 1 AS $sb$\n";
    /** Lock and deadlock: the relay lock was not granted in time. */
    private static final Set<String> LOCK_STATES = Set.of("55P03", "40P01");

    @Override
    String product() {
        return "PostgreSQL";
    }

    @Override
    List<String> installSql(Connection c, String schema, List<WatchedTable> tables) throws SQLException {
        String s = quote(schema);
        String outbox = table(schema, OutboxTable.OUTBOX);
        String relay = table(schema, OutboxTable.RELAY);
        List<String> sql = new ArrayList<>();
        sql.add("CREATE TABLE IF NOT EXISTS " + outbox + " (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
                + "    topic text NOT NULL,\n    op text,\n    data json NOT NULL,\n    old_key json\n)");
        sql.add("CREATE TABLE IF NOT EXISTS " + relay + " (name text PRIMARY KEY, state text NOT NULL)");
        sql.add("INSERT INTO " + relay + " (name, state) VALUES ('lock', ''), ('pending', ''),\n"
                + "    ('install', md5(random()::text || clock_timestamp()::text)) ON CONFLICT (name) DO NOTHING");
        sql.add("CREATE OR REPLACE FUNCTION " + s + "." + CAPTURE + "() RETURNS trigger " + FUNCTION_SETTINGS
                + "DECLARE\n    old_row jsonb;\n    new_row jsonb;\n    old_key json;\nBEGIN\n"
                + "    -- TG_ARGV: the topic, then the primary-key columns\n"
                + "    IF TG_OP = 'UPDATE' THEN\n"
                + "        old_row := to_jsonb(OLD);\n        new_row := to_jsonb(NEW);\n"
                + "        IF EXISTS (SELECT 1 FROM unnest(TG_ARGV[1:]) AS k WHERE old_row -> k IS DISTINCT FROM new_row -> k) THEN\n"
                + "            old_key := (SELECT json_object_agg(k, old_row -> k) FROM unnest(TG_ARGV[1:]) AS k);\n"
                + "        END IF;\n    END IF;\n"
                + "    IF TG_OP = 'DELETE' THEN\n"
                + "        INSERT INTO " + outbox + " (topic, op, data) VALUES (TG_ARGV[0], 'delete', row_to_json(OLD));\n"
                + "    ELSE\n"
                + "        INSERT INTO " + outbox + " (topic, op, data, old_key) VALUES (TG_ARGV[0], lower(TG_OP), row_to_json(NEW), old_key);\n"
                + "    END IF;\n    RETURN NULL;\nEND\n$sb$");
        sql.add("CREATE OR REPLACE FUNCTION " + s + "." + TRUNCATE + "() RETURNS trigger " + FUNCTION_SETTINGS
                + "BEGIN\n    EXECUTE format(" + literal("INSERT INTO " + outbox + " (topic, op, data) SELECT $1, 'delete', "
                + "row_to_json(t) FROM %I.%I AS t") + ", TG_TABLE_SCHEMA, TG_TABLE_NAME) USING TG_ARGV[0];\n"
                + "    RETURN NULL;\nEND\n$sb$");
        sql.add("CREATE OR REPLACE FUNCTION " + s + "." + WAKE + "() RETURNS trigger LANGUAGE plpgsql AS $sb$\nBEGIN\n"
                + "    PERFORM pg_notify('" + CHANNEL + "', '');\n    RETURN NULL;\nEND\n$sb$");
        // only what is missing or different: DROP/CREATE TRIGGER locks the table exclusively (waiting for every open
        // transaction on it, and blocking writers meanwhile), which a node's restart must not do to a busy table
        Map<String, String> existing = existing(c, schema);
        if (!existing.containsKey(quote(schema) + "." + quote(OutboxTable.OUTBOX) + " " + WAKE)) {
            sql.add("DROP TRIGGER IF EXISTS " + WAKE + " ON " + outbox);
            sql.add("CREATE TRIGGER " + WAKE + " AFTER INSERT ON " + outbox + " FOR EACH STATEMENT EXECUTE FUNCTION "
                    + s + "." + WAKE + "()");
        }
        Set<String> watched = tables.stream().map(Dialect::qualified).collect(Collectors.toSet());
        for (String trigger : existing.keySet()) {
            String table = trigger.substring(0, trigger.lastIndexOf(' '));
            String name = trigger.substring(trigger.lastIndexOf(' ') + 1);
            if (!watched.contains(table) && !name.equals(WAKE)) {
                sql.add("DROP TRIGGER IF EXISTS " + name + " ON " + table);
            }
        }
        for (WatchedTable t : tables) {
            List<String> captureArguments = new ArrayList<>(List.of(t.topic()));
            captureArguments.addAll(t.keyColumns());
            trigger(sql, existing, t, CAPTURE, "AFTER INSERT OR UPDATE OR DELETE", "ROW", s, captureArguments);
            trigger(sql, existing, t, TRUNCATE, "BEFORE TRUNCATE", "STATEMENT", s, List.of(t.topic()));
        }
        return sql;
    }

    /** (Re)creates one trigger on a watched table unless it is there with these arguments. */
    private static void trigger(List<String> sql, Map<String, String> existing, WatchedTable t, String name,
                                String events, String level, String schema, List<String> arguments) {
        String target = qualified(t);
        // pg_trigger.tgargs, escape-encoded: every argument followed by a zero byte
        String stored = arguments.stream().map(a -> a.replace("\\", "\\\\") + "\\000").collect(Collectors.joining());
        if (stored.equals(existing.get(target + " " + name))) {
            return;
        }
        sql.add("DROP TRIGGER IF EXISTS " + name + " ON " + target);
        sql.add("CREATE TRIGGER " + name + " " + events + " ON " + target + " FOR EACH " + level + " EXECUTE FUNCTION "
                + schema + "." + name + "(" + arguments.stream().map(Dialect::literal).collect(Collectors.joining(", "))
                + ")");
    }

    /**
     * The triggers that call this install's functions, as {@code "schema"."table" name} → their arguments
     * (escape-encoded {@code tgargs}); empty without a connection.
     */
    private static Map<String, String> existing(Connection c, String schema) throws SQLException {
        Map<String, String> out = new HashMap<>();
        if (c == null) {
            return out;
        }
        try (PreparedStatement s = c.prepareStatement("SELECT tn.nspname, tc.relname, t.tgname, "
                + "encode(t.tgargs, 'escape') FROM pg_trigger t "
                + "JOIN pg_class tc ON tc.oid = t.tgrelid JOIN pg_namespace tn ON tn.oid = tc.relnamespace "
                + "JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace pn ON pn.oid = p.pronamespace "
                + "WHERE t.tgname = p.proname AND p.proname IN (?, ?, ?) AND pn.nspname = ?")) {
            s.setString(1, CAPTURE);
            s.setString(2, TRUNCATE);
            s.setString(3, WAKE);
            s.setString(4, schema);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(quote(rs.getString(1)) + "." + quote(rs.getString(2)) + " " + rs.getString(3),
                            rs.getString(4));
                }
            }
        }
        return out;
    }

    @Override
    List<String> uninstallSql(Connection c, String schema) {
        String s = quote(schema);
        // dropping a function drops the triggers that call it
        return List.of("DROP FUNCTION IF EXISTS " + s + "." + CAPTURE + "() CASCADE",
                "DROP FUNCTION IF EXISTS " + s + "." + TRUNCATE + "() CASCADE",
                "DROP TABLE IF EXISTS " + table(schema, OutboxTable.OUTBOX),
                "DROP FUNCTION IF EXISTS " + s + "." + WAKE + "() CASCADE",
                "DROP TABLE IF EXISTS " + table(schema, OutboxTable.RELAY));
    }

    @Override
    boolean hasTrigger(Connection c, String schema, WatchedTable table) throws SQLException {
        return existing(c, schema).containsKey(qualified(table) + " " + CAPTURE);
    }

    @Override
    void beforeInstall(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(hashtext('switchboard install'))");
        }
    }

    /**
     * Also {@code idle_in_transaction_session_timeout}: the lock is a transaction left open, and a node that hangs or
     * loses its network while holding it must not keep the other relays waiting longer than that.
     */
    @Override
    void lockTimeout(Statement s, long waitMs) throws SQLException {
        s.execute("SET LOCAL lock_timeout = " + waitMs + "; SET LOCAL idle_in_transaction_session_timeout = "
                + Relay.LOCK_IDLE_LIMIT_MS);
    }

    @Override
    boolean lockTimedOut(SQLException e) {
        return LOCK_STATES.contains(e.getSQLState());
    }

    @Override
    void beginSnapshot(Connection c) throws SQLException {
        c.setAutoCommit(false);
        // SET TRANSACTION, not the driver's setTransactionIsolation (a session setting, which a pooler would hand on)
        try (Statement s = c.createStatement()) {
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; SET LOCAL bytea_output = 'hex'; "
                    + "SET LOCAL extra_float_digits = 1"); // none of these takes the snapshot
        }
    }

    @Override
    String jsonParameter() {
        return "CAST(? AS json)";
    }

    @Override
    JsonObject row(WatchedTable table, JsonObject stored) {
        return PostgresJson.row(table, stored);
    }

    @Override
    String rowsQuery(WatchedTable table, int limit) {
        return "SELECT row_to_json(t)::text FROM " + qualified(table) + " AS t ORDER BY " + orderByKey(table)
                + " FETCH FIRST " + limit + " ROWS ONLY";
    }

    @Override
    JsonObject readRow(ResultSet rs, WatchedTable table) throws SQLException {
        return row(table, ColumnJson.parse(rs.getString(1)).asJsonObject());
    }

    @Override
    Wakeups wakeups(Connector connector) {
        return new PostgresWakeups(connector);
    }
}

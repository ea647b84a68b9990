package dev.switchboard.db;

import jakarta.json.JsonObject;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;

/**
 * What differs between databases: the SQL that installs the outbox, its triggers and the relay's table; how a session
 * waits for a lock and reads one consistent snapshot; how stored rows become the contract's JSON; how the relay is
 * woken. PostgreSQL and H2 are supported.
 */
abstract class Dialect {

    static Dialect of(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName();
        return switch (product.toLowerCase(Locale.ROOT)) {
            case "postgresql" -> new PostgresDialect();
            case "h2" -> new H2Dialect();
            default -> throw new DatabaseSetupException("Switchboard's table topics and outbox work with PostgreSQL and "
                    + "H2; dbUrl/dbDataSource is a " + product + " database");
        };
    }

    abstract String product();

    /** A quoted identifier. */
    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** A string literal. */
    static String literal(String text) {
        return '\'' + text.replace("'", "''") + '\'';
    }

    /** One of Switchboard's tables ({@code switchboard_outbox}) in {@code schema}, unquoted as it was created. */
    String table(String schema, String name) {
        return quote(schema) + "." + name;
    }

    static String qualified(WatchedTable t) {
        return quote(t.schema()) + "." + quote(t.table());
    }

    /**
     * The statements that install Switchboard's tables, functions and triggers in {@code schema} for these watched
     * tables, or bring an older install up to date (they can run again and again); they also remove the triggers of
     * tables no longer watched.
     */
    abstract List<String> installSql(Connection c, String schema, List<WatchedTable> tables) throws SQLException;

    /** The statements that remove everything Switchboard installed in {@code schema}. */
    abstract List<String> uninstallSql(Connection c, String schema) throws SQLException;

    /** Whether the change trigger is on this table (for {@code dbInstall=false}). */
    abstract boolean hasTrigger(Connection c, String schema, WatchedTable table) throws SQLException;

    /** Runs first in the install transaction: nodes that start together install one after the other. */
    void beforeInstall(Connection c) throws SQLException {
    }

    /**
     * Run in the lock's transaction before it asks for the lock: wait at most {@code waitMs} for it. Settings are
     * transaction-local where the database allows, so that a pooled connection (PgBouncer) does not carry them over.
     */
    abstract void lockTimeout(Statement s, long waitMs) throws SQLException;

    /** The lock was not granted within the wait. */
    abstract boolean lockTimedOut(SQLException e);

    /**
     * Starts a transaction whose reads all see one snapshot, taken by its first query, with the same output formats
     * as the trigger's.
     */
    abstract void beginSnapshot(Connection c) throws SQLException;

    /** The SQL for a JSON text parameter. */
    abstract String jsonParameter();

    /** A stored row (the trigger's JSON) as the contract's {@code row}. */
    abstract JsonObject row(WatchedTable table, JsonObject stored);

    /** Up to {@code limit} rows of the table, in primary-key order, each in the first column or as its columns. */
    abstract String rowsQuery(WatchedTable table, int limit);

    /** The current row of a {@link #rowsQuery} result as the contract's {@code row}. */
    abstract JsonObject readRow(ResultSet rs, WatchedTable table) throws SQLException;

    /** What wakes the relay when changes were committed. */
    abstract Wakeups wakeups(Connector connector);

    static String orderByKey(WatchedTable table) {
        return String.join(", ", table.keyColumns().stream().map(Dialect::quote).toList());
    }
}

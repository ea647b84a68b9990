package dev.switchboard.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The relay lock, shared by every node and process that relays from this database: the row {@code lock} of
 * {@code switchboard_relay}, locked ({@code SELECT … FOR UPDATE}) by a transaction left open on a connection of its
 * own, so that the relay can commit its steps on another connection while holding it. It is released by ending that
 * transaction, and by the database when the holder's connection dies (a killed node never keeps it; on PostgreSQL a
 * holder that goes silent loses it after {@link Relay#LOCK_IDLE_LIMIT_MS}).
 *
 * <p>Not thread-safe: {@link Relay} uses it under its own lock.
 */
final class RelayLock implements AutoCloseable {

    private final Connector connector;
    private final Dialect dialect;
    private final OutboxTable tables;
    private Connection connection;

    RelayLock(Connector connector, Dialect dialect, OutboxTable tables) {
        this.connector = connector;
        this.dialect = dialect;
        this.tables = tables;
    }

    /** Takes the lock, waiting at most {@code waitMs}; false when another holder kept it that long. */
    boolean acquire(long waitMs) throws SQLException {
        if (connection == null) {
            connection = connector.open();
            connection.setAutoCommit(false);
        }
        try {
            try (Statement s = connection.createStatement()) {
                dialect.lockTimeout(s, waitMs);
            }
            tables.lock(connection);
            return true;
        } catch (SQLException e) {
            if (dialect.lockTimedOut(e)) {
                connection.rollback();
                return false;
            }
            close();
            throw e;
        }
    }

    /**
     * Fails unless the lock is still held: after a step that must not have overlapped another (a snapshot), this
     * proves it did not: a lock lost on the way (connection killed) cannot come back without a new acquire.
     */
    void verifyHeld() throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SELECT 1");
        } catch (SQLException e) {
            close();
            throw new SQLException("the relay lock was lost during the step: " + e.getMessage(), e);
        }
    }

    void release() {
        if (connection == null) {
            return;
        }
        try {
            connection.rollback();
        } catch (SQLException e) {
            close();
        }
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // broken already
            }
            connection = null;
        }
    }
}

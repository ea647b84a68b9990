package dev.switchboard.db;

import jakarta.json.JsonValue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The durable, transactional publish: {@link #write} inserts the notification into {@code switchboard_outbox}
 * through the caller's connection, so it commits or rolls back with the caller's transaction (plain JDBC, Spring's
 * {@code @Transactional}, JTA alike). The relay publishes it after the commit, exactly once, also when this node dies
 * in between; after a rollback there is nothing to publish. Any program may do the same with SQL:
 * {@code INSERT INTO switchboard_outbox (topic, data) VALUES ('orders', '{"id":7}')}.
 */
public final class Outbox {

    private final String insert;

    Outbox(Dialect dialect, OutboxTable table) {
        this.insert = "INSERT INTO " + table.outbox() + " (topic, data) VALUES (?, " + dialect.jsonParameter() + ")";
    }

    /**
     * Writes {@code data} for {@code topic} in the transaction of {@code c} (which must reach the same database as
     * Switchboard). Topics {@code table:…} are the relay's own and refused. Does not commit. Returns the row's id
     * (see {@link Database#dedupKey}).
     */
    public long write(Connection c, String topic, JsonValue data) throws SQLException {
        if (!Topics.valid(topic) || topic.startsWith(WatchedTable.TOPIC_PREFIX)) {
            throw new IllegalArgumentException("cannot publish to topic '" + topic + "' through the outbox"
                    + (topic != null && topic.startsWith(WatchedTable.TOPIC_PREFIX)
                    ? ": topics table:NAME carry the changes of watched tables" : ": not a topic name"));
        }
        try (PreparedStatement s = c.prepareStatement(insert, new String[] {"id"})) {
            s.setString(1, topic);
            s.setString(2, data.toString());
            s.executeUpdate();
            try (ResultSet keys = s.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new SQLException("the database returned no id for the outbox row");
                }
                return keys.getLong(1);
            }
        }
    }
}

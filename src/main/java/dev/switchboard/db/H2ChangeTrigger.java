package dev.switchboard.db;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import org.h2.api.Trigger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * H2's change trigger ({@link H2Dialect} installs it on every watched table): writes each inserted, updated or
 * deleted row into the outbox through the writer's connection, so it commits or rolls back with the change. H2
 * creates one instance per trigger and calls it from the writers' threads; it holds only what {@link #init} found.
 *
 * <p>Commit order: an update or delete of a row waits for the row lock, so it runs after the transaction that
 * changed the row before has ended, and its outbox id (an identity) is larger; the relay publishes in id order
 * what is committed, so changes of one row are published in commit order.
 */
public final class H2ChangeTrigger implements Trigger {

    private WatchedTable table;
    private String insert;

    @Override
    public void init(Connection c, String schema, String triggerName, String tableName, boolean before, int type)
            throws SQLException {
        // "switchboard table:orders PUBLIC": the topic, then the outbox's schema (see H2Dialect.triggerName)
        String rest = triggerName.substring(H2Dialect.TRIGGER_PREFIX.length());
        int space = rest.indexOf(' ');
        String topic = rest.substring(0, space);
        String outboxSchema = rest.substring(space + 1);
        table = Catalog.describe(c, schema, tableName, topic.substring(WatchedTable.TOPIC_PREFIX.length()));
        if (table == null) {
            throw new SQLException("Switchboard's trigger " + triggerName + " found no table " + schema + "." + tableName);
        }
        insert = "INSERT INTO " + Dialect.quote(outboxSchema) + "." + OutboxTable.OUTBOX
                + " (topic, op, data, old_key) VALUES (?, ?, ? FORMAT JSON, ? FORMAT JSON)";
    }

    @Override
    public void fire(Connection c, Object[] oldRow, Object[] newRow) throws SQLException {
        String op = oldRow == null ? "insert" : newRow == null ? "delete" : "update";
        JsonObject row = ColumnJson.row(table, newRow != null ? newRow : oldRow);
        String oldKey = null;
        if (oldRow != null && newRow != null) {
            JsonObject before = ColumnJson.row(table, oldRow);
            JsonObjectBuilder key = ColumnJson.JSON.createObjectBuilder();
            boolean changed = false;
            for (String k : table.key()) {
                key.add(k, before.get(k));
                changed |= !before.get(k).equals(row.get(k));
            }
            oldKey = changed ? key.build().toString() : null;
        }
        try (PreparedStatement s = c.prepareStatement(insert)) {
            s.setString(1, table.topic());
            s.setString(2, op);
            s.setString(3, row.toString());
            s.setString(4, oldKey);
            s.executeUpdate();
        }
    }
}

package dev.switchboard.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * The SQL of the two tables the relay keeps: {@code switchboard_outbox} (changes and notifications waiting to be
 * published, oldest id first) and {@code switchboard_relay} (rows {@code lock}: the relay lock, {@code pending}: the
 * ids of the batch being published, {@code install}: this installation's id, part of every de-duplication key).
 *
 * <p>Every method that writes commits on the connection it is given (autocommit off), so that each step is durable
 * before the relay goes on: a claim is durable before anything of the batch is published; the delete of the batch and
 * the end of the claim are one transaction.
 */
final class OutboxTable {

    static final String OUTBOX = "switchboard_outbox";
    static final String RELAY = "switchboard_relay";
    private static final String COLUMNS = "id, topic, op, data, old_key";

    private final String outbox;
    private final String relay;

    OutboxTable(Dialect dialect, String schema) {
        this.outbox = dialect.table(schema, OUTBOX);
        this.relay = dialect.table(schema, RELAY);
    }

    String outbox() {
        return outbox;
    }

    String relay() {
        return relay;
    }

    /** Up to {@code limit} rows visible to {@code c} with an id above {@code afterId}, oldest first. */
    List<Change> after(Connection c, long afterId, int limit) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM " + outbox
                + " WHERE id > ? ORDER BY id FETCH FIRST " + limit + " ROWS ONLY")) {
            s.setLong(1, afterId);
            return read(s);
        }
    }

    /** The rows with these ids (those still there), oldest first. */
    List<Change> byIds(Connection c, List<Long> ids) throws SQLException {
        if (ids.isEmpty()) {
            return List.of();
        }
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM " + outbox + " WHERE id IN ("
                + join(ids) + ") ORDER BY id")) {
            return read(s);
        }
    }

    private static List<Change> read(PreparedStatement s) throws SQLException {
        List<Change> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                String oldKey = rs.getString(5);
                out.add(new Change(rs.getLong(1), rs.getString(2), rs.getString(3), ColumnJson.parse(rs.getString(4)),
                        oldKey == null ? null : ColumnJson.parse(oldKey)));
            }
        }
        return out;
    }

    /** The ids claimed by a step that has not finished (crashed, or still publishing on another node). */
    List<Long> pending(Connection c) throws SQLException {
        String value = value(c, "pending");
        c.commit();
        List<Long> ids = new ArrayList<>();
        if (value != null && !value.isEmpty()) {
            for (String id : value.split(",")) {
                ids.add(Long.parseLong(id));
            }
        }
        return ids;
    }

    /**
     * Claims a batch: from now on it is published before anything else, by whichever relay gets there. False when
     * another batch is claimed (a relay that lost the lock must not overwrite the claim of the one that has it).
     */
    boolean claim(Connection c, List<Long> ids) throws SQLException {
        int claimed;
        try (PreparedStatement s = c.prepareStatement("UPDATE " + relay + " SET state = ? WHERE name = 'pending'"
                + " AND state = ''")) {
            s.setString(1, join(ids));
            claimed = s.executeUpdate();
        }
        c.commit();
        return claimed == 1;
    }

    /**
     * The claimed batch is published: its rows go and the claim ends, in one transaction. The claim ends only if it
     * is still this batch's (another relay may have finished it and claimed the next one).
     */
    void finish(Connection c, List<Long> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + outbox + " WHERE id IN (" + join(ids) + ")");
             PreparedStatement clear = c.prepareStatement("UPDATE " + relay + " SET state = '' WHERE name = 'pending'"
                     + " AND state = ?")) {
            delete.executeUpdate();
            clear.setString(1, join(ids));
            clear.executeUpdate();
        }
        c.commit();
    }

    String installId(Connection c) throws SQLException {
        String id = value(c, "install");
        c.commit();
        if (id == null) {
            throw new SQLException(relay + " has no install row: install the tables again (dbInstall)");
        }
        return id;
    }

    /** Takes the relay lock: the row {@code lock}, locked until {@code c}'s transaction ends. */
    void lock(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT state FROM " + relay + " WHERE name = 'lock' FOR UPDATE");
             ResultSet rs = s.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException(relay + " has no lock row: install the tables again (dbInstall)");
            }
        }
    }

    private String value(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT state FROM " + relay + " WHERE name = ?")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Ids are numbers from the database: safe to write into SQL. */
    private static String join(List<Long> ids) {
        StringJoiner out = new StringJoiner(",");
        ids.forEach(id -> out.add(Long.toString(id)));
        return out.toString();
    }
}

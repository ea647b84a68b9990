package dev.switchboard.db;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds the tables of {@code dbWatch} through JDBC metadata, and says clearly why one cannot be watched: it does not
 * exist, it has no primary key (a change must say which row it is), or its name cannot be a topic name.
 */
final class Catalog {

    private Catalog() {
    }

    /** Every watched table, or a {@link DatabaseSetupException} naming every table that cannot be watched. */
    static List<WatchedTable> resolve(Connection c, List<String> watch) throws SQLException {
        List<WatchedTable> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String entry : watch) {
            String name = entry.toLowerCase(Locale.ROOT);
            if (!Topics.valid(WatchedTable.TOPIC_PREFIX + name)) {
                problems.add("dbWatch entry '" + entry + "' cannot name a topic (1-64 letters, digits, '_', '.', '@', '-')");
                continue;
            }
            if (out.stream().anyMatch(t -> t.name().equals(name))) {
                continue;
            }
            int dot = entry.lastIndexOf('.');
            String schema = dot < 0 ? c.getSchema() : fold(c, entry.substring(0, dot));
            String table = fold(c, entry.substring(dot + 1));
            WatchedTable found = describe(c, schema, table, name);
            if (found == null && dot < 0) {
                found = describe(c, schema, entry, name); // a quoted mixed-case name, written as it is
            }
            if (found == null) {
                problems.add("watched table '" + entry + "' (dbWatch) does not exist in schema " + schema);
            } else if (found.key().isEmpty()) {
                problems.add("watched table '" + entry + "' has no primary key; Switchboard needs one to say which row "
                        + "changed (add a primary key or remove the table from dbWatch)");
            } else {
                out.add(found);
            }
        }
        if (!problems.isEmpty()) {
            throw new DatabaseSetupException("Cannot watch the database tables: " + String.join("; ", problems));
        }
        return out;
    }

    /** A table as it is now, or null when there is no such table; {@code key} is empty when it has no primary key. */
    static WatchedTable describe(Connection c, String schema, String table, String name) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        boolean upper = meta.storesUpperCaseIdentifiers();
        List<WatchedTable.Column> columns = new ArrayList<>();
        try (ResultSet rs = meta.getColumns(null, escape(meta, schema), escape(meta, table), "%")) {
            Map<Integer, WatchedTable.Column> byPosition = new TreeMap<>();
            while (rs.next()) {
                if (!table.equals(rs.getString("TABLE_NAME")) || !schema.equals(rs.getString("TABLE_SCHEM"))) {
                    continue;
                }
                String column = rs.getString("COLUMN_NAME");
                byPosition.put(rs.getInt("ORDINAL_POSITION"),
                        new WatchedTable.Column(column, jsonName(column, upper), rs.getString("TYPE_NAME")));
            }
            columns.addAll(byPosition.values());
        }
        if (columns.isEmpty() || !isTable(meta, schema, table)) {
            return null;
        }
        Map<Integer, String> key = new TreeMap<>();
        try (ResultSet rs = meta.getPrimaryKeys(null, schema, table)) {
            while (rs.next()) {
                key.put(rs.getInt("KEY_SEQ"), jsonName(rs.getString("COLUMN_NAME"), upper));
            }
        }
        return new WatchedTable(name, schema, table, columns, List.copyOf(key.values()));
    }

    private static boolean isTable(DatabaseMetaData meta, String schema, String table) throws SQLException {
        try (ResultSet rs = meta.getTables(null, escape(meta, schema), escape(meta, table), null)) {
            while (rs.next()) {
                String type = rs.getString("TABLE_TYPE");
                if (table.equals(rs.getString("TABLE_NAME")) && type != null && type.toUpperCase(Locale.ROOT).contains("TABLE")
                        && !type.toUpperCase(Locale.ROOT).contains("TEMPORARY")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** An unquoted identifier as the database stores it. */
    static String fold(Connection c, String identifier) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        if (meta.storesUpperCaseIdentifiers()) {
            return identifier.toUpperCase(Locale.ROOT);
        }
        return meta.storesLowerCaseIdentifiers() ? identifier.toLowerCase(Locale.ROOT) : identifier;
    }

    private static String jsonName(String column, boolean upperCaseDatabase) {
        return upperCaseDatabase && column.equals(column.toUpperCase(Locale.ROOT)) ? column.toLowerCase(Locale.ROOT) : column;
    }

    /** Metadata patterns treat '_' and '%' as wildcards. */
    private static String escape(DatabaseMetaData meta, String name) throws SQLException {
        String escape = meta.getSearchStringEscape();
        return escape == null || escape.isEmpty() ? name
                : name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }
}

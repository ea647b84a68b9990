package dev.switchboard.db;

import java.util.List;

/**
 * A table of {@code dbWatch}: its name as the topic shows it ({@code orders}, {@code sales.orders}: as written,
 * lower case), where it is in the database, its columns in order and its primary key (JSON names of columns).
 */
record WatchedTable(String name, String schema, String table, List<Column> columns, List<String> key) {

    static final String TOPIC_PREFIX = "table:";

    /**
     * A column: its name in the database, its name in JSON (the database's name, lower-cased where the database folds
     * unquoted names to upper case, as H2 does, and the name is all upper case) and its type as JDBC metadata names it
     * ({@code timestamptz}, {@code bytea}, {@code _int4} on PostgreSQL; {@code TIMESTAMP WITH TIME ZONE} on H2).
     */
    record Column(String name, String json, String type) {
    }

    WatchedTable {
        columns = List.copyOf(columns);
        key = List.copyOf(key);
    }

    String topic() {
        return TOPIC_PREFIX + name;
    }

    /** The type of the column with this JSON name, or null when unknown (a column added after the start). */
    String type(String jsonName) {
        for (Column c : columns) {
            if (c.json().equals(jsonName)) {
                return c.type();
            }
        }
        return null;
    }

    /** The key columns' names in the database, in key order. */
    List<String> keyColumns() {
        return key.stream().map(k -> columns.stream().filter(c -> c.json().equals(k)).findFirst().orElseThrow().name())
                .toList();
    }
}

package dev.switchboard.db;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

/**
 * One row of the outbox: a change of a watched table ({@code op} is insert, update or delete; {@code data} is the
 * row after the change, before it for a delete; {@code oldKey} the key before an update that changed it) or a
 * notification written by {@link Outbox#write} ({@code op} null, {@code data} the notification).
 */
record Change(long id, String topic, String op, JsonValue data, JsonValue oldKey) {

    boolean isTableChange() {
        return op != null;
    }

    /**
     * The notification of a table change, the contract's shape:
     * {@code {"op":"insert","table":"orders","key":{"id":7},"row":{…}}}, plus {@code "oldKey"} when an update changed
     * the primary key (the row under the old key is gone).
     */
    static JsonObject notification(WatchedTable table, String op, JsonObject row, JsonValue oldKey) {
        JsonObjectBuilder key = ColumnJson.JSON.createObjectBuilder();
        for (String column : table.key()) {
            key.add(column, row.getOrDefault(column, JsonValue.NULL));
        }
        JsonObjectBuilder out = ColumnJson.JSON.createObjectBuilder().add("op", op).add("table", table.name()).add("key", key)
                .add("row", row);
        if (oldKey != null && oldKey.getValueType() == JsonValue.ValueType.OBJECT) {
            out.add("oldKey", oldKey);
        }
        return out.build();
    }
}

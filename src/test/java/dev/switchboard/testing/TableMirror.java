package dev.switchboard.testing;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a client of a database topic knows of the table: the rows of a {@code subscribed} with {@code snapshot:true},
 * then every {@code notification} applied in order (PROTOCOL.md, "Database topics"). It checks the stream as it goes:
 * offsets follow the snapshot's offset without a gap or a repeat.
 */
public final class TableMirror {

    private final List<String> key;
    private final Map<String, JsonObject> rows = new TreeMap<>();
    private long offset;

    /** {@code key}: the primary-key columns, as named in the rows. */
    public TableMirror(List<String> key, JsonObject subscribed) {
        this.key = List.copyOf(key);
        this.offset = subscribed.getJsonNumber("offset").longValue();
        for (JsonValue row : subscribed.getJsonArray("rows")) {
            rows.put(keyOf(row.asJsonObject()), row.asJsonObject());
        }
    }

    /** Applies the next notification of the topic; fails when its offset is not the next one. */
    public void apply(JsonObject notification) {
        long next = notification.getJsonNumber("offset").longValue();
        assertEquals(offset + 1, next, () -> "offsets follow one another without gaps or repeats: " + notification);
        offset = next;
        JsonObject data = notification.getJsonObject("data");
        JsonObject row = data.getJsonObject("row");
        assertEquals(keyOf(row), data.getJsonObject("key").toString(), "key holds the row's primary key");
        if (data.containsKey("oldKey")) {
            rows.remove(data.getJsonObject("oldKey").toString());
        }
        switch (data.getString("op")) {
            case "insert", "update" -> rows.put(keyOf(row), row);
            case "delete" -> rows.remove(keyOf(row));
            default -> throw new AssertionError("unknown op: " + data);
        }
    }

    private String keyOf(JsonObject row) {
        JsonObjectBuilder out = Json.createObjectBuilder();
        for (String column : key) {
            out.add(column, row.get(column));
        }
        return out.build().toString();
    }

    public long offset() {
        return offset;
    }

    /** The rows as the client sees them now, by primary key (its JSON text). */
    public Map<String, JsonObject> rows() {
        return Map.copyOf(rows);
    }

    /** The row with this key value, of a table with a one-column key; null when there is none. */
    public JsonObject row(String column, JsonValue value) {
        return rows.get(Json.createObjectBuilder().add(column, value).build().toString());
    }
}

package dev.switchboard.db;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A table rebuilt from its change notifications, the way a dashboard keeps one: start from a snapshot's rows (or
 * nothing), apply every change after its offset. Rows by key.
 */
final class TableFold {

    private final Map<JsonValue, JsonObject> rows = new LinkedHashMap<>();
    private final List<String> key;

    TableFold(List<String> key, Collection<JsonObject> start) {
        this.key = key;
        start.forEach(r -> rows.put(keyOf(r), r));
    }

    private JsonValue keyOf(JsonObject row) {
        var b = ColumnJson.JSON.createObjectBuilder();
        key.forEach(k -> b.add(k, row.get(k)));
        return b.build();
    }

    TableFold apply(JsonValue notification) {
        JsonObject n = notification.asJsonObject();
        if (n.containsKey("oldKey")) {
            rows.remove(n.get("oldKey"));
        }
        JsonObject row = n.getJsonObject("row");
        if (n.getString("op").equals("delete")) {
            rows.remove(n.get("key"));
        } else {
            rows.put(n.get("key"), row);
        }
        if (!n.get("key").equals(keyOf(row))) {
            throw new AssertionError("key " + n.get("key") + " is not the row's key: " + n);
        }
        return this;
    }

    TableFold applyAll(List<JsonValue> notifications) {
        notifications.forEach(this::apply);
        return this;
    }

    Map<JsonValue, JsonObject> rows() {
        return rows;
    }
}

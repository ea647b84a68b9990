package dev.switchboard.testing;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small JSON helpers for tests. */
public final class Jsons {

    private Jsons() {
    }

    /** {@code map("type", "join", "room", "lobby")} → an ordered map for a JSON object builder. */
    public static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
    }

    /** The {@code offset}s of an array of frames, in order. */
    public static List<Long> offsets(JsonValue array) {
        List<Long> out = new ArrayList<>();
        for (JsonValue v : array.asJsonArray()) {
            out.add(((JsonObject) v).getJsonNumber("offset").longValue());
        }
        return out;
    }

    /** The values of a string field across an array of objects. */
    public static List<String> strings(JsonValue array, String field) {
        List<String> out = new ArrayList<>();
        for (JsonValue v : array.asJsonArray()) {
            out.add(((JsonObject) v).getString(field));
        }
        return out;
    }
}

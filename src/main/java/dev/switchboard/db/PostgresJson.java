package dev.switchboard.db;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * Turns PostgreSQL's {@code row_to_json} into the contract's JSON. PostgreSQL already writes numbers exactly
 * ({@code numeric} keeps every digit), booleans, nulls, JSON columns and arrays; three things need the column's type:
 * {@code timestamptz} comes with the writer's offset ({@code +01:00}) and becomes UTC with {@code Z},
 * {@code timestamp} (no zone) is read as UTC, and {@code bytea} comes as hex ({@code \x01ff}; the trigger and the
 * snapshot reader set {@code bytea_output = hex}) and becomes base64. Arrays of those ({@code _timestamptz}) are
 * converted element by element. Values that do not parse ({@code infinity}) stay as PostgreSQL wrote them.
 */
final class PostgresJson {

    private PostgresJson() {
    }

    static JsonObject row(WatchedTable table, JsonObject raw) {
        JsonObjectBuilder out = ColumnJson.JSON.createObjectBuilder();
        for (Map.Entry<String, JsonValue> e : raw.entrySet()) {
            out.add(e.getKey(), value(e.getValue(), table.type(e.getKey())));
        }
        return out.build();
    }

    static JsonValue value(JsonValue v, String type) {
        if (type == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return v;
        }
        if (type.startsWith("_") && v.getValueType() == JsonValue.ValueType.ARRAY) {
            JsonArrayBuilder out = ColumnJson.JSON.createArrayBuilder();
            for (JsonValue item : v.asJsonArray()) {
                out.add(value(item, type.substring(1)));
            }
            return out.build();
        }
        if (!(v instanceof JsonString s)) {
            return v;
        }
        try {
            switch (type) {
                case "timestamptz":
                    return ColumnJson.JSON.createValue(ColumnJson.INSTANT.format(OffsetDateTime.parse(s.getString()).toInstant()));
                case "timestamp":
                    return ColumnJson.JSON.createValue(ColumnJson.INSTANT.format(
                            LocalDateTime.parse(s.getString()).toInstant(ZoneOffset.UTC)));
                case "bytea":
                    return s.getString().startsWith("\\x")
                            ? ColumnJson.JSON.createValue(Base64.getEncoder().encodeToString(
                                    HexFormat.of().parseHex(s.getString().substring(2))))
                            : v;
                default:
                    return v;
            }
        } catch (DateTimeParseException | IllegalArgumentException e) {
            return v; // infinity, BC dates: PostgreSQL's text
        }
    }
}

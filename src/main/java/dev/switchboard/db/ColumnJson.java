package dev.switchboard.db;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Column values as JSON, the contract's way: numbers as JSON numbers (exact decimals through {@link BigDecimal},
 * never a double), text as strings, booleans, null, date/time as ISO-8601 strings with timestamps in UTC and
 * {@code Z} (a timestamp without time zone is read as UTC), binary as base64, JSON columns as JSON, arrays as arrays.
 * Used for JDBC values (H2's trigger and snapshots); PostgreSQL's own JSON is corrected by {@link PostgresJson}.
 */
final class ColumnJson {

    /** {@code 2026-12-04T10:15:30.123Z}: milliseconds always (like the core's {@code ts}), more digits when there are. */
    static final DateTimeFormatter INSTANT = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd'T'HH:mm:ss").appendFraction(ChronoField.NANO_OF_SECOND, 3, 9, true)
            .appendLiteral('Z').toFormatter(Locale.ROOT).withZone(ZoneOffset.UTC);

    /**
     * The JSON provider, looked up once: {@code JSON.createX} looks it up through the ServiceLoader on every call,
     * scanning the class path under a lock, which made each trigger call take milliseconds.
     */
    static final JsonProvider JSON = JsonProvider.provider();

    private ColumnJson() {
    }

    /** One row: the values in column order, named by the columns' JSON names. */
    static JsonObject row(WatchedTable table, Object[] values) throws SQLException {
        JsonObjectBuilder out = JSON.createObjectBuilder();
        List<WatchedTable.Column> columns = table.columns();
        for (int i = 0; i < columns.size() && i < values.length; i++) {
            out.add(columns.get(i).json(), value(values[i], columns.get(i).type()));
        }
        return out.build();
    }

    static JsonValue value(Object v, String type) throws SQLException {
        if (v == null) {
            return JsonValue.NULL;
        }
        boolean json = type != null && type.toUpperCase(Locale.ROOT).startsWith("JSON");
        if (json && (v instanceof byte[] || v instanceof String)) {
            return parse(v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : (String) v);
        }
        if (v instanceof Boolean b) {
            return b ? JsonValue.TRUE : JsonValue.FALSE;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return JSON.createValue(((Number) v).longValue());
        }
        if (v instanceof BigInteger i) {
            return JSON.createValue(i);
        }
        if (v instanceof BigDecimal d) {
            return JSON.createValue(d);
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            // Float.toString, not the widened double: 1.1f is 1.1, not 1.100000023841858
            return Double.isFinite(d) ? JSON.createValue(new BigDecimal(v.toString())) : JSON.createValue(v.toString());
        }
        if (v instanceof byte[] bytes) {
            return JSON.createValue(Base64.getEncoder().encodeToString(bytes));
        }
        String time = time(v);
        if (time != null) {
            return JSON.createValue(time);
        }
        if (v instanceof Object[] items) {
            String element = type == null ? null : type.replaceFirst("(?i)\\s*ARRAY$", "");
            JsonArrayBuilder out = JSON.createArrayBuilder();
            for (Object item : items) {
                out.add(value(item, element));
            }
            return out.build();
        }
        if (v instanceof Array array) {
            return value(array.getArray(), type);
        }
        if (v instanceof Clob clob) {
            return JSON.createValue(clob.getSubString(1, (int) Math.min(Integer.MAX_VALUE, clob.length())));
        }
        if (v instanceof Blob blob) {
            return value(blob.getBytes(1, (int) Math.min(Integer.MAX_VALUE, blob.length())), type);
        }
        return JSON.createValue(v.toString());
    }

    /** ISO-8601 text of a date/time value, timestamps in UTC; null when it is none. */
    private static String time(Object v) {
        if (v instanceof java.sql.Timestamp t) {
            return INSTANT.format(t.toLocalDateTime().toInstant(ZoneOffset.UTC));
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate().toString();
        }
        if (v instanceof java.sql.Time t) {
            return t.toLocalTime().toString();
        }
        if (v instanceof LocalDateTime t) {
            return INSTANT.format(t.toInstant(ZoneOffset.UTC));
        }
        if (v instanceof OffsetDateTime t) {
            return INSTANT.format(t.toInstant());
        }
        if (v instanceof ZonedDateTime t) {
            return INSTANT.format(t.toInstant());
        }
        if (v instanceof Instant t) {
            return INSTANT.format(t);
        }
        if (v instanceof java.time.temporal.TemporalAccessor) {
            return v.toString(); // LocalDate, LocalTime, OffsetTime: already ISO-8601
        }
        return null;
    }

    static JsonValue parse(String json) {
        try (JsonReader reader = JSON.createReader(new StringReader(json))) {
            return reader.readValue();
        }
    }
}

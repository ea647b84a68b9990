package dev.switchboard.protocol;


import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;

import java.io.StringReader;
import java.util.Arrays;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The codec: one shared, thread-safe {@link Jsonb} for the whole application (its javadoc: one instance suffices),
 * plus the few text operations that let stored frames be reused without re-encoding.
 *
 * <p>Decoding never throws: text that is not a valid request becomes {@link ClientMessage.Unreadable} with the
 * error code the protocol prescribes, so a bad frame costs its sender one error frame and nothing else.
 */
public final class Wire {

    /** The subprotocol every endpoint offers. */
    public static final String PROTOCOL = "switchboard.v1";

    private static final Jsonb JSONB = JsonbBuilder.create();

    private static final Set<String> CLIENT_TYPES = aliases(ClientMessage.class);

    private static final String TYPE_PREFIX = "{\"type\":\"";

    /** Marker offset used while encoding a template; never a real offset (offsets start at 1). */
    private static final String OFFSET_MARK = "\"offset\":0";
    private static final String OFFSET_KEY = "\"offset\":";
    private static final String TRACE_KEY = ",\"trace\":\"";

    private Wire() {
    }

    public static String encode(ServerMessage message) {
        if (message instanceof ServerMessage.Message m && FrameWriter.writes(m)) {
            return FrameWriter.message(m); // every chat message: written by hand, exactly as JSON-B writes it
        }
        return encodeWithJsonb(message);
    }

    /** {@link #encode} by JSON-B alone (and {@code FrameWriterTest}'s reference). */
    static String encodeWithJsonb(ServerMessage message) {
        return JSONB.toJson(message); // the runtime type: with the interface type Yasson writes {}
    }

    public static String encode(ClientMessage message) {
        return JSONB.toJson(message);
    }

    /** For clients and tests: one server frame object (a server WebSocket frame may hold several, split on \n). */
    public static ServerMessage decodeServer(String json) {
        return JSONB.fromJson(json, ServerMessage.class);
    }

    /** Decodes a client frame; never throws (see class comment). */
    public static ClientMessage decode(String text) {
        ClientMessage plain = ClientFrameReader.read(text); // the usual form, without reflection; else JSON-B decides
        return plain != null ? plain : decodeWithJsonb(text);
    }

    /** {@link #decode} by JSON-B alone: every frame the plain reader leaves alone (and its test's reference). */
    static ClientMessage decodeWithJsonb(String text) {
        try {
            ClientMessage message = JSONB.fromJson(text, ClientMessage.class);
            if (message == null) {
                return diagnose(text);
            }
            return message;
        } catch (RuntimeException e) {
            // JsonbException, JsonException, ClassCastException... and Parsson's plain RuntimeException for input
            // nested deeper than its limit ("Input is too deeply nested"): all of them are the client's bad frame.
            return diagnose(text);
        }
    }

    /** Slow path, only for bad input: works out which protocol error the text deserves. */
    private static ClientMessage diagnose(String text) {
        JsonValue value;
        try {
            value = parseValue(text);
        } catch (JsonException e) {
            return new ClientMessage.Unreadable(ErrorCode.BAD_JSON, "the frame is not valid JSON (or nested more than "
                    + "1000 levels deep)", null);
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            return new ClientMessage.Unreadable(ErrorCode.BAD_JSON, "a frame must be one JSON object", null);
        }
        JsonObject object = value.asJsonObject();
        JsonValue refValue = object.get("ref");
        String ref = refValue instanceof JsonString s ? s.getString() : null;
        JsonValue type = object.get("type");
        if (!(type instanceof JsonString typeName)) {
            return new ClientMessage.Unreadable(ErrorCode.INVALID, "the frame needs a string field \"type\"", ref);
        }
        if (!CLIENT_TYPES.contains(typeName.getString())) {
            return new ClientMessage.Unreadable(ErrorCode.UNKNOWN_TYPE,
                    "unknown type \"" + abbreviate(typeName.getString()) + "\"", ref);
        }
        return new ClientMessage.Unreadable(ErrorCode.INVALID,
                "a field of \"" + typeName.getString() + "\" has the wrong type", ref);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    /**
     * Where the offset goes in an encoded frame that has an {@code offset} field set to 0: the index of that 0. The
     * field order of every stored frame ({@link ServerMessage.Message}, {@link ServerMessage.Edited},
     * {@link ServerMessage.Deleted}, {@link ServerMessage.Reaction}, {@link ServerMessage.Notification}) puts
     * {@code offset} right after a room or topic name, which cannot contain quotes, so the first match is the field. The store that assigns
     * the offset writes it there, so the frame is encoded once, on the node that received it.
     */
    public static int offsetSlot(String json) {
        int at = json.indexOf(OFFSET_MARK);
        if (at < 0) {
            throw new IllegalArgumentException("no offset field in " + json);
        }
        return at + OFFSET_MARK.length() - 1;
    }

    /**
     * The {@code trace} of a stored frame this codec encoded ({@link ServerMessage.Notification}), found without
     * parsing: it directly follows {@code offset} (see {@link #offsetSlot}), so only that one place is looked at and
     * nothing the user wrote (a notification's {@code data}) can be mistaken for it. Null when the frame is not traced.
     */
    public static String traceOf(String json) {
        int at = json.indexOf(OFFSET_KEY);
        if (at < 0) {
            return null;
        }
        int i = at + OFFSET_KEY.length();
        while (i < json.length() && Character.isDigit(json.charAt(i))) {
            i++;
        }
        if (!json.startsWith(TRACE_KEY, i) || json.length() < i + TRACE_KEY.length() + TraceParent.LENGTH + 1) {
            return null;
        }
        int from = i + TRACE_KEY.length();
        return json.charAt(from + TraceParent.LENGTH) == '"' ? json.substring(from, from + TraceParent.LENGTH) : null;
    }

    /**
     * The {@code type} of a frame this codec encoded (it writes {@code type} first), without parsing it; null for
     * other text.
     */
    public static String typeOf(String json) {
        if (!json.startsWith(TYPE_PREFIX)) {
            return null;
        }
        int end = json.indexOf('"', TYPE_PREFIX.length());
        return end < 0 ? null : json.substring(TYPE_PREFIX.length(), end);
    }

    /** Whether a frame this codec encoded is of {@code type}, without parsing it or making a string. */
    public static boolean isType(String json, String type) {
        return json.startsWith(TYPE_PREFIX) && json.startsWith(type, TYPE_PREFIX.length())
                && json.length() > TYPE_PREFIX.length() + type.length()
                && json.charAt(TYPE_PREFIX.length() + type.length()) == '"';
    }

    /**
     * The value of a string field that holds no character JSON escapes (a server-made id), found without parsing: the
     * first {@code "field":"…"} of the text. Only for fields that come before any user-written text in the frame's
     * field order (inside a JSON string a quote is always escaped, so user text cannot fake the pattern anyway).
     */
    public static String plainField(String json, String field) {
        String key = "\"" + field + "\":\"";
        int at = json.indexOf(key);
        if (at < 0) {
            return null;
        }
        int from = at + key.length();
        int end = json.indexOf('"', from);
        return end < 0 ? null : json.substring(from, end);
    }

    /** A string as JSON text, quoted and escaped as this codec writes it. */
    public static String quote(String s) {
        String json = JSONB.toJson(new String[] {s});
        return json.substring(1, json.length() - 1);
    }

    /**
     * Adds a field whose value is already JSON text to an encoded object: {@code {"a":1}} + ("b", "[…]") →
     * {@code {"a":1,"b":[…]}}. This is how stored frames go into {@code joined}, {@code history} and
     * {@code subscribed} without being decoded and encoded again.
     */
    public static String withRawField(String objectJson, String field, String rawJson) {
        StringBuilder out = new StringBuilder(objectJson.length() + field.length() + rawJson.length() + 4);
        out.append(objectJson, 0, objectJson.length() - 1);
        if (objectJson.length() > 2) {
            out.append(',');
        }
        return out.append('"').append(field).append("\":").append(rawJson).append('}').toString();
    }

    /** JSON array text of items that are already JSON text. */
    public static String rawArray(Collection<String> rawItems) {
        StringBuilder out = new StringBuilder(2 + rawItems.stream().mapToInt(String::length).sum() + rawItems.size());
        out.append('[');
        boolean first = true;
        for (String item : rawItems) {
            if (!first) {
                out.append(',');
            }
            out.append(item);
            first = false;
        }
        return out.append(']').toString();
    }

    /**
     * Parses arbitrary JSON text (a notification's data); throws {@link JsonException} when it is not JSON, also when
     * it is nested deeper than the parser allows (Parsson: 1000 levels, reported as a plain RuntimeException, turned
     * into a JsonException here so that callers know one failure only).
     */
    public static JsonValue parseValue(String json) {
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            return reader.readValue();
        } catch (JsonException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new JsonException("not JSON: " + e.getMessage(), e);
        }
    }

    /** Any object JSON-B can serialise (records, beans, maps) as a JSON value; a JSON value as it is. */
    public static JsonValue toJsonValue(Object data) {
        return data instanceof JsonValue v ? v : parseValue(JSONB.toJson(data));
    }

    /** The {@code type} aliases registered on a sealed message interface. */
    public static Set<String> aliases(Class<?> sealedInterface) {
        JsonbTypeInfo info = sealedInterface.getAnnotation(JsonbTypeInfo.class);
        return Arrays.stream(info.value()).map(JsonbSubtype::alias).collect(Collectors.toUnmodifiableSet());
    }
}

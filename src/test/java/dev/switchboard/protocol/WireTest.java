package dev.switchboard.protocol;

import dev.switchboard.store.Template;

import jakarta.json.Json;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WireTest {

    /** Yasson silently writes an unregistered subtype without its type marker: every record must be registered. */
    @Test
    void everyServerMessageTypeRoundTrips() throws Exception {
        Set<String> aliases = Wire.aliases(ServerMessage.class);
        assertEquals(ServerMessage.class.getPermittedSubclasses().length, aliases.size());
        for (Class<?> type : ServerMessage.class.getPermittedSubclasses()) {
            ServerMessage sample = (ServerMessage) sample(type);
            String json = Wire.encode(sample);
            assertTrue(json.startsWith("{\"type\":\""), json);
            assertTrue(aliases.contains(json.substring(9, json.indexOf('"', 9))), json);
            assertEquals(sample, Wire.decodeServer(json), json);
        }
    }

    @Test
    void everyClientMessageTypeRoundTrips() throws Exception {
        Set<String> aliases = Wire.aliases(ClientMessage.class);
        int wireTypes = 0;
        for (Class<?> type : ClientMessage.class.getPermittedSubclasses()) {
            if (type == ClientMessage.Unreadable.class) {
                continue; // not a wire type: what the decoder makes of bad input
            }
            wireTypes++;
            ClientMessage sample = (ClientMessage) sample(type);
            String json = Wire.encode(sample);
            assertTrue(aliases.contains(json.substring(9, json.indexOf('"', 9))), json);
            assertEquals(sample, Wire.decode(json), json);
        }
        assertEquals(wireTypes, aliases.size());
    }

    @Test
    void badInputDecodesToTheProtocolsErrorCodes() {
        assertEquals(ErrorCode.BAD_JSON, unreadable("{nope").code());
        assertEquals(ErrorCode.BAD_JSON, unreadable("[1,2]").code());
        assertEquals(ErrorCode.INVALID, unreadable("{\"room\":\"x\"}").code());
        ClientMessage.Unreadable unknown = unreadable("{\"type\":\"shout\",\"ref\":\"r9\"}");
        assertEquals(ErrorCode.UNKNOWN_TYPE, unknown.code());
        assertEquals("r9", unknown.ref());
        assertEquals(ErrorCode.INVALID, unreadable("{\"type\":\"join\",\"since\":\"yesterday\"}").code());
    }

    @Test
    void unknownFieldsAreIgnored() {
        ClientMessage m = Wire.decode("{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"hi\",\"from\":\"mallory\",\"x\":[1]}");
        assertEquals(new ClientMessage.Say("lobby", "hi", null), m);
    }

    @Test
    void aTemplateIsCompletedWithItsOffset() {
        String encoded = Wire.encode(ServerMessage.Notification.of("orders", 0L, "2026-11-21T10:15:30.123Z",
                Json.createObjectBuilder().add("offset", 0).add("text", "\"offset\":0").build()));
        int slot = Wire.offsetSlot(encoded);
        String json = new Template(encoded.substring(0, slot), encoded.substring(slot + 1)).complete(58);
        ServerMessage.Notification n = (ServerMessage.Notification) Wire.decodeServer(json);
        assertEquals(58L, n.offset());
        assertEquals(0, n.data().asJsonObject().getInt("offset"), "only the frame's own offset is replaced");
    }

    /** Chat 1.1: edits, deletes and reactions are stored like messages, so the store stamps their offset the same way. */
    @Test
    void storedEventsAreStampedWithTheirOffsetLikeMessages() {
        List<ServerMessage> stored = List.of(
                ServerMessage.Message.said("r", 0L, "m1", "ann", "\"offset\":0", "ts", null),
                new ServerMessage.Edited("r", 0L, "m1", "ann", "\"offset\":0", "ts", "e-1"),
                ServerMessage.Deleted.byAuthor("r", 0L, "m1", "ann", "ts", null),
                new ServerMessage.Reaction("r", 0L, "m1", "bob", "\uD83D\uDC4D", true, "ts", null));
        for (ServerMessage frame : stored) {
            String encoded = Wire.encode(frame);
            int slot = Wire.offsetSlot(encoded);
            String json = new Template(encoded.substring(0, slot), encoded.substring(slot + 1)).complete(61);
            assertEquals(frame.getClass(), Wire.decodeServer(json).getClass(), json);
            assertEquals(61, Json.createReader(new java.io.StringReader(json)).readObject().getInt("offset"), json);
            assertTrue(json.contains("\"id\":\"m1\""), json);
            assertEquals("m1", Wire.plainField(json, "id"), json);
        }
    }

    @Test
    void aRecoveredJoinedDecodesEachLogEntryAsWhatItIs() {
        String message = Wire.encode(ServerMessage.Message.said("r", 1L, "m1", "ann", "hi", "ts", null));
        String edited = Wire.encode(new ServerMessage.Edited("r", 2L, "m1", "ann", "hello", "ts2", null));
        String joined = Wire.withRawField(Wire.encode(new ServerMessage.Joined("r", 2L, "E", true, 0L, 1L, List.of(),
                null, null)), "history", Wire.rawArray(List.of(message, edited)));
        ServerMessage.Joined decoded = (ServerMessage.Joined) Wire.decodeServer(joined);
        assertEquals(List.of(Wire.decodeServer(message), Wire.decodeServer(edited)), decoded.history());
        assertInstanceOf(ServerMessage.Edited.class, decoded.history().get(1));
    }

    @Test
    void framesAreInspectedWithoutParsing() {
        String json = Wire.encode(ServerMessage.Message.said("r", 3L, "m1", "a\"nn", "\"id\":\"fake\"", "ts", null));
        assertEquals("message", Wire.typeOf(json));
        assertTrue(Wire.isType(json, "message"));
        assertFalse(Wire.isType(json, "messag"));
        assertFalse(Wire.isType(json, "messages"));
        assertEquals("m1", Wire.plainField(json, "id"));
        assertTrue(json.contains("\"from\":" + Wire.quote("a\"nn") + ","), json);
        assertEquals(null, Wire.typeOf("[1]"));
    }

    @Test
    void reactionsKeepTheOrderTheyCameIn() {
        Map<String, List<String>> reactions = new LinkedHashMap<>();
        reactions.put("\uD83D\uDE00", List.of("cy", "ann"));
        reactions.put("\uD83D\uDC4D", List.of("bob"));
        String json = Wire.encode(new ServerMessage.Message("r", 1L, "m", "ann", null, "ts", null, "ts2", true, reactions));
        assertTrue(json.endsWith("\"reactions\":{\"\uD83D\uDE00\":[\"cy\",\"ann\"],\"\uD83D\uDC4D\":[\"bob\"]}}"), json);
        assertFalse(json.contains("\"text\""), json);
    }

    @Test
    void rawFieldsAreSplicedIntoEncodedObjects() {
        assertEquals("{\"a\":1,\"b\":[2]}", Wire.withRawField("{\"a\":1}", "b", "[2]"));
        assertEquals("{\"b\":[]}", Wire.withRawField("{}", "b", Wire.rawArray(List.of())));
    }

    private static ClientMessage.Unreadable unreadable(String text) {
        return assertInstanceOf(ClientMessage.Unreadable.class, Wire.decode(text));
    }

    /** A record with every component set to a sample value of its type. */
    private static Object sample(Class<?> type) throws Exception {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            values.add(value(components[i]));
        }
        return type.getDeclaredConstructor(types).newInstance(values.toArray());
    }

    private static Object value(RecordComponent c) throws Exception {
        Class<?> t = c.getType();
        if (t == String.class) {
            return c.getName() + "-value";
        } else if (t == Long.class) {
            return 41L;
        } else if (t == Integer.class) {
            return 7;
        } else if (t == Boolean.class) {
            return true;
        } else if (t == List.class) {
            String generic = c.getGenericType().getTypeName();
            if (generic.contains("Member")) {
                return List.of(new ServerMessage.Member("ann"));
            } else if (generic.contains("Notification")) {
                return List.of(sample(ServerMessage.Notification.class));
            } else if (generic.contains("JsonValue")) {
                return List.of(Json.createObjectBuilder().add("id", 7).add("item", "tea").build());
            }
            return List.of(sample(ServerMessage.Message.class));
        } else if (t == Map.class) {
            Map<String, List<String>> reactions = new LinkedHashMap<>();
            reactions.put("\uD83D\uDC4D", List.of("bob", "cy"));
            reactions.put("\u2764\uFE0F", List.of("ann"));
            return reactions;
        } else if (t == jakarta.json.JsonValue.class) {
            return Json.createObjectBuilder().add("price", 42).build();
        } else if (t.isRecord()) {
            return sample(t);
        } else if (t == ErrorCode.class) {
            return ErrorCode.INVALID;
        }
        throw new IllegalArgumentException("no sample for " + t);
    }

    /** docs/tracing.md: the trace follows the offset, so the store still stamps the offset and a look finds the trace. */
    @Test
    void aTracedNotificationKeepsItsTraceBesideTheOffset() {
        String trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        String encoded = Wire.encode(new ServerMessage.Notification("orders", 0L, trace, "ts",
                Json.createObjectBuilder().add("trace", "00-ffffffffffffffffffffffffffffffff-ffffffffffffffff-01").build()));
        assertTrue(encoded.startsWith("{\"type\":\"notification\",\"topic\":\"orders\",\"offset\":0,\"trace\":\""), encoded);
        int slot = Wire.offsetSlot(encoded);
        String json = new Template(encoded.substring(0, slot), encoded.substring(slot + 1)).complete(1234);
        assertEquals(trace, Wire.traceOf(json));
        ServerMessage.Notification n = (ServerMessage.Notification) Wire.decodeServer(json);
        assertEquals(trace, n.trace());
        assertEquals(1234L, n.offset());

        String untraced = Wire.encode(ServerMessage.Notification.of("orders", 7L, "ts",
                Json.createObjectBuilder().add("trace", trace).build()));
        assertFalse(untraced.contains("\"trace\":null"), untraced);
        assertNull(Wire.traceOf(untraced), "a trace in the data is the publisher's data, not the frame's trace");
        assertNull(Wire.traceOf(Wire.encode(new ServerMessage.Whisper("w", "ann", "bob", "\"offset\":1,\"trace\":\"x", "ts", null))));
    }

    @Test
    void anAdministratorsDeleteSaysSoAndAnAuthorsDoesNot() {
        String admin = Wire.encode(ServerMessage.Deleted.byAdmin("r", 3L, "m1", "ts"));
        assertEquals("{\"type\":\"deleted\",\"room\":\"r\",\"offset\":3,\"id\":\"m1\",\"from\":\"admin\",\"ts\":\"ts\",\"admin\":true}", admin);
        assertTrue(((ServerMessage.Deleted) Wire.decodeServer(admin)).byAdministrator());
        String author = Wire.encode(ServerMessage.Deleted.byAuthor("r", 3L, "m1", "ann", "ts", "c-1"));
        assertFalse(author.contains("admin"), author);
        assertFalse(((ServerMessage.Deleted) Wire.decodeServer(author)).byAdministrator());
    }
}

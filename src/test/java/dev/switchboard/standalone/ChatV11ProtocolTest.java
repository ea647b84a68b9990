package dev.switchboard.standalone;

import dev.switchboard.settings.Settings;
import dev.switchboard.testing.Jsons;
import dev.switchboard.testing.Poll;
import dev.switchboard.testing.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Chat 1.1 of PROTOCOL.md (edits, deletes, reactions, read positions, receipts), spoken by real WebSocket clients. */
class ChatV11ProtocolTest {

    private static final String SECRET = "test-secret-of-at-least-32-bytes";
    private static final String THUMBS = "\uD83D\uDC4D";
    private static Runner runner;
    private static URI chat;

    @BeforeAll
    static void start() throws Exception {
        runner = Runner.start(Settings.of(Map.of("historySize", "12", "historyPage", "5", "statsIntervalMs", "0",
                "tokenSecret", SECRET)), "127.0.0.1", 0, null);
        chat = URI.create("ws://127.0.0.1:" + runner.port() + "/ws/chat");
    }

    @AfterAll
    static void stop() {
        runner.close();
    }

    /** A connection of an authenticated user: several connections are the same user (tabs, devices). */
    private static WsClient user(String name) {
        return WsClient.withToken(chat, SECRET, name);
    }

    private static String unique(String prefix) {
        return prefix + "-" + System.nanoTime();
    }

    @Test
    void theAuthorEditsAndDeletesOthersAreForbidden() {
        String room = unique("edit");
        try (WsClient ann = user(unique("ann")); WsClient bob = user(unique("bob"))) {
            ann.join(room);
            bob.join(room);
            ann.expect("presence");
            String id = ann.say(room, "helo").getString("id");
            bob.expect("message");

            ann.send("type", "edit", "room", room, "id", id, "text", "hello", "ref", "c-20");
            for (WsClient c : List.of(ann, bob)) {
                JsonObject edited = c.expect("edited");
                assertEquals(room, edited.getString("room"));
                assertEquals(2, edited.getInt("offset"));
                assertEquals(id, edited.getString("id"));
                assertEquals(ann.user(), edited.getString("from"));
                assertEquals("hello", edited.getString("text"));
                assertTrue(edited.getString("ts").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
                assertEquals("c-20", edited.getString("ref"));
            }
            bob.send("type", "edit", "room", room, "id", id, "text", "mine now", "ref", "b-1");
            assertError(bob, "forbidden", "b-1");
            bob.send("type", "delete", "room", room, "id", id, "ref", "b-2");
            assertError(bob, "forbidden", "b-2");

            ann.send("type", "delete", "room", room, "id", id, "ref", "c-21");
            for (WsClient c : List.of(ann, bob)) {
                JsonObject deleted = c.expect("deleted");
                assertEquals(3, deleted.getInt("offset"));
                assertEquals(id, deleted.getString("id"));
                assertEquals(ann.user(), deleted.getString("from"));
                assertFalse(deleted.containsKey("text"));
                assertEquals("c-21", deleted.getString("ref"));
            }
            ann.send("type", "edit", "room", room, "id", id, "text", "back?", "ref", "c-22");
            assertError(ann, "not_found", "c-22");
            ann.send("type", "react", "room", room, "id", id, "emoji", THUMBS, "ref", "c-23");
            assertError(ann, "not_found", "c-23");
        }
    }

    @Test
    void aMessageNoLongerKeptIsNotFound() {
        String room = unique("old");
        try (WsClient ann = user(unique("ann"))) {
            ann.join(room);
            String first = ann.say(room, "m0").getString("id");
            for (int i = 1; i <= 12; i++) { // historySize 12: m0 is gone
                ann.say(room, "m" + i);
            }
            ann.send("type", "edit", "room", room, "id", first, "text", "x", "ref", "e-1");
            assertError(ann, "not_found", "e-1");
            ann.send("type", "delete", "room", room, "id", "nonexistent", "ref", "e-2");
            assertError(ann, "not_found", "e-2");
        }
    }

    @Test
    void reactionsToggleAndHistoryPagesShowMessagesInTheirCurrentState() {
        String room = unique("fold");
        try (WsClient ann = user(unique("ann")); WsClient bob = user(unique("bob"))) {
            ann.join(room);
            bob.join(room);
            ann.expect("presence");
            String a = ann.say(room, "a").getString("id");     // 1
            String b = bob.say(room, "b").getString("id");     // 2
            String c = ann.say(room, "c").getString("id");     // 3
            bob.send("type", "react", "room", room, "id", a, "emoji", THUMBS, "ref", "r-1"); // 4
            JsonObject on = ann.await("reaction", r -> true);
            assertEquals(bob.user(), on.getString("user"));
            assertEquals(THUMBS, on.getString("emoji"));
            assertTrue(on.getBoolean("on"));
            assertEquals(4, on.getInt("offset"));
            ann.send("type", "react", "room", room, "id", a, "emoji", THUMBS);           // 5
            assertTrue(ann.await("reaction", r -> r.getString("user").equals(ann.user())).getBoolean("on"));
            bob.send("type", "react", "room", room, "id", b, "emoji", "\u2764\uFE0F"); // 6
            bob.send("type", "react", "room", room, "id", b, "emoji", "\u2764\uFE0F"); // 7, off again
            assertFalse(ann.await("reaction", r -> r.getInt("offset") == 7).getBoolean("on"));
            ann.send("type", "edit", "room", room, "id", a, "text", "a, edited");      // 8
            ann.send("type", "delete", "room", room, "id", c);                         // 9
            ann.await("deleted", d -> true);
            bob.await("deleted", d -> true);
            bob.send("type", "react", "room", room, "id", b, "emoji", "+1", "ref", "r-bad");
            assertError(bob, "invalid", "r-bad");

            try (WsClient cy = user(unique("cy"))) {
                JsonObject joined = cy.join(room);
                assertFalse(joined.getBoolean("recovered"));
                assertEquals(9, joined.getInt("offset"));
                List<JsonObject> page = joined.getJsonArray("history").getValuesAs(JsonObject.class);
                assertEquals(List.of(1L, 2L, 3L), Jsons.offsets(joined.get("history")), "messages only");
                assertEquals("a, edited", page.get(0).getString("text"));
                assertTrue(page.get(0).getString("edited").endsWith("Z"));
                assertEquals(Json.createObjectBuilder().add(THUMBS, Json.createArrayBuilder().add(bob.user())
                        .add(ann.user())).build(), page.get(0).getJsonObject("reactions"));
                assertFalse(page.get(1).containsKey("reactions"), "toggled on and off");
                assertFalse(page.get(1).containsKey("edited"));
                assertTrue(page.get(2).getBoolean("deleted"));
                assertFalse(page.get(2).containsKey("text"));
                assertEquals(c, page.get(2).getString("id"));

                cy.send("type", "history", "room", room, "before", 2, "ref", "h-1");
                JsonObject history = cy.expect("history");
                assertEquals("h-1", history.getString("ref"));
                assertEquals(List.of("a, edited"), Jsons.strings(history.get("messages"), "text"));
                assertEquals(2, history.getJsonArray("messages").getJsonObject(0).getJsonObject("reactions")
                        .getJsonArray(THUMBS).size());
            }
        }
    }

    @Test
    void recoveryReplaysEditsDeletesAndReactionsInOffsetOrder() {
        String room = unique("recover");
        try (WsClient ann = user(unique("ann")); WsClient bob = user(unique("bob"))) {
            ann.join(room);
            JsonObject joined = bob.join(room);
            String epoch = joined.getString("epoch");
            String a = ann.say(room, "a").getString("id");
            bob.expect("message");
            bob.abort();
            ann.await("presence", p -> p.getString("event").equals("leave"));
            ann.send("type", "edit", "room", room, "id", a, "text", "a2");
            ann.send("type", "react", "room", room, "id", a, "emoji", THUMBS);
            ann.say(room, "b");
            ann.send("type", "delete", "room", room, "id", a);
            ann.await("deleted", d -> true);
            try (WsClient back = user(bob.user())) {
                back.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"since\":{\"offset\":1,\"epoch\":\"" + epoch
                        + "\"}}");
                JsonObject recovered = back.expect("joined");
                assertTrue(recovered.getBoolean("recovered"));
                List<JsonObject> replay = recovered.getJsonArray("history").getValuesAs(JsonObject.class);
                assertEquals(List.of("edited", "reaction", "message", "deleted"),
                        replay.stream().map(f -> f.getString("type")).toList());
                assertEquals(List.of(2L, 3L, 4L, 5L), Jsons.offsets(recovered.get("history")));
                assertEquals("a2", replay.get(0).getString("text"));
                assertEquals(5, recovered.getInt("offset"));
            }
        }
    }

    @Test
    void aReadPositionIsSharedByTheUsersConnectionsAndCountsUnreadMessages() {
        String room = unique("read");
        String annName = unique("ann");
        try (WsClient phone = user(annName); WsClient laptop = user(annName); WsClient bob = user(unique("bob"))) {
            phone.join(room);
            laptop.join(room);
            bob.join(room);
            for (int i = 1; i <= 4; i++) {
                bob.say(room, "b" + i);
            }
            phone.say(room, "a5");
            laptop.await("message", m -> m.getString("text").equals("a5"));
            bob.await("message", m -> m.getString("text").equals("a5"));

            phone.send("type", "read", "room", room, "offset", 2);
            for (WsClient c : List.of(phone, laptop)) {
                JsonObject read = c.expect("read");
                assertEquals(room, read.getString("room"));
                assertEquals(2, read.getInt("offset"));
            }
            JsonObject receipt = bob.expect("receipt");
            assertEquals(room, receipt.getString("room"));
            assertEquals(annName, receipt.getString("user"));
            assertEquals(2, receipt.getInt("offset"));

            laptop.send("type", "read", "room", room, "offset", 1); // lower than stored: ignored
            laptop.send("type", "ping");
            laptop.expect("pong");
            try (WsClient tablet = user(annName)) {
                JsonObject joined = tablet.join(room);
                assertEquals(2, joined.getInt("read"));
                assertEquals(2, joined.getInt("unread"), "b3 and b4; a5 is her own");
            }
            JsonObject bobs = bob.join(room); // a re-join
            assertEquals(0, bobs.getInt("read"));
            assertEquals(1, bobs.getInt("unread"), "a5 only");
        }
    }

    @Test
    void receiptsAreCoalescedToAboutOnePerSecond() {
        String room = unique("receipts");
        try (WsClient ann = user(unique("ann")); WsClient bob = user(unique("bob"))) {
            ann.join(room);
            bob.join(room);
            ann.expect("presence");
            for (int i = 1; i <= 5; i++) {
                bob.say(room, "b" + i);
                ann.expect("message");
            }
            long start = System.nanoTime();
            for (int i = 1; i <= 5; i++) {
                ann.send("type", "read", "room", room, "offset", i);
            }
            assertEquals(1, bob.await("receipt", r -> true).getInt("offset"), "the first at once");
            JsonObject last = bob.await("receipt", r -> true);
            assertEquals(5, last.getInt("offset"), "then the newest, once the second is over");
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(1000).toNanos());
            bob.send("type", "ping");
            bob.expect("pong");
        }
    }

    @Test
    void whisperSendersLearnDeliveredAndSeen() {
        String bobName = unique("bob");
        user(bobName).close(); // whispers go to users who exist
        // and bob is gone for the server too: a connection of his still open would be written the whisper
        Poll.until(() -> runner.switchboard().stats().connections.get() == 0, "bob's connection released");
        try (WsClient ann = user(unique("ann"))) {
            ann.send("type", "whisper", "to", bobName, "text", "psst", "ref", "w-1");
            String id = ann.expect("whisper").getString("id");
            try (WsClient bob = user(bobName)) {
                assertEquals(id, bob.expect("whisper").getString("id"));
                assertReceipts(ann.expect("delivered"), ann, bob, id);
                ann.send("type", "seen", "whisper", id, "ref", "s-1");
                assertError(ann, "not_found", "s-1");
            }
        }
    }

    @Test
    void typingIsThrottledPerUserAndRoom() {
        String room = unique("typing");
        try (WsClient ann = user(unique("ann")); WsClient bob = user(unique("bob"))) {
            ann.join(room);
            bob.join(room);
            ann.expect("presence");
            for (int i = 0; i < 5; i++) {
                bob.send("type", "typing", "room", room);
            }
            assertEquals(bob.user(), ann.expect("typing").getString("user"));
            bob.send("type", "say", "room", room, "text", "barrier");
            assertEquals("barrier", ann.expect("message").getString("text"), "the other four were dropped");
        }
    }

    @Test
    void aClientThatSpeaksOnly10SeesTheFramesItKnowsUnchanged() {
        String room = unique("v10");
        try (WsClient old = user(unique("old"))) {
            JsonObject joined = old.join(room);
            assertTrue(joined.keySet().containsAll(Set.of("room", "offset", "epoch", "recovered", "members", "history")));
            JsonObject m = old.say(room, "hello");
            assertEquals(Set.of("type", "room", "offset", "id", "from", "text", "ts"), m.keySet(),
                    "live messages carry no 1.1 fields");
            old.send("type", "history", "room", room);
            assertEquals(m, old.expect("history").getJsonArray("messages").getJsonObject(0),
                    "an unchanged message in a page is the message as it was sent");
        }
    }

    /** A whisper's {@code delivered} to its sender names it and its recipient; the recipient's {@code seen} follows. */
    static void assertReceipts(JsonObject delivered, WsClient sender, WsClient recipient, String id) {
        assertEquals(id, delivered.getString("whisper"));
        assertEquals(recipient.user(), delivered.getString("to"));
        recipient.send("type", "seen", "whisper", id);
        JsonObject seen = sender.expect("seen");
        assertEquals(id, seen.getString("whisper"));
        assertEquals(recipient.user(), seen.getString("by"));
    }

    private static void assertError(WsClient c, String code, String ref) {
        JsonObject error = c.expect("error");
        assertEquals(code, error.getString("code"), error.toString());
        assertEquals(ref, error.getString("ref"), error.toString());
    }
}

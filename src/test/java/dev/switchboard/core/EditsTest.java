package dev.switchboard.core;

import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.protocol.Emoji;
import dev.switchboard.protocol.Since;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Chat 1.1 edits, deletes and reactions: stored room events, the author check, folding into pages, recovery. */
class EditsTest {

    private static final String THUMBS = "\uD83D\uDC4D";
    private ChatHub chat = new ChatHub(Map.of());

    @AfterEach
    void stop() {
        chat.close();
    }

    @Test
    void theAuthorsEditAndDeleteAreStoredEventsEveryMemberGets() {
        ChatHub.Client ann = chat.member("ann", "r");
        ChatHub.Client bob = chat.member("bob", "r");
        ann.unread();
        String id = ann.say("r", "helo").getString("id");
        bob.expect("message");
        chat.clock.advance(java.time.Duration.ofSeconds(5));
        ann.send(new ClientMessage.Edit("r", id, "hello", "e-1"));
        for (ChatHub.Client c : List.of(ann, bob)) {
            JsonObject edited = c.expect("edited");
            assertEquals("r", edited.getString("room"));
            assertEquals(2, edited.getInt("offset"), "its own offset in the room's log");
            assertEquals(id, edited.getString("id"));
            assertEquals("ann", edited.getString("from"));
            assertEquals("hello", edited.getString("text"));
            assertEquals("2026-11-21T10:00:05.000Z", edited.getString("ts"));
            assertEquals("e-1", edited.getString("ref"));
        }
        ann.send(new ClientMessage.Delete("r", id, "d-1"));
        for (ChatHub.Client c : List.of(ann, bob)) {
            JsonObject deleted = c.expect("deleted");
            assertEquals(3, deleted.getInt("offset"));
            assertEquals(id, deleted.getString("id"));
            assertEquals("ann", deleted.getString("from"));
            assertFalse(deleted.containsKey("text"));
            assertEquals("d-1", deleted.getString("ref"));
        }
        assertEquals(4, ann.say("r", "next").getInt("offset"), "one gap-free sequence");
    }

    @Test
    void othersMayNotEditOrDeleteAndNothingIsStored() {
        ChatHub.Client ann = chat.member("ann", "r");
        ChatHub.Client bob = chat.member("bob", "r");
        ann.unread();
        String id = ann.say("r", "mine").getString("id");
        bob.expect("message");
        bob.send(new ClientMessage.Edit("r", id, "yours now", "e-1")).refused("forbidden", "e-1");
        bob.send(new ClientMessage.Delete("r", id, "d-1")).refused("forbidden", "d-1");
        ann.nothingMore();
        assertEquals(2, ann.say("r", "still mine").getInt("offset"));
    }

    @Test
    void messagesNoLongerKeptUnknownOrDeletedAreNotFound() {
        chat.close();
        chat = new ChatHub(Map.of("historySize", "3"));
        ChatHub.Client ann = chat.user("ann");
        ann.join("r");
        String first = ann.say("r", "m1").getString("id");
        String second = ann.say("r", "m2").getString("id");
        ann.say("r", "m3");
        ann.say("r", "m4");
        ann.send(new ClientMessage.Edit("r", first, "x", "e-1")).refused("not_found", "e-1");
        ann.send(new ClientMessage.React("r", first, THUMBS, "x-1")).refused("not_found", "x-1");
        ann.send(new ClientMessage.Delete("r", "no-such-id", "d-1")).refused("not_found", "d-1");
        ann.send(new ClientMessage.Delete("r", second, "d-2"));
        ann.expect("deleted");
        ann.send(new ClientMessage.Edit("r", second, "x", "e-2")).refused("not_found", "e-2");
        ann.send(new ClientMessage.React("r", second, THUMBS, "x-2")).refused("not_found", "x-2");
        ann.send(new ClientMessage.Delete("r", second, "d-3")).refused("not_found", "d-3");
        ann.nothingMore();
    }

    @Test
    void aRepeatedRequestIsAnsweredWithTheStoredEventInsteadOfAnError() {
        ChatHub.Client ann = chat.member("ann", "r");
        ChatHub.Client bob = chat.member("bob", "r");
        ann.unread();
        String id = ann.say("r", "oops").getString("id");
        ann.send(new ClientMessage.Delete("r", id, "d-1"));
        JsonObject deleted = ann.expect("deleted");
        bob.unread();
        ann.send(new ClientMessage.Delete("r", id, "d-1")); // resent after a reconnect
        assertEquals(deleted, ann.expect("deleted"));
        bob.nothingMore();
    }

    @Test
    void reactionsToggleAreValidatedAndBoundedPerMessage() {
        ChatHub.Client ann = chat.member("ann", "r");
        ChatHub.Client bob = chat.member("bob", "r");
        ann.unread();
        String id = ann.say("r", "react to me").getString("id");
        bob.expect("message");
        bob.send(new ClientMessage.React("r", id, THUMBS, "x-1"));
        for (ChatHub.Client c : List.of(ann, bob)) {
            JsonObject on = c.expect("reaction");
            assertEquals(2, on.getInt("offset"));
            assertEquals(id, on.getString("id"));
            assertEquals("bob", on.getString("user"));
            assertEquals(THUMBS, on.getString("emoji"));
            assertTrue(on.getBoolean("on"));
            assertEquals("x-1", on.getString("ref"));
        }
        bob.send(new ClientMessage.React("r", id, THUMBS, "x-2"));
        assertFalse(ann.expect("reaction").getBoolean("on"), "the same emoji again takes it back");
        bob.unread();
        for (String bad : new String[] {"+1", "", "\uD83D\uDC4D\uD83D\uDC4D", " "}) {
            bob.send(new ClientMessage.React("r", id, bad, "bad")).refused("invalid", "bad");
        }
        bob.send(new ClientMessage.React("r", id, null, "none")).refused("invalid", "none");
        for (int i = 0; i < Emoji.MAX_PER_MESSAGE; i++) {
            bob.send(new ClientMessage.React("r", id, Character.toString(0x1F600 + i), null));
            assertTrue(bob.expect("reaction").getBoolean("on"));
        }
        ann.unread();
        ann.send(new ClientMessage.React("r", id, THUMBS, "x-21")).refused("invalid", "x-21");
        ann.send(new ClientMessage.React("r", id, Character.toString(0x1F600), "x-3"));
        assertTrue(ann.expect("reaction").getBoolean("on"), "an emoji the message has already is fine");
    }

    @Test
    void pagesShowMessagesInTheirCurrentStateAndRecoveryReplaysTheEventsThemselves() {
        ChatHub.Client ann = chat.user("ann");
        ChatHub.Client bob = chat.user("bob");
        String epoch = ann.join("r").getString("epoch");
        bob.join("r");
        ann.unread();
        String a = ann.say("r", "a").getString("id");          // 1
        String b = bob.say("r", "b").getString("id");          // 2
        String c = ann.say("r", "c").getString("id");          // 3
        ann.send(new ClientMessage.Edit("r", a, "a2", null));  // 4
        bob.send(new ClientMessage.React("r", a, THUMBS, null)); // 5
        ann.send(new ClientMessage.Delete("r", c, null));      // 6
        bob.say("r", "d");                                     // 7

        ChatHub.Client cy = chat.user("cy");
        JsonObject joined = cy.join("r");
        assertFalse(joined.getBoolean("recovered"));
        assertEquals(7, joined.getInt("offset"));
        List<JsonObject> page = joined.getJsonArray("history").getValuesAs(JsonObject.class);
        assertEquals(List.of(1, 2, 3, 7), page.stream().map(m -> m.getInt("offset")).toList(), "messages only");
        assertEquals("a2", page.get(0).getString("text"));
        assertTrue(page.get(0).containsKey("edited"));
        assertEquals(List.of("bob"), page.get(0).getJsonObject("reactions").getJsonArray(THUMBS)
                .getValuesAs(jakarta.json.JsonString.class).stream().map(s -> s.getString()).toList());
        assertEquals(b, page.get(1).getString("id"));
        assertFalse(page.get(1).containsKey("reactions"));
        assertTrue(page.get(2).getBoolean("deleted"));
        assertFalse(page.get(2).containsKey("text"));

        cy.send(new ClientMessage.History("r", 3L, 1, "h-1"));
        JsonObject history = cy.expect("history");
        assertEquals(1, history.getJsonArray("messages").size(), "the limit counts messages");
        JsonObject folded = history.getJsonArray("messages").getJsonObject(0);
        assertEquals(2, folded.getInt("offset"));
        cy.send(new ClientMessage.History("r", 2L, 5, null));
        assertEquals("a2", cy.expect("history").getJsonArray("messages").getJsonObject(0).getString("text"),
                "edits after the page's range are in it too");

        ChatHub.Client back = chat.user("bob");
        JsonObject recovered = back.join("r", new Since(3L, epoch));
        assertTrue(recovered.getBoolean("recovered"));
        List<JsonObject> replay = recovered.getJsonArray("history").getValuesAs(JsonObject.class);
        assertEquals(List.of("edited", "reaction", "deleted", "message"),
                replay.stream().map(f -> f.getString("type")).toList(), "the log entries, in offset order");
        assertEquals(List.of(4, 5, 6, 7), replay.stream().map(f -> f.getInt("offset")).toList());
        assertEquals("a2", replay.get(0).getString("text"));
    }

    @Test
    void everyRequestNeedsAJoinedRoomAMessageIdAndAValidText() {
        ChatHub.Client ann = chat.user("ann");
        ann.send(new ClientMessage.Edit("r", "x", "t", "e-1")).refused("not_joined", "e-1");
        ann.send(new ClientMessage.React("bad room!", "x", THUMBS, "x-1")).refused("invalid", "x-1");
        ann.join("r");
        String id = ann.say("r", "m").getString("id");
        ann.send(new ClientMessage.Delete("r", null, "d-1")).refused("invalid", "d-1");
        ann.send(new ClientMessage.Edit("r", "y".repeat(65), "t", "e-2")).refused("invalid", "e-2");
        ann.send(new ClientMessage.Edit("r", id, " ", "e-3")).refused("invalid", "e-3");
        ann.send(new ClientMessage.Edit("r", id, "t".repeat(4001), "e-4")).refused("too_long", "e-4");
        ann.send(new ClientMessage.Edit("r", id, null, "e-5")).refused("invalid", "e-5");
        ann.nothingMore();
        assertEquals(JsonValue.ValueType.STRING, ann.say("r", "fine").get("id").getValueType());
    }
}

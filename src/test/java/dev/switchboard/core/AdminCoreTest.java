package dev.switchboard.core;

import dev.switchboard.protocol.CloseCode;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The core's admin part (docs/admin.md) on the in-memory hub: what the overview copies out, closing, removing. */
class AdminCoreTest {

    @Test
    void theOverviewShowsAStalledClientsQueueAndEachChannelsUsersOnce() {
        try (ChatHub chat = new ChatHub(Map.of())) {
            ChatHub.Client ann = chat.member("ann", "lobby");
            ChatHub.Client bob = chat.member("bob", "lobby");
            ChatHub.Client bob2 = chat.member("bob", "lobby");
            bob.socket.stall(); // bob's first tab stops reading: one send in flight, the rest waits
            for (int i = 0; i < 3; i++) {
                ann.say("lobby", "m" + i);
            }
            Overview o = chat.hub.admin().overview(10);
            Overview.ConnectionView stalled = o.connections().stream()
                    .filter(c -> c.id().equals(bob.connection.id())).findFirst().orElseThrow();
            assertTrue(stalled.sending());
            assertEquals(2, stalled.queuedFrames(), "the first message is in flight, two wait");
            assertTrue(stalled.queuedBytes() > 0);
            assertEquals(List.of("lobby"), stalled.rooms());
            assertEquals(List.of(), stalled.topics(), "the chat connection's inbox is not a topic");
            assertEquals("chat", stalled.endpoint());
            Overview.ChannelView lobby = o.rooms().get(0);
            assertEquals(3, lobby.connections());
            assertEquals(List.of("ann", "bob"), lobby.users(), "a user's tabs count once");
            assertEquals(2, chat.hub.admin().overview(2).connections().size());
            assertTrue(chat.hub.admin().overview(2).truncated());
            bob2.close();
        }
    }

    @Test
    void closingUses4500AndOnlyForAnOpenConnectionOfThisNode() {
        try (ChatHub chat = new ChatHub(Map.of())) {
            ChatHub.Client ann = chat.member("ann", "lobby");
            assertTrue(chat.hub.admin().close(ann.connection.id()));
            assertEquals(CloseCode.CLOSED_BY_ADMIN, ann.socket.closedWith);
            assertEquals(4500, CloseCode.CLOSED_BY_ADMIN.code());
            assertEquals(CloseCode.Reconnect.NO, CloseCode.CLOSED_BY_ADMIN.reconnect());
            ann.close();
            assertFalse(chat.hub.admin().close(ann.connection.id()), "closed already");
            assertFalse(chat.hub.admin().close("no-such-id"));
            assertFalse(chat.hub.admin().close(null));
        }
    }

    @Test
    void aRemovalIsADeleteEventMarkedAdminThatEveryMemberGets() throws Exception {
        try (ChatHub chat = new ChatHub(Map.of())) {
            ChatHub.Client ann = chat.member("ann", "lobby");
            ChatHub.Client bob = chat.member("bob", "lobby");
            String id = ann.say("lobby", "spam").getString("id");
            bob.await("message", m -> m.getString("id").equals(id));

            assertEquals(Admin.Removal.REMOVED, chat.hub.admin().remove("lobby", id).toCompletableFuture().get());
            for (ChatHub.Client c : List.of(ann, bob)) {
                JsonObject deleted = c.await("deleted", d -> d.getString("id").equals(id));
                assertTrue(deleted.getBoolean("admin"));
                assertEquals("admin", deleted.getString("from"));
                assertNull(deleted.get("ref"));
            }
            assertEquals(Admin.Removal.ALREADY_DELETED, chat.hub.admin().remove("lobby", id).toCompletableFuture().get());
            assertEquals(Admin.Removal.NOT_FOUND, chat.hub.admin().remove("lobby", "nope").toCompletableFuture().get());
            JsonObject latest = jakarta.json.Json.createReader(new java.io.StringReader(
                    chat.hub.admin().latestMessages("lobby", 5).get(0))).readObject();
            assertTrue(latest.getBoolean("deleted"));
            assertFalse(latest.containsKey("text"));
            assertThrows(IllegalArgumentException.class, () -> chat.hub.admin().remove("bad room", id),
                    "a bad room name (the HTTP side answers 400)");
        }
    }
}

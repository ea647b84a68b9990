package dev.switchboard.core;

import dev.switchboard.protocol.ClientMessage;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Presence of a user whose connections come and go quickly (tab reloads, a flaky network): a user back within
 * presenceGraceMs was never gone for the others, one who stays away is announced once, after the grace. Timing with
 * the hub's clock and its once-a-second tick, no sleeps.
 */
class PresenceGraceTest {

    private static final Map<String, String> GRACE_2S = Map.of("presenceGraceMs", "2000");

    private static List<JsonObject> presence(ChatHub.Client watcher) {
        return watcher.unread().stream().filter(f -> f.getString("type").equals("presence")).toList();
    }

    private static void tick(ChatHub chat, long millis) {
        chat.clock.advance(Duration.ofMillis(millis));
        chat.hub.tick();
    }

    @Test
    void aUserBackWithinTheGraceWasNeverGoneForTheOthers() {
        try (ChatHub chat = new ChatHub(GRACE_2S)) {
            ChatHub.Client watcher = chat.member("watcher", "lobby");
            ChatHub.Client ann = chat.member("ann", "lobby");
            assertEquals("join", presence(watcher).get(0).getString("event"));
            ann.close(); // the tab reloads
            tick(chat, 1000);
            ChatHub.Client again = chat.user("ann");
            JsonObject joined = again.join("lobby");
            assertTrue(joined.getJsonArray("members").toString().contains("\"ann\""), "ann is a member throughout");
            tick(chat, 3000);
            assertEquals(List.of(), presence(watcher), "neither a leave nor a second join");
        }
    }

    @Test
    void aUserWhoFlapsIsAnnouncedOnceEachWay() {
        try (ChatHub chat = new ChatHub(GRACE_2S)) {
            ChatHub.Client watcher = chat.member("watcher", "lobby");
            for (int i = 0; i < 20; i++) {
                ChatHub.Client ann = chat.member("ann", "lobby");
                if (i % 2 == 0) {
                    ann.send(new ClientMessage.Leave("lobby", null)).expect("left");
                }
                ann.close();
                tick(chat, 300);
            }
            tick(chat, 2000);
            List<JsonObject> seen = presence(watcher);
            assertEquals(List.of("join", "leave"), seen.stream().map(p -> p.getString("event")).toList(), seen.toString());
        }
    }

    @Test
    void aUserWhoStaysAwayIsAnnouncedGoneWhenTheGraceHasPassed() {
        try (ChatHub chat = new ChatHub(GRACE_2S)) {
            ChatHub.Client watcher = chat.member("watcher", "lobby");
            ChatHub.Client ann = chat.member("ann", "lobby");
            presence(watcher);
            ann.close();
            tick(chat, 1999);
            assertEquals(List.of(), presence(watcher), "within the grace");
            tick(chat, 1);
            List<JsonObject> seen = presence(watcher);
            assertEquals(1, seen.size(), seen.toString());
            assertEquals("leave", seen.get(0).getString("event"));
            assertEquals("ann", seen.get(0).getString("user"));
            chat.member("ann", "lobby");
            assertEquals("join", presence(watcher).get(0).getString("event"), "back after the grace: announced again");
        }
    }

    @Test
    void withoutAGraceALeaveIsAnnouncedAtOnce() {
        try (ChatHub chat = new ChatHub(Map.of("presenceGraceMs", "0"))) {
            ChatHub.Client watcher = chat.member("watcher", "lobby");
            ChatHub.Client ann = chat.member("ann", "lobby");
            presence(watcher);
            ann.close();
            assertEquals("leave", presence(watcher).get(0).getString("event"));
        }
    }
}

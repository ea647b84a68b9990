package dev.switchboard.core;

import dev.switchboard.auth.Identity;
import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.protocol.Since;
import dev.switchboard.store.Appended;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What clients that invent names can do to the store, through the hub (issue 13, items 7 and 8): nothing beyond the
 * channel and byte limits, and nothing to other people's history or an application's notifications.
 */
class StoreLimitsTest {

    /** Whispers to 150 invented names under maxChannels=100 used to leave 152 stored channels, never forgotten. */
    @Test
    void whispersToInventedNamesKeepTheStoreWithinMaxChannels() {
        try (ChatHub chat = new ChatHub(Map.of("maxChannels", "100"))) {
            ChatHub.Client ann = chat.user("ann");
            for (int i = 0; i < 150; i++) {
                ann.send(new ClientMessage.Whisper("invented-" + i, "psst", null));
            }
            assertTrue(chat.hub.storedChannels() <= 100, "stored channels: " + chat.hub.storedChannels());
        }
    }

    /**
     * Inventing rooms (from several addresses, each within its allowance) until maxChannels is passed used to make
     * the store forget the topic {@code finance}: its subscribers came back {@code recovered:false}, empty. A topic's
     * notifications are kept within their retention; the invented rooms go instead.
     */
    @Test
    void inventedRoomsCannotEraseATopicsNotifications() throws Exception {
        try (ChatHub chat = new ChatHub(Map.of("maxChannels", "50"))) {
            Appended q3 = chat.hub.publish("finance", Json.createValue("q3 numbers")).toCompletableFuture().join();
            for (int a = 0; a < 10; a++) {
                RecordingTransport socket = new RecordingTransport();
                Connection mallory = chat.hub.open(Identity.principal("mallory-" + a), "10.0.1." + a,
                        Connection.Endpoint.CHAT, socket);
                for (int r = 0; r < 10; r++) {
                    String room = "invented-" + a + "-" + r;
                    chat.hub.receive(mallory, new ClientMessage.Join(room, null, null));
                    chat.hub.receive(mallory, new ClientMessage.Say(room, "x", null));
                    chat.hub.receive(mallory, new ClientMessage.Leave(room, null));
                }
                chat.hub.closed(mallory);
            }
            assertTrue(chat.hub.storedChannels() <= 50, "stored channels: " + chat.hub.storedChannels());
            RecordingTransport dashboard = new RecordingTransport();
            Connection c = chat.hub.open(Identity.principal("cfo"), "10.0.0.9", Connection.Endpoint.NOTIFICATIONS,
                    dashboard);
            dashboard.expect("welcome");
            chat.hub.receive(c, new ClientMessage.Subscribe("finance", new Since(0L, q3.epoch()), null, null));
            JsonObject subscribed = dashboard.expect("subscribed");
            assertTrue(subscribed.getBoolean("recovered"), subscribed.toString());
            assertEquals("q3 numbers", dashboard.expect("notification").getString("data"));
        }
    }

    /** One connection inventing rooms is slowed to newChannelsPerMinute; rooms with history stay open to it. */
    @Test
    void aConnectionInventingRoomsIsSlowedToItsAllowance() {
        try (ChatHub chat = new ChatHub(Map.of("newChannelsPerMinute", "30", "newChannelsPerMinutePerAddress", "300"))) {
            ChatHub.Client ann = chat.user("ann");
            for (int i = 0; i < 30; i++) {
                ann.join("invented-" + i);
                ann.send(new ClientMessage.Leave("invented-" + i, null)).expect("left");
            }
            ann.send(new ClientMessage.Join("invented-30", null, "j30"));
            ann.refused("rate_limited", "j30");
            chat.clock.advance(Duration.ofSeconds(2)); // one new name per 2 s
            ann.join("invented-30");
        }
    }

    /** All connections of one address share an allowance, so opening more connections does not multiply it. */
    @Test
    void theConnectionsOfOneAddressShareAnAllowance() {
        try (ChatHub chat = new ChatHub(Map.of("newChannelsPerMinute", "30", "newChannelsPerMinutePerAddress", "40"))) {
            ChatHub.Client ann = chat.user("ann");
            ChatHub.Client bob = chat.user("bob"); // the same address
            for (int i = 0; i < 25; i++) {
                ann.join("a-" + i);
                ann.send(new ClientMessage.Leave("a-" + i, null)).expect("left");
            }
            for (int i = 0; i < 15; i++) {
                bob.join("b-" + i);
                bob.send(new ClientMessage.Leave("b-" + i, null)).expect("left");
            }
            bob.send(new ClientMessage.Whisper("nobody-yet", "hi", "w1"));
            bob.refused("rate_limited", "w1");
        }
    }
}

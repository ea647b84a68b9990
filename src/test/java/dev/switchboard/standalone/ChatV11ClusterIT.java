package dev.switchboard.standalone;

import dev.switchboard.testing.Jsons;
import dev.switchboard.testing.NodeProcess;
import dev.switchboard.testing.Poll;
import dev.switchboard.testing.RedisServer;
import dev.switchboard.testing.WsClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chat 1.1 across two Switchboard nodes in separate JVMs sharing one real redis-server: edits, deletes and reactions
 * are one log for the cluster, a user's read position is shared by connections on both nodes, receipts and whisper
 * receipts cross nodes.
 */
class ChatV11ClusterIT {

    private static final String SECRET = "cluster-secret-of-at-least-32-bytes";
    private static final String THUMBS = "\uD83D\uDC4D";

    private static RedisServer redis;
    private static NodeProcess a;
    private static NodeProcess b;

    @BeforeAll
    static void startCluster() {
        redis = RedisServer.start();
        NodeProcess[] nodes = NodeProcess.startAll(Map.of(
                "SWITCHBOARD_REDIS_URL", redis.url(),
                "SWITCHBOARD_TOKEN_SECRET", SECRET,
                "SWITCHBOARD_STATS_INTERVAL_MS", "0",
                "SWITCHBOARD_DEMO_INTERVAL_MS", "0",
                "SWITCHBOARD_HISTORY_PAGE", "5",
                "SWITCHBOARD_SHUTDOWN_GRACE_MS", "200"), "v11-A", "v11-B");
        a = nodes[0];
        b = nodes[1];
    }

    @AfterAll
    static void stopCluster() {
        for (AutoCloseable c : new AutoCloseable[] {a, b, redis}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    private static WsClient user(NodeProcess node, String user) {
        return WsClient.withToken(node.ws("ws/chat"), SECRET, user);
    }

    private static String unique(String prefix) {
        return prefix + "-" + System.nanoTime();
    }

    @Test
    void editsDeletesAndReactionsAreOneLogForTheCluster() {
        String room = unique("edits");
        try (WsClient ann = user(a, unique("ann")); WsClient bob = user(b, unique("bob"))) {
            String epoch = ann.join(room).getString("epoch");
            bob.join(room);
            String id = ann.say(room, "helo").getString("id");
            bob.await("message", m -> m.getString("id").equals(id));

            ann.send("type", "edit", "room", room, "id", id, "text", "hello", "ref", "e-1");
            JsonObject edited = bob.expect("edited");
            assertEquals(2, edited.getInt("offset"));
            assertEquals("hello", edited.getString("text"));
            bob.send("type", "delete", "room", room, "id", id, "ref", "d-1");
            JsonObject refused = bob.expect("error");
            assertEquals("forbidden", refused.getString("code"), "the author check reads the shared log");
            bob.send("type", "react", "room", room, "id", id, "emoji", THUMBS);
            JsonObject reaction = ann.await("reaction", r -> true);
            assertEquals(3, reaction.getInt("offset"));
            assertEquals(bob.user(), reaction.getString("user"));
            bob.say(room, "second");
            ann.send("type", "delete", "room", room, "id", id);
            assertEquals(5, bob.await("deleted", d -> true).getInt("offset"));

            try (WsClient cy = user(b, unique("cy"))) {
                JsonObject joined = cy.join(room);
                assertEquals(List.of(1L, 4L), Jsons.offsets(joined.get("history")), "messages only, on either node");
                JsonObject tombstone = joined.getJsonArray("history").getJsonObject(0);
                assertTrue(tombstone.getBoolean("deleted"));
                assertFalse(tombstone.containsKey("text"));
            }
            try (WsClient back = user(b, bob.user() + "-tab")) {
                back.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"since\":{\"offset\":1,\"epoch\":\"" + epoch
                        + "\"}}");
                JsonObject recovered = back.expect("joined");
                assertTrue(recovered.getBoolean("recovered"));
                assertEquals(List.of("edited", "reaction", "message", "deleted"), recovered.getJsonArray("history")
                        .getValuesAs(JsonObject.class).stream().map(f -> f.getString("type")).toList());
            }
        }
    }

    @Test
    void aReadPositionIsSharedByConnectionsOnBothNodesAndReceiptsCrossThem() {
        String room = unique("reads");
        String annName = unique("ann");
        try (WsClient phone = user(a, annName); WsClient laptop = user(b, annName); WsClient bob = user(b, unique("bob"))) {
            phone.join(room);
            laptop.join(room);
            bob.join(room);
            for (int i = 1; i <= 3; i++) {
                bob.say(room, "b" + i);
            }
            phone.await("message", m -> m.getString("text").equals("b3"));
            laptop.await("message", m -> m.getString("text").equals("b3"));

            phone.send("type", "read", "room", room, "offset", 2);
            assertEquals(2, phone.expect("read").getInt("offset"));
            assertEquals(2, laptop.expect("read").getInt("offset"), "the same user's connection on the other node");
            JsonObject receipt = bob.await("receipt", r -> true);
            assertEquals(annName, receipt.getString("user"));
            assertEquals(2, receipt.getInt("offset"));

            // the position is written to Redis without blocking the reader: another node sees it once written
            Poll.until(() -> {
                try (WsClient tablet = user(b, annName)) {
                    JsonObject joined = tablet.join(room);
                    return joined.getInt("read") == 2 && joined.getInt("unread") == 1;
                }
            }, "the read position stored for the other node");
        }
    }

    @Test
    void whisperSendersLearnDeliveredAndSeenFromTheOtherNode() {
        String bobName = unique("bob");
        try (WsClient ann = user(a, unique("ann")); WsClient bob = user(b, bobName)) {
            ann.send("type", "whisper", "to", bobName, "text", "psst");
            String id = bob.expect("whisper").getString("id");
            Map<String, JsonObject> sent = ann.nextOfEach("whisper", "delivered"); // from node A and from node B
            assertEquals(id, sent.get("whisper").getString("id"), "the sender's copy");
            ChatV11ProtocolTest.assertReceipts(sent.get("delivered"), ann, bob, id);
        }
    }
}

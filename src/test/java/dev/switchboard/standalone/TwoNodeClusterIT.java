package dev.switchboard.standalone;


import dev.switchboard.auth.Authenticator;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.Jsons;
import dev.switchboard.testing.NodeProcess;
import dev.switchboard.testing.Poll;
import dev.switchboard.testing.Processes;
import dev.switchboard.testing.RedisServer;
import dev.switchboard.testing.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two Switchboard nodes in separate JVMs sharing one real redis-server: what a client on one node does reaches
 * clients on the other, offsets stay one gap-free sequence, a killed node's users leave, a Redis outage is survived
 * and a full restart keeps recovery working.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoNodeClusterIT {

    private static final String SECRET = "cluster-secret-of-at-least-32-bytes";
    private static final String KEY = "publisher-key";
    private static final long NODE_TIMEOUT_MS = 1500;
    private static final long STATS_MS = 250;

    private static RedisServer redis;
    private static NodeProcess a;
    private static NodeProcess b;

    @BeforeAll
    static void startCluster() {
        redis = RedisServer.start();
        NodeProcess[] both = startNodes("A", "B");
        a = both[0];
        b = both[1];
    }

    @AfterAll
    static void stopCluster() {
        Processes.closeAll(a, b, redis);
    }

    /** Starts the nodes side by side, then waits for each. */
    private static NodeProcess[] startNodes(String... names) {
        return NodeProcess.startAll(Map.of(
                "SWITCHBOARD_REDIS_URL", redis.url(),
                "SWITCHBOARD_REDIS_NODE_TIMEOUT_MS", Long.toString(NODE_TIMEOUT_MS),
                "SWITCHBOARD_TOKEN_SECRET", SECRET,
                "SWITCHBOARD_PUBLISHER_KEY", KEY,
                "SWITCHBOARD_MAX_CONNECTIONS_PER_USER", "2",
                "SWITCHBOARD_STATS_INTERVAL_MS", Long.toString(STATS_MS),
                "SWITCHBOARD_DEMO_INTERVAL_MS", "0",
                "SWITCHBOARD_SHUTDOWN_GRACE_MS", "200"), names);
    }

    private static WsClient guest(NodeProcess node, String name) {
        return WsClient.connect(node.ws("ws/chat?name=" + name));
    }

    private static WsClient user(NodeProcess node, String endpoint, String user) {
        return WsClient.connect(node.ws("ws/" + endpoint + "?token="
                + Authenticator.sign(SECRET, user, Instant.now().plusSeconds(600))));
    }

    private static String unique(String prefix) {
        return prefix + "-" + System.nanoTime();
    }

    /** A node's health with its details (backplane, connections), which only the publisher key sees. */
    private static JsonObject health(NodeProcess node) {
        Http.Reply reply = Http.get(node.http("api/health"), KEY);
        assertEquals(200, reply.status(), reply.body());
        return Json.createReader(new StringReader(reply.body())).readObject();
    }

    /** Waits until both nodes' /api/health report the status (UP, DEGRADED). */
    private static void awaitStatus(String status) {
        for (NodeProcess node : List.of(a, b)) {
            Poll.until(() -> health(node).getString("status").equals(status), node.name() + " " + status,
                    Duration.ofSeconds(10));
        }
    }

    private static JsonObject join(WsClient client, String room) {
        client.send("type", "join", "room", room);
        return client.expect("joined");
    }

    @Test
    @Order(1)
    void chatMessagesPresenceAndTypingCrossNodes() {
        String room = unique("lobby");
        try (WsClient ann = guest(a, "ann"); WsClient bob = guest(b, "bob")) {
            JsonObject annJoined = join(ann, room);
            assertEquals(List.of(ann.user()), Jsons.strings(annJoined.get("members"), "user"));
            JsonObject bobJoined = join(bob, room);
            assertEquals(List.of(ann.user(), bob.user()), Jsons.strings(bobJoined.get("members"), "user"));
            assertEquals(annJoined.getString("epoch"), bobJoined.getString("epoch"), "one history for the cluster");
            JsonObject presence = ann.expect("presence");
            assertEquals(bob.user(), presence.getString("user"));
            assertEquals("join", presence.getString("event"));

            ann.send("type", "say", "room", room, "text", "hello from A", "ref", "c-1");
            for (WsClient c : List.of(ann, bob)) {
                JsonObject m = c.expect("message");
                assertEquals(1, m.getJsonNumber("offset").longValue());
                assertEquals(ann.user(), m.getString("from"));
                assertEquals("hello from A", m.getString("text"));
                assertEquals("c-1", m.getString("ref"));
            }
            bob.send("type", "say", "room", room, "text", "hello from B");
            for (WsClient c : List.of(ann, bob)) {
                JsonObject m = c.expect("message");
                assertEquals(2, m.getJsonNumber("offset").longValue());
                assertEquals(bob.user(), m.getString("from"));
            }

            bob.send("type", "typing", "room", room);
            assertEquals(bob.user(), ann.expect("typing").getString("user"));

            bob.send("type", "leave", "room", room);
            bob.expect("left");
            JsonObject left = ann.expect("presence");
            assertEquals("leave", left.getString("event"));
            assertEquals(bob.user(), left.getString("user"));
        }
    }

    @Test
    @Order(2)
    void whispersReachAUserOnTheOtherNodeAndAreReplayedWhereverHeConnectsNext() {
        String bobName = unique("bob");
        try (WsClient ann = guest(a, "ann")) {
            try (WsClient bob = user(b, "chat", bobName)) {
                ann.send("type", "whisper", "to", bobName, "text", "psst", "ref", "w-1");
                JsonObject got = bob.expect("whisper");
                assertEquals(ann.user(), got.getString("from"));
                assertEquals("psst", got.getString("text"));
                Map<String, JsonObject> sent = ann.nextOfEach("whisper", "delivered"); // from A and from B
                assertEquals("psst", sent.get("whisper").getString("text"), "the sender's copy");
                assertEquals(got.getString("id"), sent.get("delivered").getString("whisper"), "chat 1.1");
            }
            Poll.until(() -> health(b).getInt("connections") == 0, "bob's connection closed on B");
            ann.send("type", "whisper", "to", bobName, "text", "while you were away");
            ann.expect("whisper");
            try (WsClient bobAgain = user(a, "chat", bobName)) {
                assertEquals("while you were away", bobAgain.expect("whisper").getString("text"),
                        "replayed on his next connection, on the other node, and only what he missed");
                bobAgain.send("type", "ping");
                bobAgain.expect("pong");
                assertEquals(bobName, ann.expect("delivered").getString("to"), "once replayed");
            }
        }
    }

    @Test
    @Order(3)
    void anHttpPublishOnOneNodeReachesSubscribersOnTheOther() {
        String topic = unique("orders");
        String dan = unique("dan");
        try (WsClient sub = WsClient.connect(b.ws("ws/notifications?name=sub"));
             WsClient danOnB = user(b, "notifications", dan)) {
            sub.send("type", "subscribe", "topic", topic);
            assertFalse(sub.expect("subscribed").containsKey("last"));
            danOnB.send("type", "subscribe", "topic", "user:" + dan);
            danOnB.expect("subscribed");

            Http.Reply published = Http.post(a.http("api/topics/" + topic), KEY, "{\"price\":42}");
            assertEquals(202, published.status(), published.body());
            JsonObject n = sub.expect("notification");
            assertEquals(1, n.getJsonNumber("offset").longValue());
            assertEquals(42, n.getJsonObject("data").getInt("price"));

            Http.Reply toDan = Http.post(a.http("api/topics/user:" + dan),
                    KEY, "{\"shipped\":true}");
            assertEquals(202, toDan.status(), toDan.body());
            assertTrue(danOnB.expect("notification").getJsonObject("data").getBoolean("shipped"));

            Http.Reply read = Http.get(b.http("api/topics/" + topic + "?since=0"), KEY);
            assertEquals(200, read.status());
            assertTrue(read.body().contains("\"price\":42"), read.body());
        }
    }

    @Test
    @Order(4)
    void aClientRecoversOnTheOtherNodeWithExactlyWhatItMissed() {
        String room = unique("recover");
        String epoch;
        try (WsClient ann = guest(a, "ann")) {
            epoch = join(ann, room).getString("epoch");
            ann.send("type", "say", "room", room, "text", "one");
            assertEquals(1, ann.expect("message").getJsonNumber("offset").longValue());
        }
        try (WsClient bob = guest(b, "bob")) {
            join(bob, room);
            bob.send("type", "say", "room", room, "text", "two");
            bob.send("type", "say", "room", room, "text", "three");
            bob.expect("message");
            bob.expect("message");
            try (WsClient annAgain = guest(b, "ann")) {
                annAgain.send("type", "join", "room", room, "since", Json.createObjectBuilder().add("offset", 1)
                        .add("epoch", epoch).build());
                JsonObject joined = annAgain.expect("joined");
                assertTrue(joined.getBoolean("recovered"), joined.toString());
                assertEquals(List.of(2L, 3L), Jsons.offsets(joined.get("history")));
            }
        }
    }

    @Test
    @Order(5)
    void concurrentSendersOnBothNodesGetOneGapFreeSequence() throws Exception {
        String room = unique("busy");
        int perSender = 25;
        List<WsClient> clients = new ArrayList<>();
        try {
            WsClient watchA = guest(a, "watch");
            WsClient watchB = guest(b, "watch");
            clients.add(watchA);
            clients.add(watchB);
            join(watchA, room);
            join(watchB, room);
            List<WsClient> senders = new ArrayList<>();
            for (NodeProcess node : List.of(a, b, a, b)) {
                WsClient s = guest(node, "sender");
                clients.add(s);
                senders.add(s);
                join(s, room);
            }
            ExecutorService pool = Executors.newFixedThreadPool(senders.size());
            List<Future<?>> done = new ArrayList<>();
            for (WsClient s : senders) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perSender; i++) {
                        s.send("type", "say", "room", room, "text", "n" + i);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
            int total = perSender * senders.size();
            List<Long> expected = LongStream.rangeClosed(1, total).boxed().toList();
            for (WsClient watcher : List.of(watchA, watchB)) {
                List<Long> seen = new ArrayList<>();
                while (seen.size() < total) {
                    seen.add(watcher.await("message").getJsonNumber("offset").longValue());
                }
                assertEquals(expected, seen, "every offset once, in order, on both nodes");
            }
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    @Test
    @Order(6)
    void guestNamesAndConnectionCapsAreClusterWide() {
        String name = unique("zed");
        String carol = unique("carol");
        try (WsClient first = guest(a, name); WsClient second = guest(b, name);
             WsClient c1 = user(a, "chat", carol); WsClient c2 = user(b, "chat", carol)) {
            assertEquals("guest:" + name, first.user());
            assertEquals("guest:" + name + "-2", second.user(), "the name is taken on the other node");
            WsClient c3 = WsClient.open(b.ws("ws/chat?token=" + Authenticator.sign(SECRET, carol,
                    Instant.now().plusSeconds(600))), Map.of());
            assertEquals(4429, c3.awaitClose(), "maxConnectionsPerUser=2 counts both nodes");
            c3.close();
        }
    }

    @Test
    @Order(7)
    void aKilledNodesUsersLeaveForTheOthersWithinTheNodeTimeout() {
        String room = unique("crash");
        NodeProcess c = startNodes("C")[0];
        try (WsClient ann = guest(a, "ann"); WsClient dora = guest(c, "dora")) {
            join(ann, room);
            join(dora, room);
            assertEquals(dora.user(), ann.expect("presence").getString("user"));
            long killed = System.nanoTime();
            c.kill();
            JsonObject left = ann.await("presence", p -> p.getString("event").equals("leave"));
            long tookMs = (System.nanoTime() - killed) / 1_000_000;
            assertEquals(dora.user(), left.getString("user"));
            assertTrue(tookMs < NODE_TIMEOUT_MS + 2 * NODE_TIMEOUT_MS / 3 + 1000,
                    "within the node timeout and a beat or two: " + tookMs + " ms");
            try (WsClient doraAgain = guest(b, "dora")) {
                assertEquals(dora.user(), doraAgain.user(), "the dead node's guest name is free again");
            }
        } finally {
            c.close();
        }
    }

    @Test
    @Order(8)
    void aRedisOutageDegradesTheNodesAndTheyRecoverWithoutAGap() {
        String room = unique("outage");
        try (WsClient ann = guest(a, "ann"); WsClient al = guest(a, "al"); WsClient bob = guest(b, "bob")) {
            join(ann, room);
            join(al, room);
            join(bob, room);
            ann.send("type", "say", "room", room, "text", "before");
            assertEquals(1, bob.await("message").getJsonNumber("offset").longValue());
            assertEquals("UP", health(a).getString("status"));

            redis.stop(true);
            awaitStatus("DEGRADED");
            assertTrue(health(a).getString("backplane").contains(redis.url()), health(a).toString());
            ann.send("type", "say", "room", room, "text", "during", "ref", "d-1");
            JsonObject error = ann.await("error");
            assertEquals("unavailable", error.getString("code"));
            assertEquals("d-1", error.getString("ref"));
            ann.send("type", "typing", "room", room);
            assertEquals(ann.user(), al.await("typing").getString("user"), "local members still get signals");
            Http.Reply publish = Http.post(b.http("api/topics/" + unique("t")), KEY, "{}");
            assertEquals(503, publish.status(), publish.body());

            redis.restart();
            awaitStatus("UP");
            ann.send("type", "say", "room", room, "text", "after");
            for (WsClient c : List.of(bob, al)) {
                JsonObject m = c.await("message");
                assertEquals(2, m.getJsonNumber("offset").longValue(), "no gap: " + m);
                assertEquals("after", m.getString("text"));
            }
        }
    }

    @Test
    @Order(9)
    void aRedisThatLostItsDataMakesConnectedClientsResynchronise() {
        String room = unique("amnesia");
        String epoch;
        try (WsClient ann = guest(a, "ann"); WsClient bob = guest(b, "bob")) {
            join(ann, room);
            epoch = join(bob, room).getString("epoch");
            ann.send("type", "say", "room", room, "text", "before");
            assertEquals(1, bob.await("message").getJsonNumber("offset").longValue());
            ann.await("message");

            redis.stop(false);
            redis.restart();
            assertEquals(1011, bob.awaitClose(), "offsets start again at 1: the client must resynchronise");
            assertEquals(1011, ann.awaitClose());
        }
        awaitStatus("UP");
        try (WsClient bob = guest(b, "bob"); WsClient ann = guest(a, "ann")) {
            bob.send("type", "join", "room", room, "since", Json.createObjectBuilder().add("offset", 1)
                    .add("epoch", epoch).build());
            JsonObject joined = bob.expect("joined");
            assertFalse(joined.getBoolean("recovered"), joined.toString());
            assertFalse(joined.getString("epoch").equals(epoch));
            join(ann, room);
            ann.send("type", "say", "room", room, "text", "after");
            assertEquals(1, bob.await("message").getJsonNumber("offset").longValue());
        }
    }

    @Test
    @Order(10)
    void aFullRestartOfBothNodesKeepsRecovery() {
        String room = unique("durable");
        String epoch;
        try (WsClient ann = guest(a, "ann")) {
            epoch = join(ann, room).getString("epoch");
            ann.send("type", "say", "room", room, "text", "one");
            ann.send("type", "say", "room", room, "text", "two");
            ann.expect("message");
            ann.expect("message");
        }
        a.stop();
        b.stop();
        NodeProcess[] again = startNodes("A2", "B2");
        a = again[0];
        b = again[1];
        try (WsClient ann = guest(b, "ann")) {
            ann.send("type", "join", "room", room, "since", Json.createObjectBuilder().add("offset", 1)
                    .add("epoch", epoch).build());
            JsonObject joined = ann.expect("joined");
            assertTrue(joined.getBoolean("recovered"), joined.toString());
            assertEquals(epoch, joined.getString("epoch"));
            assertEquals(List.of(2L), Jsons.offsets(joined.get("history")));
        }
    }

    @Test
    @Order(11)
    void theStatsTopicCarriesTheClustersTotalsAndGoesOnWhenANodeDies() {
        String room = unique("counted");
        try (WsClient onA = guest(a, "ann"); WsClient onB = guest(b, "bob");
             WsClient stats = WsClient.connect(b.ws("ws/notifications?name=ops"))) {
            join(onA, room);
            join(onB, room);
            stats.send("type", "subscribe", "topic", "stats");
            stats.expect("subscribed");
            JsonObject both = stats.await("notification", n -> n.getJsonObject("data").getInt("nodes") == 2
                    && n.getJsonObject("data").getInt("connections") == 3).getJsonObject("data");
            assertEquals(1, both.getInt("rooms"), "the room has members on both nodes: one room");

            a.kill(); // whichever node held the lease, B's subscriber goes on getting the totals, now of one node
            JsonObject one = stats.await("notification", n -> n.getJsonObject("data").getInt("nodes") == 1)
                    .getJsonObject("data");
            assertEquals(2, one.getInt("connections"), one.toString());
        }
    }
}

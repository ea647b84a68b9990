package dev.switchboard.standalone;

import dev.switchboard.settings.Settings;
import dev.switchboard.testing.Poll;
import dev.switchboard.testing.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A member that reconnects after missing much more than its outbound queue holds (here 100 texts of 4000 characters
 * against a 64 KiB queue) gets everything it missed, in order, and is not closed for it: the replay goes out a page at a
 * time, as the client reads. Before, the whole replay was queued at once and the member was closed with 4001 on every
 * reconnect, forever (and lost its other rooms with it).
 */
class RecoveryPagingTest {

    private static final int MISSED = 100;
    private static final String PAD = "x".repeat(3990);

    private static final String SECRET = "recovery-paging-test-secret-of-32-bytes";

    private static Runner runner;
    private static URI chat;
    private static URI notifications;

    @BeforeAll
    static void start() throws Exception {
        runner = Runner.start(Settings.of(Map.of("statsIntervalMs", "0", "demoIntervalMs", "0",
                "outboxMaxBytes", "65536", "ratePerSecond", "1000", "rateBurst", "1000", "historySize", "1000",
                "historyMaxBytes", "10000000", "recoveryMaxBytes", "10000000", "tokenSecret", SECRET)), "127.0.0.1", 0, null);
        chat = URI.create("ws://127.0.0.1:" + runner.port() + "/ws/chat");
        notifications = URI.create("ws://127.0.0.1:" + runner.port() + "/ws/notifications");
    }

    @AfterAll
    static void stop() {
        runner.close();
    }

    private static String text(int i) {
        return String.format("%03d", i) + PAD;
    }

    private static String since(long offset, String epoch) {
        return "{\"offset\":" + offset + ",\"epoch\":\"" + epoch + "\"}";
    }

    @Test
    void aRoomRecoveryLargerThanTheOutboxArrivesWholeAndInOrder() {
        String room = "busy-room";
        long offset;
        String epoch;
        try (WsClient ann = WsClient.connect(URI.create(chat + "?name=ann"))) {
            JsonObject joined = ann.join(room);
            offset = joined.getJsonNumber("offset").longValue();
            epoch = joined.getString("epoch");
        }
        try (WsClient bob = WsClient.connect(URI.create(chat + "?name=bob"))) {
            bob.join(room);
            for (int i = 1; i <= MISSED; i++) {
                bob.say(room, text(i));
            }
        }
        try (WsClient ann = WsClient.connect(URI.create(chat + "?name=ann"))) {
            ann.join("other");
            ann.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"since\":" + since(offset, epoch) + "}");
            JsonObject joined = ann.await("joined", j -> j.getString("room").equals(room));
            assertTrue(joined.getBoolean("recovered"), joined.toString());
            List<String> texts = new ArrayList<>();
            joined.getJsonArray("history").forEach(m -> texts.add(m.asJsonObject().getString("text")));
            assertTrue(texts.size() < MISSED, "a page inside joined, not everything: " + texts.size());
            long head = joined.getJsonNumber("offset").longValue();
            long last = offset + texts.size();
            while (last < head) {
                JsonObject m = ann.await("message", f -> true);
                assertEquals(last + 1, m.getJsonNumber("offset").longValue(), "in order, nothing twice or missing");
                texts.add(m.getString("text"));
                last++;
            }
            for (int i = 1; i <= MISSED; i++) {
                assertEquals(text(i), texts.get(i - 1));
            }
            ann.send("type", "ping");
            ann.await("pong");
            assertFalse(ann.isClosed(), "still connected, and in its other room");
        }
    }

    @Test
    void aTopicRecoveryLargerThanTheOutboxArrivesWhole() {
        String topic = "busy-topic";
        long before = runner.switchboard().publish(topic, Json.createValue("start")).entry().offset();
        String epoch = runner.switchboard().publish(topic, Json.createValue("start")).epoch();
        for (int i = 1; i <= MISSED; i++) {
            runner.switchboard().publish(topic, Json.createValue(text(i)));
        }
        try (WsClient dash = WsClient.connect(URI.create(notifications + "?name=dash"))) {
            dash.send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\",\"since\":" + since(before, epoch) + "}");
            JsonObject subscribed = dash.await("subscribed");
            assertTrue(subscribed.getBoolean("recovered"));
            JsonObject n = null;
            for (long o = before + 1; o <= before + 1 + MISSED; o++) {
                n = dash.await("notification");
                assertEquals(o, n.getJsonNumber("offset").longValue());
            }
            assertEquals(text(MISSED), n.getString("data"));
        }
    }

    @Test
    void whispersThatWaitedForAUserLongerThanTheOutboxAreAllReplayed() {
        // whispers wait only for identities that exist: a token user who has connected before, and is gone for the
        // server too (one of its connections still open would be written the first whispers)
        WsClient.withToken(chat, SECRET, "away-w").close();
        Poll.until(() -> runner.switchboard().stats().connections.get() == 0, "away-w's connection released");
        try (WsClient ann = WsClient.connect(URI.create(chat + "?name=ann-w"))) {
            for (int i = 1; i <= MISSED; i++) {
                ann.send("type", "whisper", "to", "away-w", "text", text(i));
                ann.await("whisper");
            }
        }
        try (WsClient away = WsClient.withToken(chat, SECRET, "away-w")) {
            for (int i = 1; i <= MISSED; i++) {
                assertEquals(text(i), away.await("whisper").getString("text"));
            }
            away.send("type", "ping");
            away.await("pong");
        }
    }

    /** Beyond recoveryMaxBytes the member starts afresh: recovered:false and a latest page that fits. */
    @Test
    void beyondRecoveryMaxBytesTheAnswerIsTheLatestPageAndTheMemberStays() throws Exception {
        try (Runner small = Runner.start(Settings.of(Map.of("statsIntervalMs", "0", "demoIntervalMs", "0",
                "outboxMaxBytes", "65536", "ratePerSecond", "1000", "rateBurst", "1000",
                "recoveryMaxBytes", "100000")), "127.0.0.1", 0, null)) {
            URI ws = URI.create("ws://127.0.0.1:" + small.port() + "/ws/chat");
            String epoch;
            try (WsClient bob = WsClient.connect(URI.create(ws + "?name=bob"))) {
                epoch = bob.join("r").getString("epoch");
                for (int i = 1; i <= MISSED; i++) {
                    bob.say("r", text(i));
                }
            }
            try (WsClient ann = WsClient.connect(URI.create(ws + "?name=ann"))) {
                ann.send("{\"type\":\"join\",\"room\":\"r\",\"since\":" + since(0, epoch) + "}");
                JsonObject joined = ann.await("joined");
                assertFalse(joined.getBoolean("recovered"));
                List<Long> offsets = new ArrayList<>();
                joined.getJsonArray("history").forEach(m -> offsets.add(m.asJsonObject().getJsonNumber("offset").longValue()));
                assertFalse(offsets.isEmpty());
                assertEquals(MISSED, offsets.get(offsets.size() - 1), "the newest messages");
                ann.send("type", "ping");
                ann.await("pong");
            }
        }
    }
}

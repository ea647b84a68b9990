package dev.switchboard.standalone;

import dev.switchboard.settings.Settings;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.Jsons;
import dev.switchboard.testing.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The notification half of docs/protocol.md and the HTTP API, against the standalone runner. */
class NotificationProtocolTest {

    private static final String KEY = "publisher-key-for-tests";
    private static final String SECRET = "notification-test-secret-of-32-bytes";
    private static Runner runner;
    private static URI base;
    private static URI notifications;

    @BeforeAll
    static void start() throws Exception {
        runner = Runner.start(Settings.of(Map.of("publisherKey", KEY, "statsIntervalMs", "0", "historyPage", "4",
                "tokenSecret", SECRET)),
                "127.0.0.1", 0, null);
        base = runner.baseUri();
        notifications = URI.create("ws://127.0.0.1:" + runner.port() + "/ws/notifications");
    }

    @AfterAll
    static void stop() {
        runner.close();
    }

    private static String topic(String prefix) {
        return prefix + "-" + System.nanoTime();
    }

    private static JsonObject publish(String topic, String body) {
        Http.Reply r = Http.post(base.resolve("api/topics/" + topic), KEY, body);
        assertEquals(202, r.status(), r.body());
        return json(r.body());
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private static WsClient subscriber(String name, String topic) {
        WsClient c = WsClient.connect(URI.create(notifications + "?name=" + name));
        c.send("type", "subscribe", "topic", topic);
        c.expect("subscribed");
        return c;
    }

    @Test
    void httpPublishReachesEverySubscriberOnceAndInOrder() {
        String topic = topic("orders");
        List<WsClient> subs = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                subs.add(subscriber("s" + i, topic));
            }
            for (int n = 1; n <= 20; n++) {
                JsonObject accepted = publish(topic, "{\"n\":" + n + "}");
                assertEquals(n, accepted.getInt("offset"));
                assertEquals(topic, accepted.getString("topic"));
                assertFalse(accepted.getString("epoch").isEmpty());
            }
            for (WsClient s : subs) {
                for (int n = 1; n <= 20; n++) {
                    JsonObject f = s.expect("notification");
                    assertEquals(topic, f.getString("topic"));
                    assertEquals(n, f.getInt("offset"));
                    assertEquals(n, f.getJsonObject("data").getInt("n"));
                }
                s.send("type", "ping");
                s.expect("pong"); // nothing twice before it
            }
        } finally {
            subs.forEach(WsClient::close);
        }
    }

    @Test
    void jsonSentAsCurlDashDSendsItIsPublished() {
        String topic = topic("curl");
        Http.Reply r = Http.post(base.resolve("api/topics/" + topic), KEY, "{\"price\":42}",
                "application/x-www-form-urlencoded");
        assertEquals(202, r.status(), r.body());
        Http.Reply read = Http.get(base.resolve("api/topics/" + topic + "?since=0&limit=5"), KEY);
        assertEquals(42, json(read.body()).getJsonArray("notifications").getJsonObject(0).getJsonObject("data").getInt("price"));
    }

    @Test
    void aSubscriberGetsTheCurrentValueAsLast() {
        String topic = topic("price");
        publish(topic, "{\"price\":41}");
        publish(topic, "{\"price\":42}");
        try (WsClient c = WsClient.connect(URI.create(notifications + "?name=dash"))) {
            c.send("type", "subscribe", "topic", topic, "ref", "s1");
            JsonObject subscribed = c.expect("subscribed");
            assertEquals(2, subscribed.getInt("offset"));
            assertEquals("s1", subscribed.getString("ref"));
            assertEquals(42, subscribed.getJsonObject("last").getJsonObject("data").getInt("price"));
            c.send("type", "unsubscribe", "topic", topic);
            assertEquals(topic, c.expect("unsubscribed").getString("topic"));
            publish(topic, "{\"price\":43}");
            c.send("type", "ping");
            c.expect("pong");
        }
    }

    @Test
    void aReconnectingSubscriberGetsExactlyWhatItMissed() {
        String topic = topic("feed");
        String epoch;
        long seen;
        try (WsClient c = WsClient.connect(URI.create(notifications + "?name=feeder"))) {
            c.send("type", "subscribe", "topic", topic);
            epoch = c.expect("subscribed").getString("epoch");
            publish(topic, "{\"n\":1}");
            seen = c.expect("notification").getInt("offset");
            c.abort();
        }
        for (int n = 2; n <= 4; n++) {
            publish(topic, "{\"n\":" + n + "}");
        }
        try (WsClient c = WsClient.connect(URI.create(notifications + "?name=feeder"))) {
            c.send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\",\"since\":{\"offset\":" + seen
                    + ",\"epoch\":\"" + epoch + "\"}}");
            JsonObject subscribed = c.expect("subscribed");
            assertTrue(subscribed.getBoolean("recovered"));
            for (int n = 2; n <= 4; n++) {
                assertEquals(n, c.expect("notification").getJsonObject("data").getInt("n"));
            }
            publish(topic, "{\"n\":5}");
            assertEquals(5, c.expect("notification").getInt("offset"));
        }
    }

    @Test
    void anEpochMismatchAnswersRecoveredFalse() {
        String topic = topic("epoch");
        for (int n = 1; n <= 6; n++) {
            publish(topic, "{\"n\":" + n + "}");
        }
        try (WsClient c = WsClient.connect(URI.create(notifications + "?name=late"))) {
            c.send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\",\"since\":{\"offset\":2,\"epoch\":\"old\"}}");
            JsonObject subscribed = c.expect("subscribed");
            assertFalse(subscribed.getBoolean("recovered"));
            assertEquals(6, subscribed.getJsonObject("last").getInt("offset"));
            assertEquals(List.of(3L, 4L, 5L, 6L), Jsons.offsets(subscribed.get("history")));
        }
    }

    @Test
    void aPrivateUserTopicRefusesOthersAndGuestsHaveNone() {
        try (WsClient ann = WsClient.withToken(notifications, SECRET, "ann-p");
             WsClient bob = WsClient.withToken(notifications, SECRET, "bob-p");
             WsClient fakeBob = WsClient.connect(URI.create(notifications + "?name=bob-p"))) {
            ann.send("type", "subscribe", "topic", "user:" + bob.user(), "ref", "x");
            JsonObject refused = ann.expect("error");
            assertEquals("forbidden", refused.getString("code"));
            assertEquals("x", refused.getString("ref"));
            assertEquals("guest:bob-p", fakeBob.user(), "a guest never holds a user's identity");
            fakeBob.send("type", "subscribe", "topic", "user:bob-p", "ref", "g");
            assertEquals("forbidden", fakeBob.expect("error").getString("code"));
            bob.send("type", "subscribe", "topic", "user:" + bob.user());
            bob.expect("subscribed");
            publish("user:" + bob.user(), "{\"msg\":\"only for bob\"}");
            assertEquals("only for bob", bob.expect("notification").getJsonObject("data").getString("msg"));
            ann.send("type", "ping");
            ann.expect("pong");
            fakeBob.send("type", "ping");
            assertEquals("pong", fakeBob.next().getString("type"), "nothing of bob's reached the guest");
        }
    }

    @Test
    void theHttpApiRefusesWrongKeysBadJsonBadTopicsAndOversizeBodies() {
        URI orders = base.resolve("api/topics/orders");
        assertEquals(401, Http.post(orders, "wrong", "{}").status());
        assertEquals(401, Http.post(orders, null, "{}").status());
        assertEquals(401, Http.get(orders, "wrong").status());
        Http.Reply bad = Http.post(orders, KEY, "{nope");
        assertEquals(400, bad.status());
        assertEquals("bad_json", json(bad.body()).getString("error"));
        assertEquals(400, Http.post(base.resolve("api/topics/bad%20topic"), KEY, "{}").status());
        assertEquals(413, Http.post(orders, KEY, "\"" + "x".repeat(70_000) + "\"").status());
        assertEquals("UP", json(Http.get(base.resolve("api/health"), null).body()).getString("status"));
    }

    @Test
    void getReturnsStoredNotificationsAfterAnOffset() {
        String topic = topic("read");
        for (int n = 1; n <= 5; n++) {
            publish(topic, "{\"n\":" + n + "}");
        }
        Http.Reply r = Http.get(base.resolve("api/topics/" + topic + "?since=2&limit=2"), KEY);
        assertEquals(200, r.status());
        JsonObject page = json(r.body());
        assertEquals(topic, page.getString("topic"));
        assertEquals(List.of(3L, 4L), Jsons.offsets(page.get("notifications")));
    }

    @Test
    void statsCountConnectionsAndMessages() {
        try (WsClient c = subscriber("counted", topic("stats-check"))) {
            JsonObject stats = json(Http.get(base.resolve("api/stats"), null).body());
            assertTrue(stats.getInt("connections") >= 1);
            assertTrue(stats.getInt("topics") >= 1);
            assertTrue(stats.getJsonNumber("messagesIn").longValue() >= 1);
            assertTrue(stats.containsKey("dropped"));
            assertTrue(stats.containsKey("slowConsumerCloses"));
        }
    }
}

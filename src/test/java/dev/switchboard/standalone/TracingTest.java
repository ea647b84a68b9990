package dev.switchboard.standalone;

import dev.switchboard.api.Notifications;
import dev.switchboard.core.TraceLog;
import dev.switchboard.settings.Settings;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.LogCapture;
import dev.switchboard.testing.Poll;
import dev.switchboard.testing.WsClient;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/tracing.md against the standalone runner: a traceparent given to an HTTP publish or to
 * {@code Notifications.publish} (explicitly, or the current OpenTelemetry span) travels in the frame as {@code trace}
 * to every subscriber, is kept in history, and the log lines of the message's path carry it; a bad one is dropped and
 * never echoed.
 */
class TracingTest {

    private static final String KEY = "publisher-key-for-tracing";
    private static final String TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static Runner runner;
    private static URI base;
    private static URI notifications;

    @BeforeAll
    static void start() throws Exception {
        runner = Runner.start(Settings.of(Map.of("publisherKey", KEY, "statsIntervalMs", "0", "demoIntervalMs", "0")),
                "127.0.0.1", 0, null);
        base = runner.baseUri();
        notifications = URI.create("ws://127.0.0.1:" + runner.port() + "/ws/notifications");
    }

    @AfterAll
    static void stop() {
        runner.close();
    }

    private static WsClient subscriber(String name, String topic) {
        WsClient c = WsClient.connect(URI.create(notifications + "?name=" + name));
        c.send("type", "subscribe", "topic", topic);
        c.expect("subscribed");
        return c;
    }

    private static Http.Reply publish(String topic, String body, String traceparent) {
        return Http.request("POST", base.resolve("api/topics/" + topic), Map.of("Authorization", "Bearer " + KEY,
                "Content-Type", "application/json", "traceparent", traceparent), body);
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    @Test
    void aTraceparentGivenToAnHttpPublishReachesEverySubscriberAndTheLinesOfItsPath() {
        String topic = "traced-" + System.nanoTime();
        try (LogCapture log = LogCapture.start(TraceLog.NAME, Level.FINE);
             WsClient ann = subscriber("ann", topic); WsClient bob = subscriber("bob", topic)) {
            Http.Reply accepted = publish(topic, "{\"order\":42}", TRACE);
            assertEquals(202, accepted.status(), accepted.body());
            assertEquals(TRACE, json(accepted.body()).getString("trace"), "the answer says it was carried");

            for (WsClient s : List.of(ann, bob)) {
                JsonObject n = s.expect("notification");
                assertEquals(TRACE, n.getString("trace"));
                assertEquals(42, n.getJsonObject("data").getInt("order"));
            }
            JsonObject stored = json(Http.get(base.resolve("api/topics/" + topic), KEY).body())
                    .getJsonArray("notifications").getJsonObject(0);
            assertEquals(TRACE, stored.getString("trace"), "history keeps it: a recovery replays it too");

            assertEquals(1, log.matching(TRACE, "accepted: topic " + topic, "via http").size(), log.lines().toString());
            assertEquals(1, log.matching(TRACE, "stored: topic " + topic + " offset 1", "after accepted").size());
            assertEquals(1, log.matching(TRACE, "delivered: node", "topic " + topic + " offset 1 to 2 connections")
                    .size(), log.lines().toString());
            Poll.until(() -> log.matching(TRACE, "sent: connection", "after delivered").size() == 2,
                    "a sent line per connection: " + log.lines());
            assertEquals(1, log.matching("sent: connection", "user=guest:ann ").size(), log.lines().toString());
            assertEquals(1, log.matching("sent: connection", "user=guest:bob ").size());
        }
    }

    @Test
    void aBadTraceparentIsDroppedAndNeverEchoedNorLogged() {
        String topic = "untraced-" + System.nanoTime();
        String bad = "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01\" forged=\"yes";
        try (LogCapture log = LogCapture.start("dev.switchboard", Level.FINE); WsClient ann = subscriber("cy", topic)) {
            Http.Reply accepted = publish(topic, "{\"n\":1}", bad);
            assertEquals(202, accepted.status(), "a bad trace never costs the message: " + accepted.body());
            assertFalse(json(accepted.body()).containsKey("trace"));
            JsonObject n = ann.expect("notification");
            assertFalse(n.containsKey("trace"), n.toString());
            assertTrue(log.matching("forged").isEmpty() && log.matching("4BF92F").isEmpty(), log.lines().toString());
            assertTrue(log.matching("trace ").isEmpty(), "an untraced message writes no trace lines: " + log.lines());
        }
    }

    @Test
    void notificationsPublishCarriesTheCurrentOpenTelemetrySpanOrAnExplicitTraceparent() throws Exception {
        String topic = "java-" + System.nanoTime();
        SpanContext span = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
                TraceFlags.getSampled(), TraceState.getDefault());
        try (LogCapture log = LogCapture.start(TraceLog.NAME, Level.FINE); WsClient s = subscriber("dee", topic)) {
            try (Scope ignored = Span.wrap(span).makeCurrent()) {
                Notifications.publish(topic, Json.createObjectBuilder().add("n", 1).build())
                        .toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            assertEquals("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                    s.expect("notification").getString("trace"));
            assertEquals(1, log.matching("0af7651916cd43dd8448eb211c80319c", "via java").size(), log.lines().toString());

            Notifications.publish(topic, Json.createObjectBuilder().add("n", 2).build())
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            JsonObject untraced = s.expect("notification");
            assertEquals(2, untraced.getJsonObject("data").getInt("n"));
            assertFalse(untraced.containsKey("trace"), "no current span: no trace");

            Notifications.publish(topic, Json.createObjectBuilder().add("n", 3).build(), TRACE)
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(TRACE, s.expect("notification").getString("trace"));
            s.expectNothing(Duration.ofMillis(200));
        }
    }
}

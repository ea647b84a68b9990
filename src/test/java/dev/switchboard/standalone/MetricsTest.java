package dev.switchboard.standalone;

import dev.switchboard.settings.Settings;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.Poll;
import dev.switchboard.testing.Scenarios;
import dev.switchboard.testing.PrometheusText;
import dev.switchboard.testing.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /api/metrics} on the runner: who may read it, the names a dashboard relies on, values that follow traffic. */
class MetricsTest {

    private static final String METRICS_KEY = "metrics-key-for-tests";
    private static final String PUBLISHER_KEY = "publisher-key-for-tests";
    private static Runner runner;
    private static URI metrics;
    private static String ws;

    @BeforeAll
    static void start() throws Exception {
        runner = Runner.start(Settings.of(Map.of("metricsKey", METRICS_KEY, "publisherKey", PUBLISHER_KEY,
                "statsIntervalMs", "0", "demoIntervalMs", "0")), "127.0.0.1", 0, null);
        metrics = runner.baseUri().resolve("api/metrics");
        ws = "ws://127.0.0.1:" + runner.port();
    }

    @AfterAll
    static void stop() {
        runner.close();
    }

    private static PrometheusText scrape(URI uri, String key) {
        return Scenarios.scrapeMetrics(uri, key);
    }

    @Test
    void onlyTheMetricsKeyOrThePublisherKeyOpensTheMetrics() throws Exception {
        assertEquals(401, Http.get(metrics, null).status());
        assertEquals(401, Http.get(metrics, "wrong").status());
        assertEquals(200, Http.get(metrics, PUBLISHER_KEY).status());
        HttpResponse<String> ok = HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics)
                .header("Authorization", "Bearer " + METRICS_KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode());
        assertTrue(ok.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                ok.headers().toString());
        assertEquals(405, Http.post(metrics, METRICS_KEY, "{}").status());
        Scenarios.assertMetricNames(PrometheusText.parse(ok.body()));
    }

    @Test
    void theSameScenarioAsInTheContainers() {
        Scenarios.metricsFollowTraffic(runner.baseUri(), METRICS_KEY);
    }

    @Test
    void noKeyAtAllMeansNoMetrics() throws Exception {
        try (Runner closed = Runner.start(Settings.of(Map.of("statsIntervalMs", "0", "demoIntervalMs", "0")),
                "127.0.0.1", 0, null)) {
            Http.Reply reply = Http.get(closed.baseUri().resolve("api/metrics"), "");
            assertEquals(401, reply.status());
            assertTrue(reply.body().contains("metricsKey"), reply.body());
        }
    }

    @Test
    void theValuesFollowTheTraffic() {
        PrometheusText before = scrape(metrics, METRICS_KEY);
        String room = "metrics-" + System.nanoTime();
        String topic = "metrics-" + System.nanoTime();
        try (WsClient ann = WsClient.connect(URI.create(ws + "/ws/chat?name=ann"));
             WsClient bob = WsClient.connect(URI.create(ws + "/ws/chat?name=bob"));
             WsClient dash = WsClient.connect(URI.create(ws + "/ws/notifications?name=dash"))) {
            ann.join(room);
            bob.join(room);
            ann.say(room, "hello");
            bob.await("message", m -> "hello".equals(m.getString("text")));
            dash.send("type", "subscribe", "topic", topic);
            dash.expect("subscribed");
            assertEquals(202, Http.post(runner.baseUri().resolve("api/topics/" + topic), PUBLISHER_KEY, "{\"n\":1}").status());
            dash.expect("notification");
            try (WsClient refused = WsClient.open(URI.create(ws + "/ws/chat?token=not-a-token"), Map.of())) {
                assertEquals(4401, refused.awaitClose());
            }
            assertEquals(403, WsClient.handshakeStatus(URI.create(ws + "/ws/chat?name=eve"),
                    Map.of("Origin", "https://evil.example")));

            // Sends complete after the frames arrived, the refused socket leaves the chat gauge once its close is
            // done, and a scrape reads one counter after another while the delivering thread updates them (a small
            // fan-out writes within the append, before the append's time is recorded): wait until each has moved, then
            // check by how much. The connection gauges of one scrape come from one count: once chat shows 2,
            // notifications shows 1 (CI once saw a new count's chat beside an old count's notifications).
            PrometheusText[] last = new PrometheusText[1];
            try {
                Poll.until(() -> {
                    last[0] = scrape(metrics, METRICS_KEY);
                    return last[0].value("switchboard_publish_to_send_seconds_count")
                            >= before.value("switchboard_publish_to_send_seconds_count") + 3
                            && last[0].value("switchboard_append_seconds_count")
                            >= before.value("switchboard_append_seconds_count") + 2
                            && last[0].value("switchboard_deliveries_total")
                            >= before.value("switchboard_deliveries_total") + 3
                            && last[0].value("switchboard_connections{endpoint=\"chat\"}") == 2;
                }, "publish-to-send samples of the three sends, both appends timed, and the open connections");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; before: " + before + "; last: " + last[0], e);
            }
            PrometheusText after = last[0];
            Scenarios.assertMetricNames(after);
            assertEquals(2, after.value("switchboard_connections{endpoint=\"chat\"}"), () -> "in " + after);
            assertEquals(1, after.value("switchboard_connections{endpoint=\"notifications\"}"), () -> "in " + after);
            assertMoved(before, after, "switchboard_connections_opened_total", 3);
            assertMoved(before, after, "switchboard_joins_total{kind=\"room\"}", 2);
            assertMoved(before, after, "switchboard_joins_total{kind=\"topic\"}", 1);
            assertMoved(before, after, "switchboard_messages_in_total", 4); // 2 joins, 1 say, 1 subscribe
            assertMoved(before, after, "switchboard_deliveries_total", 3); // the message to 2, the notification to 1
            assertTrue(after.value("switchboard_messages_out_total") >= before.value("switchboard_messages_out_total") + 3
                    + 3 + 3, "welcomes, replies and the three deliveries");
            assertMoved(before, after, "switchboard_publishes_total", 1);
            assertMoved(before, after, "switchboard_refusals_total{code=\"4401\"}", 1);
            assertMoved(before, after, "switchboard_refusals_total{code=\"1008\"}", 1);
            assertMoved(before, after, "switchboard_append_seconds_count", 2); // the message and the notification
            assertTrue(after.value("switchboard_append_seconds_sum") > before.value("switchboard_append_seconds_sum"));
            assertTrue(after.value("switchboard_publish_to_send_seconds_sum")
                    > before.value("switchboard_publish_to_send_seconds_sum"));
            assertTrue(after.value("switchboard_history_bytes") >= before.value("switchboard_history_bytes")
                    + "hello".length() + "{\"n\":1}".length(), "the stored frames count");
            assertEquals(2, after.value("switchboard_channels{kind=\"room\"}") + after.value("switchboard_channels{kind=\"topic\"}")
                    - before.value("switchboard_channels{kind=\"room\"}") - before.value("switchboard_channels{kind=\"topic\"}"));
            assertEquals(0, after.value("switchboard_redis_round_trip_seconds_count"), "no Redis here");
        }
        Poll.until(() -> scrape(metrics, METRICS_KEY).value("switchboard_connections{endpoint=\"chat\"}") == 0,
                "closed connections leave the gauge (counted at most once a second)");
    }

    private static void assertMoved(PrometheusText before, PrometheusText after, String series, double by) {
        assertEquals(by, after.value(series) - before.value(series), series);
    }
}

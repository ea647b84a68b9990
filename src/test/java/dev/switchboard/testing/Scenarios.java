package dev.switchboard.testing;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Protocol scenarios a user depends on, run against any deployment: the standalone runner, or the packaged WAR in
 * Tomcat, Payara and the other containers. {@code base} is the context root, e.g. {@code http://127.0.0.1:8080/switchboard/}.
 */
public final class Scenarios {

    private Scenarios() {
    }

    public static URI ws(URI base, String path) {
        String http = base.toString();
        return URI.create(http.replaceFirst("^http", "ws") + (http.endsWith("/") ? "" : "/") + path);
    }

    /** The Origin a page served from {@code base} sends. */
    public static String origin(URI base) {
        return base.getScheme() + "://" + base.getAuthority();
    }

    private static String unique(String prefix) {
        return prefix + "-" + System.nanoTime();
    }

    /** Join, presence, say (with the server's from; ASCII and 10 KiB beyond it), typing, leave — two users. */
    public static void twoUsersChat(URI base) {
        String room = unique("lobby");
        try (WsClient ann = WsClient.connect(URI.create(ws(base, "ws/chat") + "?name=ann"));
             WsClient bob = WsClient.connect(URI.create(ws(base, "ws/chat") + "?name=bob"))) {
            assertEquals("switchboard.v1", ann.subprotocol());
            ann.send("type", "join", "room", room).expect("joined");
            bob.send("type", "join", "room", room);
            assertEquals(List.of(ann.user(), bob.user()), Jsons.strings(bob.expect("joined").get("members"), "user"));
            JsonObject presence = ann.expect("presence");
            assertEquals(bob.user(), presence.getString("user"));
            assertEquals("join", presence.getString("event"));
            ann.send("type", "say", "room", room, "text", "hello <b>bob</b>", "ref", "c-1", "from", "mallory");
            for (WsClient c : List.of(ann, bob)) {
                JsonObject m = c.expect("message");
                assertEquals(1, m.getInt("offset"));
                assertEquals(ann.user(), m.getString("from"));
                assertEquals("hello <b>bob</b>", m.getString("text"));
                assertEquals("c-1", m.getString("ref"));
            }
            // Beyond ASCII and beyond one 8 KiB buffer of UTF-8 (Tomcat's encoder's; TomcatInternals sends the bytes
            // encoded once): accents, CJK, a surrogate pair, 10 KiB in all.
            String unicode = "héllo wörld 世界 \uD83C\uDF89 " + "世".repeat(3500);
            bob.send("type", "say", "room", room, "text", unicode);
            for (WsClient c : List.of(ann, bob)) {
                JsonObject m = c.expect("message");
                assertEquals(2, m.getInt("offset"));
                assertEquals(unicode, m.getString("text"));
            }
            bob.send("type", "typing", "room", room);
            assertEquals(bob.user(), ann.expect("typing").getString("user"));
            bob.close();
            JsonObject leave = ann.expect("presence");
            assertEquals("leave", leave.getString("event"));
        }
    }

    /** A dropped client reconnects with since and gets exactly the missed messages; a wrong epoch gets recovered:false. */
    public static void recovery(URI base) {
        String room = unique("recover");
        try (WsClient ann = WsClient.connect(URI.create(ws(base, "ws/chat") + "?name=ann"))) {
            ann.send("type", "join", "room", room).expect("joined");
            WsClient bob = WsClient.connect(URI.create(ws(base, "ws/chat") + "?name=bob"));
            bob.send("type", "join", "room", room);
            JsonObject joined = bob.expect("joined");
            ann.expect("presence");
            String epoch = joined.getString("epoch");
            bob.abort();
            ann.await("presence", p -> p.getString("event").equals("leave"));
            for (int i = 1; i <= 3; i++) {
                ann.send("type", "say", "room", room, "text", "missed " + i);
                ann.expect("message");
            }
            try (WsClient back = WsClient.connect(URI.create(ws(base, "ws/chat") + "?name=bob"))) {
                back.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"since\":{\"offset\":0,\"epoch\":\"" + epoch + "\"}}");
                JsonObject recovered = back.expect("joined");
                assertTrue(recovered.getBoolean("recovered"));
                assertEquals(List.of("missed 1", "missed 2", "missed 3"), Jsons.strings(recovered.get("history"), "text"));
                back.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"since\":{\"offset\":1,\"epoch\":\"gone\"}}");
                JsonObject lost = back.expect("joined");
                assertFalse(lost.getBoolean("recovered"));
                assertEquals(List.of(1L, 2L, 3L), Jsons.offsets(lost.get("history")));
            }
        }
    }

    /**
     * A whisper reaches a guest online live; one to a guest who is not online is not_found (guest names are given
     * to others once free). Replay to users who were away: {@code SecurityScenarios} and the protocol tests.
     */
    public static void whisper(URI base) {
        String dora = unique("dora");
        try (WsClient ann = WsClient.connect(URI.create(ws(base, "ws/chat") + "?name=ann"))) {
            ann.send("type", "whisper", "to", "guest:" + dora, "text", "while you were out", "ref", "w0");
            assertEquals("not_found", ann.expect("error").getString("code"));
            try (WsClient d = WsClient.connect(URI.create(ws(base, "ws/chat") + "?name=" + dora))) {
                assertEquals("guest:" + dora, d.user());
                ann.send("type", "whisper", "to", d.user(), "text", "live");
                JsonObject received = d.expect("whisper");
                assertEquals("live", received.getString("text"));
                assertEquals(ann.user(), received.getString("from"));
                assertEquals("live", ann.expect("whisper").getString("text"));
                assertEquals(d.user(), ann.expect("delivered").getString("to"), "after the sender's copy, on one node");
            }
        }
    }

    /** HTTP publish with the key reaches a WebSocket subscriber; a wrong key is 401. */
    public static void httpPublishReachesSubscriber(URI base, String key) {
        String topic = unique("orders");
        try (WsClient sub = WsClient.connect(URI.create(ws(base, "ws/notifications") + "?name=dash"))) {
            sub.send("type", "subscribe", "topic", topic);
            sub.expect("subscribed");
            assertEquals(401, Http.post(base.resolve("api/topics/" + topic), "wrong-key", "{}").status());
            for (int n = 1; n <= 3; n++) {
                // the first as curl -d sends it: JSON labelled application/x-www-form-urlencoded
                Http.Reply r = Http.post(base.resolve("api/topics/" + topic + "?unused=1"), key,
                        "{\"price\":" + (40 + n) + "}", n == 1 ? "application/x-www-form-urlencoded" : "application/json");
                assertEquals(202, r.status(), r.body());
                assertEquals(n, json(r.body()).getInt("offset"));
            }
            for (int n = 1; n <= 3; n++) {
                JsonObject f = sub.expect("notification");
                assertEquals(n, f.getInt("offset"));
                assertEquals(40 + n, f.getJsonObject("data").getInt("price"));
            }
        }
    }

    /**
     * The page with its security headers, the health endpoint, and a foreign Origin that never gets a working
     * socket: refused with 403 before the upgrade where the container runs application filters first (Tomcat,
     * Payara, GlassFish, the runner), else closed with 1008 right after it (WildFly, Jetty).
     */
    public static void pageHealthAndRefusals(URI base, boolean refusedBeforeUpgrade) {
        Http.Reply page = Http.get(base, null);
        assertEquals(200, page.status());
        assertTrue(page.body().contains("<"), "an HTML page");
        assertEquals("UP", json(Http.get(base.resolve("api/health"), null).body()).getString("status"));
        URI chat = URI.create(ws(base, "ws/chat") + "?name=o");
        Map<String, String> evil = Map.of("Origin", "https://evil.example");
        if (refusedBeforeUpgrade) {
            assertEquals(403, WsClient.handshakeStatus(chat, evil), "a foreign origin is refused before the upgrade");
        } else {
            int status = WsClient.handshakeStatus(chat, evil);
            if (status == 101) {
                try (WsClient refused = WsClient.open(chat, evil)) {
                    assertEquals(1008, refused.awaitClose(), "a foreign origin is closed at once");
                    assertEquals(0, refused.pending(), "and gets no welcome");
                }
            } else {
                assertEquals(403, status, "a foreign origin is refused");
            }
        }
        assertEquals(101, WsClient.handshakeStatus(chat, Map.of("Origin", origin(base))));
    }

    /** Bad frames get error frames; a binary frame closes 1003; an oversize frame closes 1009. */
    public static void badInput(URI base) {
        try (WsClient c = WsClient.connect(URI.create(ws(base, "ws/chat") + "?name=bad"))) {
            c.send("{nope");
            assertEquals("bad_json", c.expect("error").getString("code"));
            c.send("{\"type\":\"dance\"}");
            assertEquals("unknown_type", c.expect("error").getString("code"));
            c.send("type", "ping");
            c.expect("pong");
        }
        try (WsClient c = WsClient.connect(URI.create(ws(base, "ws/chat") + "?name=big"))) {
            c.send("{\"type\":\"say\",\"room\":\"x\",\"text\":\"" + "a".repeat(70_000) + "\"}");
            assertEquals(1009, c.awaitClose());
        }
    }

    /**
     * A browser's handshake (Chromium's extension offer) gets no extension with {@code compression} off, the default:
     * the 101 names none, and the welcome comes as one plain text frame (RSV1 clear), framed once for every recipient.
     * A frame that claims to be compressed anyway (RSV1) closes with 1002.
     */
    public static void deflateOfferDeclined(URI base) {
        URI chat = URI.create(ws(base, "ws/chat") + "?name=" + unique("deflate"));
        try {
            RawHandshake handshake = RawWebSocket.connect(chat, Map.of("Origin", origin(base),
                    "Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits",
                    "Sec-WebSocket-Protocol", "switchboard.v1"), Duration.ofSeconds(10));
            assertEquals(101, handshake.status(), handshake.toString());
            assertNull(handshake.extensions(), "no extension negotiated");
            try (RawWebSocket ws = handshake.open()) {
                RawFrame frame = ws.nextFrame(Duration.ofSeconds(10));
                assertNotNull(frame, "a welcome");
                assertEquals(RawWebSocket.OP_TEXT, frame.opcode(), frame.toString());
                assertEquals(0, frame.rsv(), "not compressed");
                assertEquals("welcome", json(frame.text()).getString("type"));
                ws.send(RawWebSocket.frame(RawWebSocket.OP_TEXT).rsv(4).payload(deflated("{\"type\":\"ping\"}")));
                assertEquals(1002, ws.awaitClose(Duration.ofSeconds(10)).code(), "compressed, but nothing was negotiated");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** {@code text} as permessage-deflate sends it: one raw DEFLATE block, SYNC_FLUSH, without the final 00 00 ff ff. */
    public static byte[] deflated(String text) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        byte[] plain = text.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[plain.length + 64];
        deflater.setInput(plain);
        int n = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
        deflater.end();
        return Arrays.copyOf(out, n - 4);
    }

    public static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    /**
     * {@code GET /api/metrics}: refused without the key; with it, every family a dashboard relies on, and counters that
     * follow one user's join and message.
     */
    public static void metricsFollowTraffic(URI base, String key) {
        URI metrics = base.resolve("api/metrics");
        assertEquals(401, Http.get(metrics, null).status());
        PrometheusText before = scrapeMetrics(metrics, key);
        assertMetricNames(before);
        String room = unique("metrics");
        try (WsClient ann = WsClient.connect(URI.create(ws(base, "ws/chat") + "?name=ann"))) {
            ann.join(room);
            ann.say(room, "counted");
            PrometheusText[] after = new PrometheusText[1];
            Poll.until(() -> {
                after[0] = scrapeMetrics(metrics, key);
                return after[0].value("switchboard_deliveries_total") >= before.value("switchboard_deliveries_total") + 1;
            }, "the delivery of the message is counted");
            // (the sampled histograms are checked where nothing else appends: MetricsTest)
            for (String series : List.of("switchboard_connections_opened_total", "switchboard_joins_total{kind=\"room\"}")) {
                assertTrue(after[0].value(series) >= before.value(series) + 1, series);
            }
            assertTrue(after[0].value("switchboard_messages_in_total") >= before.value("switchboard_messages_in_total") + 2,
                    "the join and the message");
        }
    }

    public static PrometheusText scrapeMetrics(URI uri, String key) {
        Http.Reply reply = Http.get(uri, key);
        assertEquals(200, reply.status(), reply.body());
        return PrometheusText.parse(reply.body());
    }

    /** Every metric family a dashboard may rely on, with its Prometheus type. */
    public static final Map<String, String> METRIC_FAMILIES = Map.ofEntries(
            Map.entry("switchboard_connections", "gauge"),
            Map.entry("switchboard_connections_opened_total", "counter"),
            Map.entry("switchboard_joins_total", "counter"),
            Map.entry("switchboard_messages_in_total", "counter"),
            Map.entry("switchboard_messages_out_total", "counter"),
            Map.entry("switchboard_deliveries_total", "counter"),
            Map.entry("switchboard_publishes_total", "counter"),
            Map.entry("switchboard_outbox_frames", "gauge"),
            Map.entry("switchboard_outbox_bytes", "gauge"),
            Map.entry("switchboard_frames_dropped_total", "counter"),
            Map.entry("switchboard_closes_total", "counter"),
            Map.entry("switchboard_refusals_total", "counter"),
            Map.entry("switchboard_rate_limited_total", "counter"),
            Map.entry("switchboard_errors_sent_total", "counter"),
            Map.entry("switchboard_channels", "gauge"),
            Map.entry("switchboard_history_channels", "gauge"),
            Map.entry("switchboard_history_bytes", "gauge"),
            Map.entry("switchboard_redis_round_trip_seconds", "histogram"),
            Map.entry("switchboard_append_seconds", "histogram"),
            Map.entry("switchboard_publish_to_send_seconds", "histogram"));

    /** Every family is there with its type, and the labelled series a dashboard selects on. */
    public static void assertMetricNames(PrometheusText scrape) {
        METRIC_FAMILIES.forEach((family, type) -> assertEquals(type, scrape.type(family), family + " in " + scrape));
        for (String series : List.of("switchboard_connections{endpoint=\"chat\"}",
                "switchboard_connections{endpoint=\"notifications\"}", "switchboard_joins_total{kind=\"room\"}",
                "switchboard_joins_total{kind=\"topic\"}", "switchboard_closes_total{reason=\"slow_consumer\"}",
                "switchboard_refusals_total{code=\"4401\"}", "switchboard_refusals_total{code=\"4429\"}",
                "switchboard_publish_to_send_seconds_bucket{le=\"0.001\"}",
                "switchboard_publish_to_send_seconds_bucket{le=\"+Inf\"}", "switchboard_append_seconds_count",
                "switchboard_redis_round_trip_seconds_count")) {
            assertTrue(scrape.has(series), series);
        }
    }

}

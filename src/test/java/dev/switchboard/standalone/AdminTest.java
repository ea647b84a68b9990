package dev.switchboard.standalone;

import dev.switchboard.Switchboard;
import dev.switchboard.settings.Settings;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.LogCapture;
import dev.switchboard.testing.Poll;
import dev.switchboard.testing.WsClient;
import dev.switchboard.web.HttpApi;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/admin.md against the standalone runner: the admin API with real WebSocket clients. */
class AdminTest {

    private static final String ADMIN_KEY = "admin-key-for-tests-0123456789";
    private static Runner runner;
    private static URI base;

    @BeforeAll
    static void start() throws Exception {
        runner = Runner.start(Settings.of(Map.of("adminKey", ADMIN_KEY, "statsIntervalMs", "200",
                "demoIntervalMs", "0")), "127.0.0.1", 0, null);
        base = runner.baseUri();
    }

    @AfterAll
    static void stop() {
        runner.close();
    }

    private static URI ws(String endpoint, String name) {
        return URI.create("ws://127.0.0.1:" + runner.port() + "/ws/" + endpoint + "?name=" + name);
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private static JsonObject overview() {
        Http.Reply r = Http.get(base.resolve("api/admin/overview"), ADMIN_KEY);
        assertEquals(200, r.status(), r.body());
        return json(r.body());
    }

    private static JsonObject connection(JsonObject overview, String id) {
        return overview.getJsonArray("connections").getValuesAs(JsonObject.class).stream()
                .filter(c -> c.getString("id").equals(id)).findFirst().orElse(null);
    }

    private static JsonObject channel(JsonArray channels, String name) {
        return channels.getValuesAs(JsonObject.class).stream()
                .filter(c -> c.getString("name").equals(name)).findFirst().orElse(null);
    }

    @Test
    void withoutAnAdminKeyThereIsNoAdminApi() {
        try (Switchboard off = Switchboard.start(Settings.of(Map.of("statsIntervalMs", "0", "demoIntervalMs", "0")))) {
            HttpApi api = new HttpApi(off);
            HttpApi.Response r = api.handle("GET", "/admin/overview", "Bearer anything", Map.of(), new byte[0]);
            assertEquals(404, r.status(), r.json());
            assertEquals(404, api.handle("GET", "/admin/overview", null, Map.of(), new byte[0]).status());
        }
    }

    @Test
    void aWrongOrMissingKeyGets401AndTheKeyIsNeverLogged() {
        try (LogCapture log = LogCapture.start("dev.switchboard", Level.FINE)) {
            assertEquals(401, Http.get(base.resolve("api/admin/overview"), null).status());
            assertEquals(401, Http.get(base.resolve("api/admin/overview"), ADMIN_KEY + "x").status());
            assertEquals(401, Http.get(base.resolve("api/admin/overview"), "a").status());
            assertEquals(401, Http.delete(base.resolve("api/admin/connections/whatever"), "wrong").status());
            assertTrue(log.matching(ADMIN_KEY).isEmpty(), log.lines().toString());
        }
        assertFalse(Settings.of(Map.of("adminKey", ADMIN_KEY)).toString().contains(ADMIN_KEY), "masked at start-up");
    }

    @Test
    void theOverviewShowsConnectionsWithTheirRoomsTopicsAndQueueDepthAndEachNodesFigures() {
        String room = "adm-" + System.nanoTime();
        String topic = "adm-topic-" + System.nanoTime();
        try (WsClient ann = WsClient.connect(ws("chat", "ann")); WsClient bob = WsClient.connect(ws("chat", "bob"));
             WsClient feed = WsClient.connect(ws("notifications", "feed"))) {
            ann.join(room);
            bob.join(room);
            feed.send("type", "subscribe", "topic", topic).expect("subscribed");

            JsonObject o = overview();
            JsonObject a = connection(o, ann.welcome().getString("session"));
            assertEquals(ann.user(), a.getString("user"));
            assertEquals("127.0.0.1", a.getString("address"));
            assertEquals("chat", a.getString("endpoint"));
            assertEquals(List.of(room), a.getJsonArray("rooms").getValuesAs(v -> ((jakarta.json.JsonString) v).getString()));
            assertEquals(0, a.getJsonArray("topics").size());
            assertEquals(0, a.getInt("queuedFrames"), "a reading client has nothing waiting");
            assertTrue(a.containsKey("queuedBytes") && a.containsKey("opened"));
            JsonObject f = connection(o, feed.welcome().getString("session"));
            assertEquals("notifications", f.getString("endpoint"));
            assertEquals(Json.createArrayBuilder().add(topic).build(), f.getJsonArray("topics"));

            JsonObject r = channel(o.getJsonArray("rooms"), room);
            assertEquals(2, r.getInt("connections"));
            assertEquals(Json.createArrayBuilder().add(ann.user()).add(bob.user()).build(), r.getJsonArray("users"));
            assertEquals(1, channel(o.getJsonArray("topics"), topic).getInt("connections"));
            assertFalse(o.getBoolean("truncated"));

            // the stats feed shares each node's figures every statsIntervalMs: wait for a round taken after the three
            // connections opened (an earlier round, from before this test, may still be the latest)
            Poll.until(() -> {
                JsonArray nodes = overview().getJsonArray("nodes");
                return !nodes.isEmpty() && nodes.getJsonObject(0).getInt("connections") >= 3;
            }, "the stats feed shared this node's figures with the three connections");
            JsonObject now = overview();
            JsonObject node = now.getJsonArray("nodes").getJsonObject(0);
            assertEquals(now.getString("node"), node.getString("node"));
            assertEquals(1, now.getJsonObject("cluster").getInt("nodes"));

            assertEquals(1, json(Http.get(base.resolve("api/admin/overview?limit=1"), ADMIN_KEY).body())
                    .getJsonArray("connections").size(), "bounded by limit");
            assertEquals(400, Http.get(base.resolve("api/admin/overview?limit=x"), ADMIN_KEY).status());
        }
    }

    @Test
    void closingAConnectionClosesItWith4500AndNothingElse() {
        String room = "close-" + System.nanoTime();
        try (WsClient ann = WsClient.connect(ws("chat", "ann")); WsClient bob = WsClient.connect(ws("chat", "bob"))) {
            ann.join(room);
            bob.join(room);
            String id = ann.welcome().getString("session");

            Http.Reply closed = Http.delete(base.resolve("api/admin/connections/" + id), ADMIN_KEY);
            assertEquals(200, closed.status(), closed.body());
            assertEquals(4500, json(closed.body()).getInt("code"));
            assertEquals(4500, ann.awaitClose());
            assertEquals("closed by an administrator", ann.closeReason());
            ann.abort(); // the server closed it; nothing to say goodbye to
            bob.await("presence", p -> p.getString("event").equals("leave") && p.getString("user").equals(ann.user()));
            Poll.until(() -> connection(overview(), id) == null, "gone from the overview");
            assertEquals(404, Http.delete(base.resolve("api/admin/connections/" + id), ADMIN_KEY).status());
            assertEquals(405, Http.get(base.resolve("api/admin/connections/" + bob.welcome().getString("session")),
                    ADMIN_KEY).status());
            bob.send("type", "ping").expect("pong"); // the others stay
        }
    }

    @Test
    void removingAMessageDeletesItForEveryoneAndInHistory() {
        String room = "remove-" + System.nanoTime();
        try (WsClient ann = WsClient.connect(ws("chat", "ann")); WsClient bob = WsClient.connect(ws("chat", "bob"))) {
            ann.join(room);
            bob.join(room);
            String spam = ann.say(room, "buy cheap things").getString("id");
            bob.await("message", m -> m.getString("id").equals(spam));
            ann.say(room, "a fine message");

            JsonArray latest = json(Http.get(base.resolve("api/admin/rooms/" + room + "/messages"), ADMIN_KEY).body())
                    .getJsonArray("messages");
            assertEquals(List.of("buy cheap things", "a fine message"),
                    latest.getValuesAs(JsonObject.class).stream().map(m -> m.getString("text")).toList());

            URI message = base.resolve("api/admin/rooms/" + room + "/messages/" + spam);
            Http.Reply removed = Http.delete(message, ADMIN_KEY);
            assertEquals(200, removed.status(), removed.body());
            for (WsClient c : List.of(ann, bob)) {
                JsonObject deleted = c.await("deleted", d -> d.getString("id").equals(spam));
                assertTrue(deleted.getBoolean("admin"));
                assertEquals("admin", deleted.getString("from"));
                assertFalse(deleted.containsKey("ref"));
            }
            assertEquals(409, Http.delete(message, ADMIN_KEY).status(), "deleted already");
            assertEquals(404, Http.delete(base.resolve("api/admin/rooms/" + room + "/messages/nope"), ADMIN_KEY).status());
            assertEquals(400, Http.delete(base.resolve("api/admin/rooms/bad%20room/messages/" + spam), ADMIN_KEY).status());

            try (WsClient cy = WsClient.connect(ws("chat", "cy"))) {
                JsonArray history = cy.join(room).getJsonArray("history");
                JsonObject gone = history.getJsonObject(0);
                assertEquals(spam, gone.getString("id"));
                assertTrue(gone.getBoolean("deleted"));
                assertFalse(gone.containsKey("text"), "removed for everyone, also later joiners");
                assertEquals(JsonValue.ValueType.STRING, history.getJsonObject(1).get("text").getValueType());
            }
            ann.send("type", "delete", "room", room, "id", spam, "ref", "d-1");
            assertEquals("not_found", ann.await("error", e -> "d-1".equals(e.getString("ref", null))).getString("code"),
                    "the author cannot delete it again");
        }
    }
}

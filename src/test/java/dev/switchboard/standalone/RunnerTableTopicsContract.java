package dev.switchboard.standalone;

import dev.switchboard.api.Notifications;
import dev.switchboard.settings.Settings;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.Poll;
import dev.switchboard.testing.TableMirror;
import dev.switchboard.testing.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PROTOCOL.md "Database topics" end to end: the standalone runner watching a real database, real WebSocket clients,
 * and writers that know nothing of Switchboard. Subclasses give the database (PostgreSQL with {@code psql}, the
 * runner's embedded H2) and its writer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RunnerTableTopicsContract {

    static final String KEY = "db-test-key";
    /** More than the rows of {@code items} ever (ids 0-29), fewer than those of {@code letters}. */
    static final int SNAPSHOT_LIMIT = 40;
    static final int LETTERS = 45;

    private Runner runner;
    private String url;

    /** The JDBC URL of a new, empty database for this class. */
    abstract String newDatabase();

    abstract String user();

    /** Runs statements in one transaction as a program outside Switchboard would (psql for PostgreSQL). */
    abstract void write(String... statements);

    @BeforeAll
    void startRunner() throws Exception {
        url = newDatabase();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id INT PRIMARY KEY, item VARCHAR(40), qty INT, price DECIMAL(8, 2), "
                    + "paid BOOLEAN, at TIMESTAMP WITH TIME ZONE, note VARCHAR(100))");
            s.execute("CREATE TABLE items (id INT PRIMARY KEY, qty INT NOT NULL)");
            s.execute("CREATE TABLE letters (id INT PRIMARY KEY, letter VARCHAR(1))");
            for (int i = 0; i < LETTERS; i++) { // not in key order
                int id = (i * 7) % LETTERS + 1;
                s.execute("INSERT INTO letters VALUES (" + id + ", '" + (char) ('a' + id % 26) + "')");
            }
        }
        runner = start();
    }

    private Runner start() throws IOException {
        return Runner.start(Settings.of(Map.of("dbUrl", url, "dbUser", user(), "dbWatch", "orders, items, letters",
                "dbPollMs", "50", "dbSnapshotLimit", Integer.toString(SNAPSHOT_LIMIT), "publisherKey", KEY,
                "statsIntervalMs", "0", "demoIntervalMs", "0")), "127.0.0.1", 0, null);
    }

    @AfterAll
    void stopRunner() {
        if (runner != null) {
            runner.close();
        }
    }

    String url() {
        return url;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user(), "");
    }

    WsClient client(String name) {
        return WsClient.connect(URI.create("ws://127.0.0.1:" + runner.port() + "/ws/notifications?name=" + name));
    }

    static JsonObject subscribe(WsClient client, String topic, boolean snapshot) {
        client.send(Json.createObjectBuilder().add("type", "subscribe").add("topic", topic).add("snapshot", snapshot)
                .build().toString());
        return client.expect("subscribed");
    }

    @Test
    void aChangeByAWriterOutsideSwitchboardArrivesInTheContractsShape() {
        try (WsClient ann = client("ann")) {
            long offset = subscribe(ann, "table:orders", false).getJsonNumber("offset").longValue();
            write("INSERT INTO orders VALUES (7, 'tea', 2, 12.50, TRUE, TIMESTAMP WITH TIME ZONE "
                    + "'2026-12-04 11:15:30.123+01:00', NULL)");
            JsonObject insert = ann.expect("notification");
            assertEquals("table:orders", insert.getString("topic"));
            assertEquals(offset + 1, insert.getJsonNumber("offset").longValue());
            assertEquals("{\"op\":\"insert\",\"table\":\"orders\",\"key\":{\"id\":7},\"row\":{\"id\":7,\"item\":\"tea\","
                    + "\"qty\":2,\"price\":12.50,\"paid\":true,\"at\":\"2026-12-04T10:15:30.123Z\",\"note\":null}}",
                    insert.getJsonObject("data").toString(), "numbers exact, timestamps in UTC with Z, null as null");

            write("UPDATE orders SET qty = 3, note = 'ring twice' WHERE id = 7", "DELETE FROM orders WHERE id = 7");
            JsonObject update = ann.expect("notification").getJsonObject("data");
            assertEquals("update", update.getString("op"));
            assertEquals(3, update.getJsonObject("row").getInt("qty"));
            assertEquals("ring twice", update.getJsonObject("row").getString("note"));
            JsonObject delete = ann.expect("notification");
            assertEquals(offset + 3, delete.getJsonNumber("offset").longValue(), "in commit order, once each");
            assertEquals("delete", delete.getJsonObject("data").getString("op"));
            assertEquals(3, delete.getJsonObject("data").getJsonObject("row").getInt("qty"), "the row before it went");
        }
    }

    @Test
    void aSnapshotMatchesTheTableWhileWritersChangeIt() throws Exception {
        write("DELETE FROM items", "INSERT INTO items VALUES (0, 0)");
        ExecutorService writer = Executors.newSingleThreadExecutor();
        List<WsClient> clients = new ArrayList<>();
        // The writer goes on until every subscriber has subscribed (at least 400 changes): with a fixed 400 it once
        // finished before the second subscriber came (CI run c89, PostgreSQL), and the test checked nothing concurrent.
        AtomicBoolean subscribersIn = new AtomicBoolean();
        try {
            Future<?> writing = writer.submit(() -> {
                try (Connection c = connect(); Statement s = c.createStatement()) {
                    for (int i = 1; i <= 400 || !subscribersIn.get() && i <= 200_000; i++) {
                        int id = ThreadLocalRandom.current().nextInt(1, 30);
                        s.executeUpdate(switch (i % 3) {
                            case 0 -> "DELETE FROM items WHERE id = " + id;
                            case 1 -> "UPDATE items SET qty = qty + 1 WHERE id = " + id;
                            default -> "INSERT INTO items SELECT " + id + ", " + i + " WHERE NOT EXISTS "
                                    + "(SELECT 1 FROM items WHERE id = " + id + ")";
                        });
                    }
                }
                return null;
            });
            List<TableMirror> mirrors = new ArrayList<>();
            for (int n = 0; n < 4; n++) { // subscribers that come while the writer runs
                WsClient c = client("mirror" + n);
                clients.add(c);
                JsonObject subscribed = subscribe(c, "table:items", true);
                if (writing.isDone()) {
                    writing.get(); // the writer's own failure, if it had one
                }
                assertFalse(writing.isDone(), "the writer still ran when subscriber " + n + " got its snapshot");
                assertFalse(subscribed.containsKey("truncated"), "every row is in it");
                mirrors.add(new TableMirror(List.of("id"), subscribed));
            }
            subscribersIn.set(true);
            writing.get();
            assertEquals(4, mirrors.size(), "subscribed while the writer ran");
            write("UPDATE items SET qty = -1 WHERE id = 0"); // the last change: every mirror is complete after it
            Map<String, JsonObject> table = rows("items");
            for (int i = 0; i < mirrors.size(); i++) {
                TableMirror mirror = mirrors.get(i);
                WsClient c = clients.get(i);
                while (mirror.row("id", Json.createValue(0)).getInt("qty") != -1) {
                    mirror.apply(c.expect("notification"));
                }
                assertEquals(table, mirror.rows(), "the snapshot and the changes after it are the table");
            }
        } finally {
            subscribersIn.set(true);
            writer.shutdownNow();
            clients.forEach(WsClient::close);
        }
    }

    @Test
    void aSnapshotHoldsAtMostDbSnapshotLimitRowsInKeyOrder() {
        try (WsClient ann = client("ann")) {
            JsonObject subscribed = subscribe(ann, "table:letters", true);
            assertTrue(subscribed.getBoolean("truncated"), subscribed.toString());
            List<Integer> ids = subscribed.getJsonArray("rows").getValuesAs(JsonObject.class).stream()
                    .map(r -> r.getInt("id")).toList();
            assertEquals(IntStream.rangeClosed(1, SNAPSHOT_LIMIT).boxed().toList(), ids,
                    "the first dbSnapshotLimit rows in primary-key order");
            assertEquals("b", subscribed.getJsonArray("rows").getJsonObject(0).getString("letter"));
        }
    }

    @Test
    void tableTopicsBelongToTheRelayAndExistForWatchedTablesOnly() {
        Http.Reply post = Http.post(runner.baseUri().resolve("api/topics/table:orders"), KEY, "{\"id\":1}");
        assertEquals(403, post.status(), post.body());
        assertThrows(IllegalArgumentException.class, () -> Notifications.publish("table:orders", Map.of("id", 1)));
        try (WsClient ann = client("ann")) {
            ann.send("type", "subscribe", "topic", "table:nosuch", "ref", "r1");
            JsonObject missing = ann.expect("error");
            assertEquals("not_found", missing.getString("code"));
            assertEquals("r1", missing.getString("ref"));
            ann.send(Json.createObjectBuilder().add("type", "subscribe").add("topic", "orders").add("snapshot", true)
                    .build().toString());
            assertEquals("invalid", ann.expect("error").getString("code"), "rows only of a table's topic");
        }
        Http.Reply tables = Http.get(runner.baseUri().resolve("api/tables"), null);
        assertEquals(200, tables.status(), "no key: the page lists the tables");
        assertEquals("{\"tables\":[{\"name\":\"orders\",\"topic\":\"table:orders\",\"key\":[\"id\"]},"
                + "{\"name\":\"items\",\"topic\":\"table:items\",\"key\":[\"id\"]},"
                + "{\"name\":\"letters\",\"topic\":\"table:letters\",\"key\":[\"id\"]}]}", tables.body());
    }

    @Test
    void aNotificationWrittenInATransactionIsDeliveredAfterItsCommitOnly() throws Exception {
        String topic = "shipments-" + System.nanoTime();
        try (WsClient ann = client("ann"); Connection open = connect(); Connection other = connect()) {
            subscribe(ann, topic, false);
            open.setAutoCommit(false);
            Notifications.publish(open, topic, Map.of("id", 1));
            other.setAutoCommit(false);
            Notifications.publish(other, topic, Map.of("id", 2));
            other.commit();
            assertEquals(2, ann.expect("notification").getJsonObject("data").getInt("id"), "1 is not committed yet");
            open.commit();
            assertEquals(1, ann.expect("notification").getJsonObject("data").getInt("id"));
            Notifications.publish(open, topic, Map.of("id", 3));
            open.rollback();
            Notifications.publish(other, topic, Json.createObjectBuilder().add("id", 4).build());
            other.commit();
            JsonObject next = ann.expect("notification");
            assertEquals(4, next.getJsonObject("data").getInt("id"), "the rolled-back one never comes");
            assertEquals(3, next.getJsonNumber("offset").longValue(), "and took no offset");
            assertThrows(IllegalArgumentException.class, () -> Notifications.publish(open, "table:orders", Map.of()));
        }
    }

    @Test
    void changesCommittedWhileSwitchboardIsStoppedArePublishedWhenItStarts() throws Exception {
        runner.close();
        write("INSERT INTO orders (id, item, qty) VALUES (41, 'scone', 1)",
                "INSERT INTO orders (id, item, qty) VALUES (42, 'soup', 2)");
        write("UPDATE orders SET qty = 5 WHERE id = 41");
        runner = start();
        List<String> expected = List.of("insert 41", "insert 42", "update 41");
        Poll.until(() -> {
            Http.Reply history = Http.get(runner.baseUri().resolve("api/topics/table:orders?since=0"), KEY);
            List<String> changes = Json.createReader(new StringReader(history.body())).readObject()
                    .getJsonArray("notifications")
                    .getValuesAs(JsonObject.class).stream().map(n -> n.getJsonObject("data"))
                    .map(d -> d.getString("op") + " " + d.getJsonObject("key").getInt("id")).toList();
            return changes.size() >= 3 && changes.subList(changes.size() - 3, changes.size()).equals(expected);
        }, "the changes made while it was stopped, in commit order", Duration.ofSeconds(30));
        write("DELETE FROM orders WHERE id IN (41, 42)");
    }

    /** The table as the database has it now, by primary key (JSON text), in the contract's JSON. */
    private Map<String, JsonObject> rows(String table) throws SQLException {
        Map<String, JsonObject> out = new HashMap<>();
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, qty FROM " + table)) {
            while (rs.next()) {
                JsonObject row = Json.createObjectBuilder().add("id", rs.getInt(1)).add("qty", rs.getInt(2)).build();
                out.put(Json.createObjectBuilder().add("id", row.get("id")).build().toString(), row);
            }
        }
        return out;
    }
}

package dev.switchboard.db;

import dev.switchboard.testing.PostgresServer;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The database contract on a real PostgreSQL server (started by the test), plus what only PostgreSQL has: writers
 * outside Java ({@code psql}), NOTIFY waking the relay, writers without privileges on the outbox, TRUNCATE, its types.
 */
class PostgresTableTopicsTest extends TableTopicsContract {

    private static PostgresServer server;

    @BeforeAll
    static void startServer() {
        server = PostgresServer.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    String newDatabase() {
        return server.createDatabase();
    }

    @Override
    String user() {
        return "postgres";
    }

    /** As an administrator would: the whole script through psql. */
    @Override
    void runAsAdministrator(List<String> statements) {
        server.psql(url, Database.script(statements));
    }

    @Test
    void changesWrittenByPsqlArePublishedAndNotifyWakesTheRelayWithoutWaitingForThePoll() throws Exception {
        server.psql(url, "CREATE TABLE orders (id int PRIMARY KEY, item text, qty int)");
        long minute = 60_000;
        Database db = start(new DbConfig(url, user(), "", "", List.of("orders"), minute, true, 1000, 100), () -> true);
        db.snapshot("orders", 1); // the relay has started and LISTENs; from now on only NOTIFY can wake it in time
        long sent = System.nanoTime();
        server.psql(url, "BEGIN; INSERT INTO orders VALUES (1, 'tea', 2); INSERT INTO orders VALUES (2, 'cake', 1); "
                + "UPDATE orders SET qty = qty + 1; DELETE FROM orders WHERE id = 2; COMMIT;");
        List<JsonValue> got = sink.await("table:orders", 5, 10_000);
        long ms = (System.nanoTime() - sent) / 1_000_000;
        assertTrue(ms < 10_000, "woken by NOTIFY, not by the one-minute poll: " + ms + " ms");
        assertEquals(List.of("insert 1", "insert 2", "update 1", "update 2", "delete 2"), got.stream()
                .map(n -> n.asJsonObject().getString("op") + " " + n.asJsonObject().getJsonObject("key").getInt("id"))
                .toList());
        assertEquals(json("{\"id\":1,\"item\":\"tea\",\"qty\":3}"), got.get(2).asJsonObject().getJsonObject("row"));
    }

    @Test
    void aWriterWithoutPrivilegesOnTheOutboxCanWriteAndIsPublished() throws Exception {
        sql("CREATE TABLE orders (id int PRIMARY KEY)", "CREATE ROLE clerk", "GRANT INSERT ON orders TO clerk");
        start("orders");
        server.psql(url, "SET ROLE clerk; INSERT INTO orders VALUES (1)");
        sink.await("table:orders", 1, WAIT_MS);
    }

    @Test
    void anyProgramCanPublishThroughTheOutboxWithSql() throws Exception {
        start();
        server.psql(url, "BEGIN; INSERT INTO switchboard_outbox (topic, data) VALUES ('alerts', '{\"level\": \"high\"}'); "
                + "COMMIT; BEGIN; INSERT INTO switchboard_outbox (topic, data) VALUES ('alerts', '{\"no\": 1}'); ROLLBACK;"
                + "INSERT INTO switchboard_outbox (topic, data) VALUES ('bad topic!', '{}'), ('alerts', '{\"level\": \"low\"}')");
        List<JsonValue> got = sink.await("alerts", 2, WAIT_MS);
        assertEquals(List.of(json("{\"level\":\"high\"}"), json("{\"level\":\"low\"}")), got);
    }

    @Test
    void truncateIsPublishedAsADeletePerRowAndAKeyChangeCarriesTheOldKey() throws Exception {
        sql("CREATE TABLE pairs (a int, b text, n int, PRIMARY KEY (a, b))");
        start("pairs");
        sql("INSERT INTO pairs VALUES (1, 'x', 0), (2, 'y', 0)", "UPDATE pairs SET b = 'z' WHERE a = 1",
                "UPDATE pairs SET n = 5 WHERE a = 2", "TRUNCATE pairs");
        List<JsonValue> got = sink.await("table:pairs", 6, WAIT_MS);
        JsonObject keyChange = got.get(2).asJsonObject();
        assertEquals(json("{\"a\":1,\"b\":\"x\"}"), keyChange.get("oldKey"));
        assertEquals(json("{\"a\":1,\"b\":\"z\"}"), keyChange.get("key"));
        assertTrue(!got.get(3).asJsonObject().containsKey("oldKey"), "the key did not change: " + got.get(3));
        assertEquals(List.of("delete", "delete"), got.subList(4, 6).stream()
                .map(n -> n.asJsonObject().getString("op")).toList());
        assertEquals(List.of(), new TableFold(List.of("a", "b"), List.of()).applyAll(got).rows().values().stream().toList());
    }

    @Test
    void aRestartDoesNotWaitForTransactionsOnTheWatchedTables() throws Exception {
        sql("CREATE TABLE orders (id int PRIMARY KEY)");
        start("orders").close();
        try (java.sql.Connection open = connect()) {
            open.setAutoCommit(false);
            open.createStatement().execute("INSERT INTO orders VALUES (1)"); // recreating a trigger would wait for this
            assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () -> start("orders"));
            open.commit();
        }
        sink.await("table:orders", 1, WAIT_MS);
    }

    @Test
    void aColumnAddedWhileRunningGetsItsJsonForm() throws Exception {
        sql("CREATE TABLE orders (id int PRIMARY KEY)");
        start("orders");
        sql("ALTER TABLE orders ADD COLUMN at timestamptz, ADD COLUMN b bytea",
                "INSERT INTO orders VALUES (1, '2026-12-04 11:15:30.5+01', '\\x00')");
        assertEquals(json("{\"id\":1,\"at\":\"2026-12-04T10:15:30.500Z\",\"b\":\"AA==\"}"),
                sink.await("table:orders", 1, WAIT_MS).get(0).asJsonObject().getJsonObject("row"));
    }

    @Test
    void columnTypesBecomeTheContractsJson() throws Exception {
        sql("CREATE TABLE types (id bigint PRIMARY KEY, num numeric, small numeric, f8 float8, f4 real, ts timestamptz, "
                + "tsl timestamp, d date, b bytea, j jsonb, js json, flag boolean, txt text, nothing int, tags text[], "
                + "times timestamptz[], u uuid)");
        Database db = start("types");
        // a writer whose session formats things its own way: the published JSON does not change
        server.psql(url, "SET TIME ZONE 'Asia/Kolkata'; SET bytea_output = 'escape'; SET extra_float_digits = 0; "
                + "INSERT INTO types VALUES (1, 12345678901234567890.123456789, 0.0000001, 0.1, 1.1, "
                + "'2026-12-04 11:15:30.123456+01', '2026-12-04 10:15:30', '2026-12-04', '\\x01ff', '{\"a\": [1, 2]}', "
                + "'{\"b\": true}', true, 'hé \"quoted\"', NULL, '{a,b}', '{\"2026-12-04 10:15:30+00\"}', "
                + "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')");
        JsonObject row = sink.await("table:types", 1, WAIT_MS).get(0).asJsonObject().getJsonObject("row");
        assertEquals("{\"id\":1,\"num\":12345678901234567890.123456789,\"small\":1E-7,\"f8\":0.1,\"f4\":1.1,"
                + "\"ts\":\"2026-12-04T10:15:30.123456Z\",\"tsl\":\"2026-12-04T10:15:30.000Z\",\"d\":\"2026-12-04\","
                + "\"b\":\"Af8=\",\"j\":{\"a\":[1,2]},\"js\":{\"b\":true},\"flag\":true,\"txt\":\"hé \\\"quoted\\\"\","
                + "\"nothing\":null,\"tags\":[\"a\",\"b\"],\"times\":[\"2026-12-04T10:15:30.000Z\"],"
                + "\"u\":\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"}", row.toString());
        assertEquals(List.of(row), db.snapshot("types", 10).rows(), "snapshots and changes have one shape");
    }
}

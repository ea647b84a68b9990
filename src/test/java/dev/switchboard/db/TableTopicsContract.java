package dev.switchboard.db;

import dev.switchboard.testing.Poll;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The database contract of PROTOCOL.md ("Database topics"), against a real database with the real triggers and
 * relay: every committed change of a watched table reaches {@code table:NAME} once, in commit order per row, in the
 * contract's shape; snapshots are consistent with their offset; the outbox publishes after commit only. The sink is
 * a test double of the core's topic logs ({@link MemorySink}). Subclasses give the database.
 */
abstract class TableTopicsContract {

    static final long WAIT_MS = 30_000;
    static final long POLL_MS = 50;

    final MemorySink sink = new MemorySink();
    String url;
    private final List<Database> started = new ArrayList<>();

    /** The JDBC URL of a new, empty database. */
    abstract String newDatabase();

    abstract String user();

    @BeforeEach
    void freshDatabase() {
        url = newDatabase();
    }

    @AfterEach
    void stopRelays() {
        started.forEach(Database::close);
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user(), "");
    }

    void sql(String... statements) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    DbConfig config(String... watch) {
        return new DbConfig(url, user(), "", "", List.of(watch), POLL_MS, true, 1000, 100);
    }

    Database start(DbConfig config, BooleanSupplier isRelay) {
        Database db = Database.start(config, sink, isRelay);
        started.add(db);
        return db;
    }

    Database start(String... watch) {
        return start(config(watch), () -> true);
    }

    static JsonObject json(String text) {
        return ColumnJson.parse(text).asJsonObject();
    }

    @Test
    void everyCommittedChangeReachesItsTopicInOrderInTheContractsShape() throws Exception {
        sql("CREATE TABLE orders (id INT PRIMARY KEY, item VARCHAR(100), qty INT, at TIMESTAMP WITH TIME ZONE)");
        start("orders");
        sql("INSERT INTO orders VALUES (7, 'tea', 2, TIMESTAMP WITH TIME ZONE '2026-12-04 11:15:30.123+01')",
                "UPDATE orders SET qty = 3 WHERE id = 7");
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            c.createStatement().execute("INSERT INTO orders VALUES (8, 'rolled back', 1, NULL)");
            c.rollback();
        }
        sql("DELETE FROM orders WHERE id = 7");
        List<JsonValue> got = sink.await("table:orders", 3, WAIT_MS);
        assertEquals(List.of(
                "{\"op\":\"insert\",\"table\":\"orders\",\"key\":{\"id\":7},"
                        + "\"row\":{\"id\":7,\"item\":\"tea\",\"qty\":2,\"at\":\"2026-12-04T10:15:30.123Z\"}}",
                "{\"op\":\"update\",\"table\":\"orders\",\"key\":{\"id\":7},"
                        + "\"row\":{\"id\":7,\"item\":\"tea\",\"qty\":3,\"at\":\"2026-12-04T10:15:30.123Z\"}}",
                "{\"op\":\"delete\",\"table\":\"orders\",\"key\":{\"id\":7},"
                        + "\"row\":{\"id\":7,\"item\":\"tea\",\"qty\":3,\"at\":\"2026-12-04T10:15:30.123Z\"}}"),
                got.stream().map(JsonValue::toString).toList());
        assertEquals(3, started.get(0).snapshot("orders", 10).offset(), "nothing else, the rollback included");
    }

    @Test
    void concurrentWritersAndALongTransactionLoseNothingAndKeepEachRowsOrder() throws Exception {
        sql("CREATE TABLE counters (id INT PRIMARY KEY, v INT NOT NULL)");
        Database db = start("counters");
        for (int id = 1; id <= 10; id++) {
            sql("INSERT INTO counters VALUES (" + id + ", 0)");
        }
        int expected = 10;
        // a long transaction: its changes get low outbox ids but commit after hundreds of later ones
        try (Connection longTx = connect()) {
            longTx.setAutoCommit(false);
            for (int id = 1001; id <= 1010; id++) {
                longTx.createStatement().execute("INSERT INTO counters VALUES (" + id + ", 0)");
            }
            expected += 10;
            ExecutorService writers = Executors.newFixedThreadPool(4);
            List<Future<Integer>> done = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                done.add(writers.submit(() -> write(100)));
            }
            for (Future<Integer> f : done) {
                expected += f.get();
            }
            writers.shutdown();
            longTx.createStatement().execute("UPDATE counters SET v = v + 1 WHERE id = 1001");
            expected += 1;
            longTx.commit();
        }
        sink.await("table:counters", expected, WAIT_MS);
        assertEquals(expected, db.snapshot("counters", 100).offset(), "every change once, nothing more");
        Map<Integer, Integer> lastSeen = new HashMap<>();
        List<JsonValue> changes = sink.data("table:counters");
        for (JsonValue change : changes) {
            JsonObject row = change.asJsonObject().getJsonObject("row");
            int id = row.getInt("id");
            int v = row.getInt("v");
            assertEquals(lastSeen.getOrDefault(id, -1) + 1, v, "row " + id + " in commit order: " + change);
            lastSeen.put(id, v);
        }
        assertEquals(tableRows("SELECT id, v FROM counters"), lastSeen);
        assertEquals(changes.size(), sink.log("table:counters").stream().map(MemorySink.Stored::key).distinct().count());
    }

    /** {@code count} transactions of one or two row increments, in key order (no deadlocks); the changes made. */
    private int write(int count) throws SQLException {
        int changes = 0;
        try (Connection c = connect();
             PreparedStatement s = c.prepareStatement("UPDATE counters SET v = v + 1 WHERE id = ?")) {
            c.setAutoCommit(false);
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < count; i++) {
                int first = random.nextInt(1, 10);
                s.setInt(1, first);
                s.executeUpdate();
                changes++;
                if (random.nextBoolean()) {
                    s.setInt(1, random.nextInt(first + 1, 11));
                    s.executeUpdate();
                    changes++;
                }
                c.commit();
            }
        }
        return changes;
    }

    private Map<Integer, Integer> tableRows(String query) throws SQLException {
        Map<Integer, Integer> out = new HashMap<>();
        try (Connection c = connect(); ResultSet rs = c.createStatement().executeQuery(query)) {
            while (rs.next()) {
                out.put(rs.getInt(1), rs.getInt(2));
            }
        }
        return out;
    }

    @Test
    void changesCommittedWhileTheRelayWasStoppedArePublishedOnceWhenItIsBack() throws Exception {
        sql("CREATE TABLE notes (id INT PRIMARY KEY, body VARCHAR(100))");
        Database first = start("notes");
        sql("INSERT INTO notes VALUES (1, 'before')");
        sink.await("table:notes", 1, WAIT_MS);
        first.close();
        sql("INSERT INTO notes VALUES (2, 'while stopped')", "UPDATE notes SET body = 'changed' WHERE id = 1",
                "DELETE FROM notes WHERE id = 2");
        Database second = start("notes");
        List<JsonValue> got = sink.await("table:notes", 4, WAIT_MS);
        assertEquals(List.of("insert", "insert", "update", "delete"),
                got.stream().map(n -> n.asJsonObject().getString("op")).toList());
        assertEquals(4, second.snapshot("notes", 10).offset());
    }

    @Test
    void whileTheStoreIsUnreachableChangesWaitAndArePublishedOnceWhenItIsBack() throws Exception {
        sql("CREATE TABLE notes (id INT PRIMARY KEY, body VARCHAR(100))");
        Database db = start("notes");
        sink.failing(true);
        sql("INSERT INTO notes VALUES (1, 'a')", "INSERT INTO notes VALUES (2, 'b')", "INSERT INTO notes VALUES (3, 'c')");
        Poll.until(() -> sink.publishCalls() >= 2, "the relay tried (and failed) twice", Duration.ofMillis(WAIT_MS));
        assertEquals(0, sink.head("table:notes"));
        assertThrows(DatabaseUnavailableException.class, () -> db.snapshot("notes", 10));
        sink.failing(false);
        List<JsonValue> got = sink.await("table:notes", 3, WAIT_MS);
        assertEquals(List.of(1, 2, 3), got.stream().map(n -> n.asJsonObject().getJsonObject("key").getInt("id")).toList());
        assertEquals(3, db.snapshot("notes", 10).offset());
    }

    @Test
    void aSnapshotIsConsistentWithItsOffsetWhileWritersRun() throws Exception {
        sql("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(50), n INT NOT NULL)");
        Database db = start("items");
        ExecutorService writers = Executors.newFixedThreadPool(3);
        List<Future<Integer>> done = new ArrayList<>();
        List<Snapshot> snapshots = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int w = 0; w < 3; w++) {
            done.add(writers.submit(() -> churn(150, () -> snapshots.size() >= 10)));
        }
        while (done.stream().anyMatch(f -> !f.isDone())) {
            snapshots.add(db.snapshot("items", 1000));
        }
        for (Future<Integer> f : done) {
            f.get();
        }
        writers.shutdown();
        Snapshot last = db.snapshot("items", 1000);
        assertFalse(last.truncated());
        List<JsonValue> changes = sink.data("table:items");
        assertEquals(last.offset(), changes.size());
        List<String> key = List.of("id");
        for (Snapshot s : snapshots) {
            assertEquals(byKey(s.rows()), new TableFold(key, List.of()).applyAll(changes.subList(0, (int) s.offset()))
                    .rows(), "the rows are the changes up to offset " + s.offset());
            assertEquals(byKey(last.rows()), new TableFold(key, s.rows())
                    .applyAll(changes.subList((int) s.offset(), changes.size())).rows(),
                    "the rows at offset " + s.offset() + " and the changes after it are the table");
        }
        assertEquals(tableRows("SELECT id, n FROM items"), last.rows().stream()
                .collect(java.util.stream.Collectors.toMap(r -> r.getInt("id"), r -> r.getInt("n"))));
    }

    private static Map<JsonValue, JsonObject> byKey(List<JsonObject> rows) {
        return new TableFold(List.of("id"), rows).rows();
    }

    /**
     * Random inserts, updates, key changes and deletes of ids 1-40, at least {@code count} and until {@code enough}
     * (the snapshots taken meanwhile); conflicts are rolled back and skipped.
     */
    private int churn(int count, BooleanSupplier enough) throws SQLException {
        int changes = 0;
        try (Connection c = connect(); Statement s = c.createStatement()) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < count || !enough.getAsBoolean(); i++) {
                int id = random.nextInt(1, 41);
                String statement = switch (random.nextInt(5)) {
                    case 0, 1 -> "INSERT INTO items VALUES (" + id + ", 'item " + id + "', 0)";
                    case 2 -> "UPDATE items SET n = n + 1 WHERE id = " + id;
                    case 3 -> "UPDATE items SET id = " + random.nextInt(1, 41) + " WHERE id = " + id;
                    default -> "DELETE FROM items WHERE id = " + id;
                };
                try {
                    changes += s.executeUpdate(statement);
                } catch (SQLException duplicateKey) {
                    // another writer has that id: nothing changed
                }
            }
        }
        return changes;
    }

    @Test
    void aSnapshotHoldsAtMostTheLimitInKeyOrder() throws Exception {
        sql("CREATE TABLE letters (id VARCHAR(5) PRIMARY KEY, n INT)");
        Database db = start("letters");
        sql("INSERT INTO letters VALUES ('c', 3)", "INSERT INTO letters VALUES ('a', 1)", "INSERT INTO letters VALUES ('b', 2)",
                "INSERT INTO letters VALUES ('d', 4)");
        Snapshot s = db.snapshot("letters", 3);
        assertEquals(List.of("a", "b", "c"), s.rows().stream().map(r -> r.getString("id")).toList());
        assertTrue(s.truncated());
        assertEquals(4, s.offset());
        Snapshot all = db.snapshot("letters", 4);
        assertFalse(all.truncated());
        assertEquals(4, all.rows().size());
        assertThrows(IllegalArgumentException.class, () -> db.snapshot("nosuch", 4));
    }

    @Test
    void theOutboxPublishesAfterCommitOnlyAndOnce() throws Exception {
        Database db = start();
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            db.outbox().write(c, "orders", json("{\"id\":42,\"status\":\"shipped\",\"total\":12.50}"));
            c.commit();
            db.outbox().write(c, "orders", json("{\"id\":43,\"status\":\"rolled back\"}"));
            c.rollback();
            db.outbox().write(c, "orders", json("{\"id\":44}"));
            c.commit();
            assertThrows(IllegalArgumentException.class, () -> db.outbox().write(c, "table:orders", json("{}")));
            assertThrows(IllegalArgumentException.class, () -> db.outbox().write(c, "bad topic", json("{}")));
        }
        List<JsonValue> got = sink.await("orders", 2, WAIT_MS);
        assertEquals(List.of("{\"id\":42,\"status\":\"shipped\",\"total\":12.50}", "{\"id\":44}"),
                got.stream().map(JsonValue::toString).toList());
        Poll.until(() -> db.published() == 2, "the relay is done");
        assertEquals(2, sink.head("orders"));
    }

    @Test
    void onlyTheLeaseHolderRelaysAndAnotherTakesOverWhenItStops() throws Exception {
        sql("CREATE TABLE jobs (id INT PRIMARY KEY)");
        TestLease lease = new TestLease();
        long ttl = 2000;
        assertTrue(lease.lead("a", ttl));
        Database a = start(config("jobs"), () -> lease.lead("a", ttl));
        Database b = start(config("jobs"), () -> lease.lead("b", ttl));
        for (int id = 1; id <= 20; id++) {
            sql("INSERT INTO jobs VALUES (" + id + ")");
        }
        sink.await("table:jobs", 20, WAIT_MS);
        Poll.until(() -> a.published() == 20, "a counted what it relayed");
        assertEquals(0, b.published(), "b did not relay while a held the lease");
        a.close();
        for (int id = 21; id <= 40; id++) {
            sql("INSERT INTO jobs VALUES (" + id + ")");
        }
        List<JsonValue> got = sink.await("table:jobs", 40, WAIT_MS);
        Poll.until(() -> b.published() == 20, "b relayed the rest");
        List<Integer> ids = got.stream().map(n -> n.asJsonObject().getJsonObject("key").getInt("id")).toList();
        assertEquals(java.util.stream.IntStream.rangeClosed(1, 40).boxed().toList(), ids);
    }

    @Test
    void twoRelaysAtOnceStillPublishEachChangeOnceInCommitOrder() throws Exception {
        sql("CREATE TABLE jobs (id INT PRIMARY KEY)");
        Database a = start(config("jobs"), () -> true);
        Database b = start(config("jobs"), () -> true); // no lease: as if a lease had been lost in a long pause
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement("INSERT INTO jobs VALUES (?)")) {
            for (int id = 1; id <= 300; id++) {
                s.setInt(1, id);
                s.executeUpdate();
            }
        }
        List<JsonValue> got = sink.await("table:jobs", 300, WAIT_MS);
        assertEquals(300, a.snapshot("jobs", 1).offset(), "nothing twice");
        assertEquals(java.util.stream.IntStream.rangeClosed(1, 300).boxed().toList(),
                got.stream().map(n -> n.asJsonObject().getJsonObject("key").getInt("id")).toList());
        Poll.until(() -> a.published() + b.published() >= 300, "both counted");
    }

    @Test
    void aTableNoLongerWatchedLosesItsTrigger() throws Exception {
        sql("CREATE TABLE kept (id INT PRIMARY KEY)", "CREATE TABLE dropped (id INT PRIMARY KEY)");
        start("kept", "dropped").close();
        Database db = start("kept");
        sql("INSERT INTO dropped VALUES (1)", "INSERT INTO kept VALUES (1)");
        sink.await("table:kept", 1, WAIT_MS);
        assertEquals(1, db.snapshot("kept", 1).offset());
        assertEquals(0, sink.head("table:dropped"));
        assertEquals(0, db.dropped(), "no change of the dropped table was even written");
    }

    @Test
    void aMissingTableOrOneWithoutPrimaryKeyStopsTheStartNamingIt() throws Exception {
        sql("CREATE TABLE nokey (a INT)", "CREATE TABLE fine (id INT PRIMARY KEY)");
        DatabaseSetupException e = assertThrows(DatabaseSetupException.class, () -> start("fine", "nosuch", "nokey"));
        assertTrue(e.getMessage().contains("'nosuch'") && e.getMessage().contains("does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("'nokey'") && e.getMessage().contains("no primary key"), e.getMessage());
        assertFalse(e.getMessage().contains("'fine'"), e.getMessage());
    }

    @Test
    void withInstallOffNothingIsCreatedAndTheStartSaysWhatIsMissing() throws Exception {
        sql("CREATE TABLE orders (id INT PRIMARY KEY)");
        DbConfig manual = new DbConfig(url, user(), "", "", List.of("orders"), POLL_MS, false, 1000, 100);
        DatabaseSetupException e = assertThrows(DatabaseSetupException.class, () -> start(manual, () -> true));
        assertTrue(e.getMessage().contains("dbInstall=false") && e.getMessage().contains(OutboxTable.OUTBOX), e.getMessage());
        runAsAdministrator(Database.installSql(manual));
        start(manual, () -> true);
        sql("INSERT INTO orders VALUES (1)");
        sink.await("table:orders", 1, WAIT_MS);
    }

    /** Runs install or uninstall SQL the way an administrator would. */
    void runAsAdministrator(List<String> statements) throws SQLException {
        sql(statements.toArray(String[]::new));
    }

    @Test
    void afterUninstallTheTablesAreGoneAndWritesStillWork() throws Exception {
        sql("CREATE TABLE orders (id INT PRIMARY KEY)");
        start("orders").close();
        runAsAdministrator(Database.uninstallSql(config("orders")));
        sql("INSERT INTO orders VALUES (1)");
        try (Connection c = connect(); ResultSet rs = c.getMetaData().getTables(null, null, "%", null)) {
            List<String> names = new ArrayList<>();
            while (rs.next()) {
                names.add(rs.getString("TABLE_NAME").toLowerCase(java.util.Locale.ROOT));
            }
            assertTrue(names.contains("orders"), names.toString());
            assertFalse(new HashSet<>(names).removeAll(List.of(OutboxTable.OUTBOX, OutboxTable.RELAY)), names.toString());
        }
    }
}

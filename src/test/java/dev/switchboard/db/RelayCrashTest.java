package dev.switchboard.db;

import dev.switchboard.testing.Poll;
import dev.switchboard.testing.PostgresServer;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * kill -9 of a relaying JVM after it published part or all of a batch and before it deleted it: a new relay
 * publishes the rest, nothing twice (the de-duplication key) and nothing lost, in order.
 */
class RelayCrashTest {

    private static final int ROWS = 50;
    private static final int BATCH = 20;
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

    @ParameterizedTest(name = "killed after storing {0} of the first batch of " + BATCH)
    @ValueSource(ints = {7, BATCH})
    void aRelayKilledBetweenPublishingAndDeletingLosesNothingAndRepeatsNothing(int killedAfter) throws Exception {
        String url = server.createDatabase();
        server.psql(url, "CREATE TABLE events (id int PRIMARY KEY, n int)");
        DbConfig config = new DbConfig(url, "postgres", "", "", List.of("events"), 50, true, 1000, BATCH);
        server.psql(url, Database.script(Database.installSql(config)));
        server.psql(url, "INSERT INTO events SELECT g, 0 FROM generate_series(1, " + ROWS + ") AS g");
        MemorySink sink = new MemorySink();
        try (SinkServer sinks = new SinkServer(sink)) {
            Process first = child(url, sinks.port(), "first-" + killedAfter);
            sinks.killAfter(killedAfter, first);
            assertFalse(!first.waitFor(60, TimeUnit.SECONDS) || first.isAlive(), "killed");
            assertEquals(killedAfter, sink.head("table:events"));
            assertEquals(ROWS, count(url, "SELECT count(*) FROM switchboard_outbox"), "nothing deleted by the dead relay");
            sinks.killAfter(-1, null);
            Process second = child(url, sinks.port(), "second-" + killedAfter);
            try {
                sink.await("table:events", ROWS, 60_000);
                Poll.until(() -> count(url, "SELECT count(*) FROM switchboard_outbox") == 0, "the outbox is empty",
                        Duration.ofSeconds(30));
            } finally {
                second.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        List<JsonValue> got = sink.data("table:events");
        List<Integer> ids = new ArrayList<>();
        got.forEach(n -> ids.add(n.asJsonObject().getJsonObject("key").getInt("id")));
        assertEquals(IntStream.rangeClosed(1, ROWS).boxed().toList(), ids, "each once, in order");
    }

    private static Process child(String url, int port, String name) throws Exception {
        Path log = Path.of("target", "db-crash", name + ".log");
        Files.createDirectories(log.getParent());
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-XX:TieredStopAtLevel=1", "-cp", classPath, RelayChild.class.getName(), url, "postgres",
                Integer.toString(port), "events", Integer.toString(BATCH))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static long count(String url, String query) {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); ResultSet rs = c.createStatement()
                .executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}

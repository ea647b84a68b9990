package dev.switchboard.standalone;

import dev.switchboard.settings.Settings;
import dev.switchboard.testing.Hubs;
import dev.switchboard.testing.TableMirror;
import dev.switchboard.testing.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runner's embedded default ({@code mvn compile exec:java} with no database configured): an in-memory H2 with
 * the demo table, watched, whose writer changes it; a newcomer's page sees a change at once. And where it does not
 * apply: the user's own database, a cluster, demos off.
 */
class EmbeddedDatabaseTest {

    @Test
    void withNoDatabaseConfiguredTheDemoTableIsWatchedAndChangesArrive() throws Exception {
        EmbeddedDatabase embedded = EmbeddedDatabase.of(Hubs.settings(Map.of("demoIntervalMs", "100",
                "statsIntervalMs", "0", "dbPollMs", "50")));
        assertNotNull(embedded, "no dbUrl, no redisUrl, demos on: the embedded default");
        assertEquals(EmbeddedDatabase.URL, embedded.settings().get(Settings.Key.DB_URL));
        assertEquals("demo_orders", embedded.settings().get(Settings.Key.DB_WATCH));
        embedded.create();
        try (Runner runner = Runner.start(embedded.settings(), "127.0.0.1", 0, null)) {
            embedded.startWriter();
            try (WsClient ann = WsClient.connect(URI.create("ws://127.0.0.1:" + runner.port()
                    + "/ws/notifications?name=ann"))) {
                ann.send(Json.createObjectBuilder().add("type", "subscribe").add("topic", "table:demo_orders")
                        .add("snapshot", true).build().toString());
                JsonObject subscribed = ann.expect("subscribed");
                TableMirror mirror = new TableMirror(List.of("id"), subscribed);
                assertTrue(mirror.rows().size() >= 3, "the demo table has rows: " + subscribed);
                for (int i = 0; i < 3; i++) {
                    mirror.apply(ann.expect("notification")); // the writer changes it every demoIntervalMs
                }
                JsonObject row = mirror.rows().values().iterator().next();
                assertTrue(row.containsKey("item") && row.containsKey("qty") && row.containsKey("price")
                        && row.getString("updated").endsWith("Z"), row.toString());
            }
        } finally {
            embedded.close();
        }
    }

    @Test
    void itStaysOffWithTheUsersDatabaseInAClusterWithDemosOffAndInTests() {
        assertNull(EmbeddedDatabase.of(Hubs.settings(Map.of("dbUrl", "jdbc:postgresql://db/shop"))));
        assertNull(EmbeddedDatabase.of(Hubs.settings(Map.of("dbDataSource", "java:comp/env/jdbc/app"))));
        assertNull(EmbeddedDatabase.of(Hubs.settings(Map.of("redisUrl", "redis://127.0.0.1:6379"))),
                "every node would have a database of its own");
        assertNull(EmbeddedDatabase.of(Hubs.settings(Map.of("demoIntervalMs", "0"))));
        assertEquals("orders, items", EmbeddedDatabase.of(Hubs.settings(Map.of("dbWatch", "orders, items")))
                .settings().get(Settings.Key.DB_WATCH), "a dbWatch of the user's is kept");
    }
}

package dev.switchboard.it;

import dev.switchboard.testing.Http;
import dev.switchboard.testing.PostgresServer;
import dev.switchboard.testing.Scenarios;
import dev.switchboard.testing.TableMirror;
import dev.switchboard.testing.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.URL;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 16 in the shipped WAR: configured with {@code dbUrl} of a real PostgreSQL (started here before the
 * deployment, with the table it watches), the WAR in the container publishes every change a {@code psql} writer
 * commits, answers snapshots, lists its tables, and refuses publishers of {@code table:} topics.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DatabaseTopicsIT {

    private static PostgresServer postgres;
    private static String database;

    @Deployment(testable = false)
    static WebArchive deployment() {
        postgres = PostgresServer.start();
        database = postgres.createDatabase();
        postgres.psql(database, "CREATE TABLE orders (id int PRIMARY KEY, item text, qty int); "
                + "INSERT INTO orders VALUES (1, 'tea', 2), (2, 'cake', 1)");
        return Deployments.shippedWar(Map.of("publisherKey", Deployments.PUBLISHER_KEY, "demoIntervalMs", "0",
                "dbUrl", database, "dbUser", "postgres", "dbWatch", "orders"));
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @ArquillianResource
    private URL url;

    @Test
    void aSnapshotThenEveryChangeAPsqlWriterCommits() {
        try (WsClient ann = WsClient.connect(URI.create(Scenarios.ws(Deployments.base(url), "ws/notifications")
                + "?name=ann"))) {
            ann.send(Json.createObjectBuilder().add("type", "subscribe").add("topic", "table:orders")
                    .add("snapshot", true).build().toString());
            TableMirror mirror = new TableMirror(List.of("id"), ann.expect("subscribed"));
            assertEquals("tea", mirror.row("id", Json.createValue(1)).getString("item"));
            postgres.psql(database, "BEGIN; INSERT INTO orders VALUES (3, 'scone', 1); "
                    + "UPDATE orders SET qty = qty + 1 WHERE id = 1; DELETE FROM orders WHERE id = 2; COMMIT;");
            for (int i = 0; i < 3; i++) {
                mirror.apply(ann.expect("notification"));
            }
            assertEquals(Map.of("{\"id\":1}", "{\"id\":1,\"item\":\"tea\",\"qty\":3}",
                    "{\"id\":3}", "{\"id\":3,\"item\":\"scone\",\"qty\":1}"),
                    mirror.rows().entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                            e -> e.getValue().toString())));
        }
    }

    @Test
    void theWarListsItsTablesAndRefusesPublishersOfTheirTopics() {
        URI base = Deployments.base(url);
        Http.Reply tables = Http.get(base.resolve("api/tables"), null);
        assertEquals(200, tables.status(), tables.body());
        assertEquals("{\"tables\":[{\"name\":\"orders\",\"topic\":\"table:orders\",\"key\":[\"id\"]}]}", tables.body());
        Http.Reply post = Http.post(base.resolve("api/topics/table:orders"), Deployments.PUBLISHER_KEY, "{}");
        assertEquals(403, post.status(), post.body());
        try (WsClient bob = WsClient.connect(URI.create(Scenarios.ws(base, "ws/notifications") + "?name=bob"))) {
            bob.send("type", "subscribe", "topic", "table:nosuch");
            assertEquals("not_found", bob.expect("error").getString("code"));
        }
    }
}

package dev.switchboard.it;

import dev.switchboard.testing.Http;
import dev.switchboard.testing.Scenarios;
import dev.switchboard.testing.WsClient;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.URL;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16: with {@code dbDataSource} set, a notification published inside a JTA transaction is written into
 * Switchboard's outbox by that transaction (so it survives a crash right after the commit): the transaction itself
 * sees the outbox row, a commit delivers it once and the stage completes with its offset, a rollback leaves neither
 * row nor notification. The shipped WAR with {@code dbDataSource=java:comp/DefaultDataSource} (Payara's H2) and
 * {@link TransactionalNotificationsServlet}. Tag {@code jta}: containers with JTA.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@Tag("jta")
class DurableTransactionalNotificationsIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.shippedWar(Map.of("publisherKey", Deployments.PUBLISHER_KEY, "demoIntervalMs", "0",
                "dbDataSource", "java:comp/DefaultDataSource")).addClass(TransactionalNotificationsServlet.class);
    }

    @ArquillianResource
    private URL url;

    private URI base() {
        return Deployments.base(url);
    }

    private JsonObject call(String via, String tx, String topic, String id) {
        Http.Reply reply = Http.post(base().resolve("it/tx?outbox=1&via=" + via + "&tx=" + tx + "&topic=" + topic
                + "&id=" + id + "&value=" + via), null, "");
        assertEquals(200, reply.status(), reply.body());
        return Scenarios.json(reply.body());
    }

    @Test
    void aJtaPublishGoesThroughTheOutboxInTheTransaction() {
        String topic = "durable-" + System.nanoTime();
        try (WsClient sub = WsClient.connect(URI.create(Scenarios.ws(base(), "ws/notifications") + "?name=watcher"))) {
            sub.send("type", "subscribe", "topic", topic);
            sub.expect("subscribed");
            long offset = 0;
            for (String via : new String[] {"static", "notifier", "event"}) {
                JsonObject committed = call(via, "commit", topic, via + "-1");
                assertEquals(1, committed.getInt("outboxInTransaction"), "written by the transaction: " + committed);
                assertEquals(1, committed.getInt("rows"), committed.toString());
                offset++;
                if (!via.equals("event")) {
                    assertEquals(offset, committed.getJsonNumber("offset").longValue(), "the stage knows its offset");
                }
                JsonObject n = sub.expect("notification");
                assertEquals(offset, n.getJsonNumber("offset").longValue(), n.toString());
                assertEquals(via + "-1", n.getJsonObject("data").getString("id"));

                JsonObject rolledBack = call(via, "rollback", topic, via + "-2");
                assertEquals(1, rolledBack.getInt("outboxInTransaction"), rolledBack.toString());
                assertEquals(0, rolledBack.getInt("rows"), rolledBack.toString());
                if (!via.equals("event")) {
                    assertTrue(rolledBack.getBoolean("rolledBack"), rolledBack.toString());
                    assertFalse(rolledBack.containsKey("offset"), rolledBack.toString());
                }
                // a marker outside any transaction is the very next notification: the rolled-back one never comes
                String marker = "marker-" + via;
                assertEquals(offset + 1, call("static", "none", topic, marker).getJsonNumber("offset").longValue());
                offset++;
                JsonObject next = sub.expect("notification");
                assertEquals(marker, next.getJsonObject("data").getString("id"), next.toString());
            }
        }
    }
}

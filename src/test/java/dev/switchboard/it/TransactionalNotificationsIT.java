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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 3: notifications published inside a JTA transaction are delivered after it commits and never when it rolls
 * back, whichever way they are published ({@code Notifications.publish}, an injected {@code Notifier}, a fired
 * {@code Notify} event). The shipped WAR plus {@link TransactionalNotificationsServlet}, which writes a row through
 * {@code java:comp/DefaultDataSource} in a {@code UserTransaction}; a real WebSocket subscriber outside watches.
 * Absence is proven with a barrier: a non-transactional marker published afterwards must be the very next frame,
 * and must take the offset the rolled-back notification would have had.
 * Tag {@code jta}: Payara (every build), GlassFish and WildFly ({@code -Pmore-containers}); not Tomcat or Jetty.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@Tag("jta")
class TransactionalNotificationsIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.shippedWar().addClass(TransactionalNotificationsServlet.class);
    }

    @ArquillianResource
    private URL url;

    private URI base() {
        return Deployments.base(url);
    }

    private static String unique(String prefix) {
        return prefix + "-" + System.nanoTime();
    }

    private WsClient subscriber(String topic) {
        WsClient sub = WsClient.connect(URI.create(Scenarios.ws(base(), "ws/notifications") + "?name=watcher"));
        sub.send("type", "subscribe", "topic", topic);
        sub.expect("subscribed");
        return sub;
    }

    /** Asks the servlet to publish {@code {"id":id,"value":value}} to topic via ... inside a transaction ending tx. */
    private JsonObject call(String via, String tx, String topic, String id) {
        Http.Reply reply = Http.post(base().resolve("it/tx?via=" + via + "&tx=" + tx + "&topic=" + topic + "&id=" + id
                + "&value=" + via + "-" + tx), null, "");
        assertEquals(200, reply.status(), reply.body());
        return Scenarios.json(reply.body());
    }

    private static void assertNotification(WsClient sub, long offset, String id) {
        JsonObject n = sub.expect("notification");
        assertEquals(offset, n.getJsonNumber("offset").longValue(), n.toString());
        assertEquals(id, n.getJsonObject("data").getString("id"), n.toString());
    }

    /** The servlet's answer for a committed transaction: the row is there, the stage completed with the offset. */
    private static void assertCommitted(JsonObject answer, long offset) {
        assertEquals(1, answer.getInt("rows"), "the row was committed: " + answer);
        assertEquals(offset, answer.getJsonNumber("offset").longValue(), "the stage completed with the offset: " + answer);
    }

    /** The servlet's answer for a rolled-back transaction: no row, the stage failed with RolledBackException. */
    private static void assertRolledBack(JsonObject answer) {
        assertEquals(0, answer.getInt("rows"), "the row was rolled back: " + answer);
        assertTrue(answer.getBoolean("rolledBack", false), "the stage failed with RolledBackException: " + answer);
        assertFalse(answer.containsKey("offset"), answer.toString());
    }

    /** A marker published outside any transaction is the next frame, at the next offset: nothing came before it. */
    private void assertNothingBeforeMarker(WsClient sub, String topic, long expectedOffset) {
        String marker = unique("marker");
        JsonObject published = call("static", "none", topic, marker);
        assertEquals(expectedOffset, published.getJsonNumber("offset").longValue(), published.toString());
        assertNotification(sub, expectedOffset, marker);
    }

    @Test
    void aCommittedTransactionDeliversItsNotificationAndKeepsItsRow() {
        String topic = unique("orders");
        String id = unique("order");
        try (WsClient sub = subscriber(topic)) {
            assertCommitted(call("static", "commit", topic, id), 1);
            JsonObject n = sub.expect("notification");
            assertEquals(1, n.getJsonNumber("offset").longValue());
            assertEquals(id, n.getJsonObject("data").getString("id"));
            assertEquals("static-commit", n.getJsonObject("data").getString("value"));
        }
    }

    @Test
    void aRolledBackTransactionDeliversNothingAndLeavesNoRow() {
        String topic = unique("orders");
        String id = unique("order");
        try (WsClient sub = subscriber(topic)) {
            assertRolledBack(call("static", "rollback", topic, id));
            assertNothingBeforeMarker(sub, topic, 1);
        }
    }

    @Test
    void theInjectedNotifierPublishesAndFollowsTheTransaction() {
        String topic = unique("orders");
        try (WsClient sub = subscriber(topic)) {
            String outside = unique("order");
            assertEquals(1, call("notifier", "none", topic, outside).getJsonNumber("offset").longValue());
            assertNotification(sub, 1, outside);

            String committed = unique("order");
            assertCommitted(call("notifier", "commit", topic, committed), 2);
            assertNotification(sub, 2, committed);

            assertRolledBack(call("notifier", "rollback", topic, unique("order")));
            assertNothingBeforeMarker(sub, topic, 3);
        }
    }

    @Test
    void aNotifyEventFiredInATransactionArrivesOnlyWhenItCommits() {
        String topic = unique("orders");
        try (WsClient sub = subscriber(topic)) {
            String committed = unique("order");
            assertEquals(1, call("event", "commit", topic, committed).getInt("rows"));
            assertNotification(sub, 1, committed);

            assertEquals(0, call("event", "rollback", topic, unique("order")).getInt("rows"));
            assertNothingBeforeMarker(sub, topic, 2);

            String outside = unique("order");
            call("event", "none", topic, outside);
            assertNotification(sub, 3, outside);
        }
    }
}

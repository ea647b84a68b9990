package dev.switchboard.it;

import dev.switchboard.testing.FormLogin;
import dev.switchboard.testing.Http;
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
import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Switchboard as ONE dependency of someone else's application ({@link Deployments#hostApp()}: the classes jar in
 * WEB-INF/lib, the host's own FORM login, servlets and page, Switchboard moved under /switchboard/, guests off), in
 * Tomcat and in Payara Micro (one class per container: one Payara boot). docs/integration.md names these tests.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HostApplicationIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.hostApp();
    }

    @ArquillianResource
    private URL url;

    private URI base() {
        return Deployments.base(url);
    }

    private URI ws(String path) {
        return URI.create(base().resolve(path).toString().replaceFirst("^http", "ws"));
    }

    private FormLogin login() {
        return FormLogin.login(base(), "secure/index.html", Deployments.USER, Deployments.PASSWORD);
    }

    /** Step 1: the jar switches itself on; its client, API and endpoints answer at the paths the host chose. */
    @Test
    void theJarServesItsClientAndApiAtTheHostsPaths() {
        Http.Reply script = Http.get(base().resolve("switchboard/js/switchboard.js"), null);
        assertEquals(200, script.status());
        assertTrue(script.body().contains("export"), script.body());
        assertEquals(200, Http.get(base().resolve("switchboard/js/switchboard/connection.js"), null).status());
        assertTrue(Http.get(base().resolve("switchboard/api/health"), null).body().contains("\"UP\""));
        assertEquals(404, Http.get(base().resolve("api/health"), null).status(), "nothing left at the default /api");
        HttpResponse<String> page = login().get("secure/index.html");
        assertTrue(page.body().contains("../switchboard/js/switchboard.js"), page.body());
    }

    /** Step 2: the chat user is the host's logged-in user; the user's name wins over ?name=. */
    @Test
    void aLoggedInUserChatsUnderTheirLoginName() {
        FormLogin alice = login();
        try (WsClient chat = WsClient.connect(ws("switchboard/ws/chat?name=mallory"), alice.cookieHeader())) {
            assertEquals(Deployments.USER, chat.user());
            chat.send("type", "join", "room", "host-lobby").expect("joined");
            chat.send("type", "say", "room", "host-lobby", "text", "hello from the host app");
            JsonObject message = chat.await("message");
            assertEquals(Deployments.USER, message.getString("from"));
        }
    }

    /** Step 2: guests=false, so a client without a login (or with a made-up name) is closed with 4401. */
    @Test
    void anAnonymousClientIsRefused() {
        for (String path : new String[] {"switchboard/ws/chat", "switchboard/ws/notifications?name=eve"}) {
            try (WsClient anonymous = WsClient.open(ws(path), Map.of())) {
                assertEquals(4401, anonymous.awaitClose(), path);
            }
        }
    }

    /**
     * Step 2: logging out (request.logout() and session.invalidate()) closes that login's sockets with 4401. The
     * container may close one first with 1008 (JSR 356): Payara's Tyrus does so for the most recently opened socket of
     * the session, before any application listener runs; Tomcat lets Switchboard's listener go first. Three rounds.
     */
    @Test
    void loggingOutClosesTheUsersSocketsWith4401() {
        boolean tomcat = "tomcat".equals(System.getProperty("arquillian.launch", "tomcat"));
        for (int round = 0; round < 3; round++) {
            FormLogin alice = login();
            try (WsClient chat = WsClient.connect(ws("switchboard/ws/chat"), alice.cookieHeader());
                 WsClient live = WsClient.connect(ws("switchboard/ws/notifications"), alice.cookieHeader())) {
                chat.send("type", "join", "room", "host-logout").expect("joined");
                assertEquals(200, alice.get("logout").statusCode());
                assertEquals(4401, chat.awaitClose(), "chat, opened first, round " + round);
                int last = live.awaitClose();
                assertTrue(last == 4401 || !tomcat && last == 1008, "notifications, round " + round + ": " + last);
            }
        }
    }

    /** Step 3: the host's own servlet publishes with Notifications.publish (no transaction: delivered at once). */
    @Test
    void theHostsServletPublishesToASubscriber() {
        FormLogin alice = login();
        try (WsClient live = WsClient.connect(ws("switchboard/ws/notifications"), alice.cookieHeader())) {
            live.send("type", "subscribe", "topic", "host-plain").expect("subscribed");
            String answer = alice.get("secure/publish?topic=host-plain&n=1").body();
            assertTrue(answer.contains("\"published\""), answer);
            JsonObject n = live.await("notification");
            assertEquals(1, n.getJsonObject("data").getInt("n"));
            assertEquals(Deployments.USER, n.getJsonObject("data").getString("by"));
        }
    }

    /** Step 3 (JTA): inside the host's transaction: delivered after commit, never after rollback. */
    @Test
    @Tag("jta")
    void publishedInsideTheHostsTransactionArrivesAfterCommitAndNeverAfterRollback() {
        onlyTheCommittedOneArrives("host-tx", "api", "{\"pendingBeforeEnd\":true,\"outcome\":\"rolledBack\"}",
                "{\"pendingBeforeEnd\":true,\"outcome\":\"published\"}");
    }

    /** Step 3 (CDI + JTA): a Notify event fired in the transaction is observed by Notifier and sent after commit. */
    @Test
    @Tag("jta")
    void aNotifyEventFiredInTheHostsTransactionArrivesAfterCommitOnly() {
        onlyTheCommittedOneArrives("host-cdi", "cdi", "{\"pendingBeforeEnd\":true,\"outcome\":\"rolledBack\"}",
                "{\"pendingBeforeEnd\":true,\"outcome\":\"committed\"}");
    }

    /** Publishes n=1 in a transaction that rolls back, then n=2 in one that commits: the first arrival is n=2. */
    private void onlyTheCommittedOneArrives(String topic, String via, String rolledBackAnswer, String committedAnswer) {
        FormLogin alice = login();
        try (WsClient live = WsClient.connect(ws("switchboard/ws/notifications"), alice.cookieHeader())) {
            live.send("type", "subscribe", "topic", topic).expect("subscribed");
            String publish = "secure/publish?topic=" + topic + "&via=" + via;
            assertEquals(rolledBackAnswer, alice.get(publish + "&n=1&tx=rollback").body());
            assertEquals(committedAnswer, alice.get(publish + "&n=2&tx=commit").body());
            JsonObject first = live.await("notification");
            assertEquals(2, first.getJsonObject("data").getInt("n"), "the rolled-back one never arrives: " + first);
            assertEquals(1, first.getInt("offset"));
        }
    }
}

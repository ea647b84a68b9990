package dev.switchboard.it;


import dev.switchboard.testing.CloseResult;
import dev.switchboard.testing.FormLogin;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.RawWebSocket;
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

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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

    private static final Duration T = Duration.ofSeconds(10);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.hostApp();
    }

    @ArquillianResource
    private URL url;

    private URI base() {
        return Deployments.base(url, "host");
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
     * Step 2: logging out closes every socket of that login with 4401, however the host logs out: request.logout()
     * then session.invalidate() (what most applications do), only session.invalidate(), only request.logout(). The
     * container would close them too, with 1008 (JSR 356; Payara's Tyrus does it for the most recently opened socket
     * of the session, before any application listener runs): Switchboard closes them first. Two sockets per login.
     */
    @Test
    void loggingOutClosesEverySocketOfTheLoginWith4401() {
        Map<String, String> expected = new LinkedHashMap<>();
        Map<String, String> seen = new LinkedHashMap<>();
        for (String how : new String[] {"both", "invalidate", "logout"}) {
            FormLogin alice = login();
            try (WsClient chat = WsClient.connect(ws("switchboard/ws/chat"), alice.cookieHeader());
                 WsClient live = WsClient.connect(ws("switchboard/ws/notifications"), alice.cookieHeader())) {
                chat.send("type", "join", "room", "host-logout").expect("joined");
                assertEquals(200, alice.get("logout?how=" + how).statusCode());
                expected.put(how, "chat 4401, notifications 4401");
                seen.put(how, "chat " + closeCode(chat) + ", notifications " + closeCode(live));
            }
        }
        assertEquals(expected, seen, "close codes per way of logging out (chat opened first)");
    }

    /**
     * A client's pings count against the rate limit in a host application too ({@code PingFloodIT} checks the WAR):
     * past the burst (200) and the strikes (50), 1008. On Tomcat by code ({@code TomcatPings}); on Payara because the
     * jar's {@code web-fragment.xml} names Switchboard's listener of Tyrus's frames ({@code TyrusFrameEvents}).
     */
    @Test
    void pingsCountAgainstTheRateLimitInTheHost() throws Exception {
        FormLogin alice = login();
        try (RawWebSocket pinger = RawWebSocket.connect(ws("switchboard/ws/chat"), alice.cookieHeader(), T).open()) {
            pinger.awaitLine(T); // welcome
            int sent = 0;
            try {
                for (; sent < 1000; sent++) {
                    pinger.sendPing(new byte[4]);
                }
            } catch (IOException ended) {
                // the server ended the connection meanwhile: the close below says why
            }
            CloseResult close = pinger.awaitClose(T);
            assertEquals(1008, close.code(), "after " + sent + " pings: " + close);
        }
    }

    /**
     * Logouts beside another user's requests: each logout closes its login's two sockets with 4401, and meanwhile every
     * other request is answered whole: a FORM login gets its form and logs in, the client script comes back as it is.
     * Payara ended a closed socket's connection on the logging-out thread while the connection's own thread read the
     * client's answer, and handed the recycled request objects to other requests: a FORM login page came back as an
     * empty 200 (a CI failure; docs/reliability.md). {@code -Dswitchboard.logoutLoops} rounds (default 30).
     */
    @Test
    void logoutsNeverDisturbAnotherUsersRequests() throws Exception {
        int rounds = Integer.getInteger("switchboard.logoutLoops", 30);
        URI script = base().resolve("switchboard/js/switchboard.js");
        String expected = Http.get(script, null).body();
        AtomicBoolean done = new AtomicBoolean();
        List<String> disturbed = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger requests = new AtomicInteger();
        Thread other = new Thread(() -> {
            while (!done.get() && disturbed.size() < 3) {
                try {
                    login();
                    Http.Reply r = Http.get(script, null);
                    if (r.status() != 200 || !r.body().equals(expected)) {
                        disturbed.add("the script: " + r.status() + ", " + r.body().length() + " chars");
                    }
                    requests.addAndGet(4); // the form, the credentials, the page, the script
                } catch (AssertionError | RuntimeException e) {
                    disturbed.add(e.toString());
                }
            }
        }, "another-user");
        other.start();
        Map<String, Integer> codes = new TreeMap<>();
        try {
            String[] ways = {"both", "invalidate", "logout"};
            for (int i = 0; i < rounds && disturbed.isEmpty(); i++) {
                FormLogin alice = login();
                try (WsClient chat = WsClient.connect(ws("switchboard/ws/chat"), alice.cookieHeader());
                     WsClient live = WsClient.connect(ws("switchboard/ws/notifications"), alice.cookieHeader())) {
                    assertEquals(200, alice.get("logout?how=" + ways[i % 3]).statusCode());
                    codes.merge("chat " + closeCode(chat), 1, Integer::sum);
                    codes.merge("notifications " + closeCode(live), 1, Integer::sum);
                }
            }
        } finally {
            done.set(true);
            other.join(20_000);
        }
        assertEquals(List.of(), disturbed, "another user's requests beside the logouts (" + requests.get() + " done)");
        assertEquals(Map.of("chat 4401", rounds, "notifications 4401", rounds), codes, "each logout's close codes");
    }

    /** The close code and reason, or "open" when the socket was not closed within the client's timeout. */
    private static String closeCode(WsClient client) {
        try {
            int code = client.awaitClose();
            return code == 4401 ? "4401" : code + " " + client.closeReason();
        } catch (AssertionError notClosed) {
            return "open";
        }
    }

    /**
     * Step 2: a login session that expires closes its sockets with 4401 "session expired", by Switchboard's own
     * check, seconds before the container looks for expired sessions (Tomcat about once a minute, Payara every
     * minute). WebSocket traffic does not keep the session alive, only HTTP requests do.
     */
    @Test
    void anExpiringLoginSessionClosesItsSocketsWith4401WithinASecondOfItsTimeout() {
        FormLogin alice = login();
        assertEquals(200, alice.get("secure/timeout?seconds=" + SESSION_TIMEOUT_S).statusCode());
        try (WsClient chat = WsClient.connect(ws("switchboard/ws/chat"), alice.cookieHeader());
             WsClient live = WsClient.connect(ws("switchboard/ws/notifications"), alice.cookieHeader())) {
            long lastRequest = System.nanoTime(); // the second handshake is the session's last request
            chat.send("type", "join", "room", "host-expiry").expect("joined"); // WebSocket traffic: not activity
            assertEquals(4401, live.awaitClose(), "notifications, opened last: " + live.closeReason());
            long afterMs = (System.nanoTime() - lastRequest) / 1_000_000;
            assertEquals(4401, chat.awaitClose(), "chat: " + chat.closeReason());
            assertEquals("session expired", live.closeReason());
            assertTrue(afterMs >= SESSION_TIMEOUT_S * 1000L - 500, "closed before the session timed out: " + afterMs);
            assertTrue(afterMs <= SESSION_TIMEOUT_S * 1000L + EXPIRY_BOUND_MS, "closed " + afterMs + " ms after the "
                    + "last request, more than the timeout + " + EXPIRY_BOUND_MS + " ms");
        }
    }

    /** The session timeout the expiry test sets; the bound is Switchboard's (1 s at most) plus room for a busy machine. */
    private static final int SESSION_TIMEOUT_S = 2;
    private static final long EXPIRY_BOUND_MS = 1000 + 2000;

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

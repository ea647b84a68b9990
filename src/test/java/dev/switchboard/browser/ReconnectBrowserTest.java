package dev.switchboard.browser;

import dev.switchboard.browser.ChatPage.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page reconnects by itself, and shows what it missed exactly once.
 *
 * <p>Two different outages, because they promise different things. When only the page's network path goes down
 * while the server keeps its history (same epoch), the page recovers with {@code since} and shows exactly the
 * messages sent meanwhile. When the in-memory server itself restarts, that history is gone (new epoch): nobody
 * could send while it was down, the page says its history restarted, and messages written offline by another page
 * are delivered once when both are back.
 */
class ReconnectBrowserTest {

    /** Long enough for the backoff ceiling reached during a short outage (full jitter, 0.5 s doubling). */
    static final Duration RECONNECT = Duration.ofSeconds(45);

    PageServer server;

    @BeforeEach
    void startServer() {
        Browsers.assumeInstalled(); // per test, so that each one is reported as skipped, with the reason
        server = PageServer.start();
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void pageFillsTheGapWithExactlyTheMissedMessages() {
        try (var proxy = TcpProxy.to(server.port()); var a = Browsers.open(); var b = Browsers.open()) {
            // Ann's page reaches the server through a relay that the test can cut; Bob's directly.
            ChatPage ann = new ChatPage(a).open(URI.create("http://127.0.0.1:" + proxy.port() + "/")).enterAs("ann");
            ChatPage bob = new ChatPage(b).open(server.base()).enterAs("bob");
            gapIsFilledExactly(ann, bob, proxy, "reconnect-gap");
        }
    }

    @Test
    void pageReconnectsByItselfAfterServerRestart() {
        try (var a = Browsers.open(); var b = Browsers.open()) {
            ChatPage ann = new ChatPage(a).open(server.base()).enterAs("ann");
            ChatPage bob = new ChatPage(b).open(server.base()).enterAs("bob");
            ann.say("before the restart");
            bob.awaitText("before the restart");

            server.stop();
            for (ChatPage page : List.of(ann, bob)) {
                page.await("reconnecting shown", d -> page.state("chat").equals("reconnecting"));
            }
            ann.await("a countdown is shown", d -> ann.stateText("chat").matches("reconnecting in \\d+ s"));
            ann.screenshot("reconnect-countdown");

            // Written while the server is down: kept by Bob's page and sent once it is back.
            bob.say("written offline 1");
            bob.say("written offline 2");
            bob.await("both wait in bob's page", d -> bob.allByTestId("message-pending").size() == 2);
            assertTrue(bob.byTestId("offline-banner").isDisplayed(), "bob is told they will be sent later");
            bob.screenshot("reconnect-offline-pending");

            server.startAgain();
            for (ChatPage page : List.of(ann, bob)) {
                page.await("back by itself", RECONNECT, d -> page.state("chat").equals("open"));
            }
            ann.await("offline messages arrive", d -> ann.texts().contains("written offline 2"));
            bob.await("bob's messages confirmed", d -> bob.allByTestId("message-pending").isEmpty()
                    && bob.texts().contains("written offline 2"));

            for (ChatPage page : List.of(ann, bob)) {
                List<String> texts = page.texts();
                assertEquals(1, Collections.frequency(texts, "written offline 1"), texts.toString());
                assertEquals(1, Collections.frequency(texts, "written offline 2"), texts.toString());
                assertTrue(texts.indexOf("written offline 1") < texts.indexOf("written offline 2"), texts.toString());
                assertEquals(1, Collections.frequency(texts, "before the restart"), "kept on screen once");
                // An in-memory server lost its history: the page says so instead of pretending.
                page.await("history restart noted", d -> !page.allByTestId("divider").isEmpty());
            }
            assertFalse(ann.byTestId("offline-banner").isDisplayed());
            ann.screenshot("reconnect-after-restart");
        }
    }

    /**
     * Ann's page reaches the server through {@code proxy}, Bob's directly: the proxy is cut while Bob writes, and
     * Ann's page must reconnect by itself and show exactly the missed messages, once each, in offset order.
     * Shared by the runner's test and the Tomcat one ({@code BrowserContainerIT}).
     */
    static void gapIsFilledExactly(ChatPage ann, ChatPage bob, TcpProxy proxy, String screenshots) {
        bob.say("before the outage");
        ann.awaitText("before the outage");

        proxy.cut();
        ann.await("ann's page notices", d -> ann.state("chat").equals("reconnecting"));
        bob.await("the server noticed ann left", d -> !bob.members().contains(ann.me()));
        List<String> missed = List.of("missed 1", "missed 2", "missed 3");
        for (String text : missed) {
            bob.say(text);
        }
        bob.await("bob's messages stored", d -> bob.texts().containsAll(missed)
                && bob.allByTestId("message-pending").isEmpty());
        assertTrue(Collections.disjoint(ann.texts(), missed), "ann really was disconnected");
        ann.screenshot(screenshots + "-offline");

        proxy.restore();
        ann.await("ann reconnects by herself", RECONNECT, d -> ann.state("chat").equals("open"));
        ann.await("the gap is filled", d -> ann.texts().contains("missed 3"));
        bob.say("after the outage");
        ann.awaitText("after the outage");

        List<Message> shown = ann.messages();
        assertEquals(List.of("before the outage", "missed 1", "missed 2", "missed 3", "after the outage"),
                shown.stream().map(Message::text).toList(), "each message exactly once, in order");
        for (int i = 1; i < shown.size(); i++) {
            assertEquals(shown.get(i - 1).offset() + 1, shown.get(i).offset(), "no gap, no repeat: " + shown);
        }
        assertTrue(ann.allByTestId("divider").isEmpty(), "recovered: nothing to apologise for");
        ann.screenshot(screenshots + "-filled");
    }
}

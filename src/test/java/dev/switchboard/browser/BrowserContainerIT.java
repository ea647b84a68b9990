package dev.switchboard.browser;

import dev.switchboard.it.Deployments;
import dev.switchboard.testing.Http;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.URL;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bundled page served by the shipped WAR in Tomcat under {@code /switchboard/}, in headless Chromium: the same
 * page and client as at the runner's root, with relative URLs only. (A server restart with an in-memory store is a
 * new history, tested against the runner in {@code ReconnectBrowserTest}; here the network path is cut instead.)
 */
@Tag("tomcat-browser")
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BrowserContainerIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.shippedWar();
    }

    @ArquillianResource
    private URL url;

    @BeforeEach
    void needsBrowser() {
        Browsers.assumeInstalled();
    }

    private URI page(String query) {
        return Deployments.base(url).resolve(query);
    }

    @Test
    void twoBrowsersChatWithPresenceAndTypingUnderTheContextPath() {
        try (var a = Browsers.open(); var b = Browsers.open()) {
            ChatPage ann = new ChatPage(a).open(page("?rooms=tomcat-lobby")).enterAs("ann");
            ChatPage bob = new ChatPage(b).open(page("?rooms=tomcat-lobby")).enterAs("bob");
            String bobName = bob.me();
            ann.await("bob in ann's member list", d -> ann.members().contains(bobName));
            bob.byTestId("composer-input").sendKeys("typing in tomc");
            ann.await("bob is typing", d -> ann.typing().equals(ChatPage.shown(bobName) + " is typing…"));
            bob.byTestId("composer-input").clear();
            ann.say("hello from ann");
            bob.say("hello from bob");
            for (ChatPage p : List.of(ann, bob)) {
                p.awaitText("hello from ann");
                p.awaitText("hello from bob");
            }
            assertEquals(List.of("hello from ann", "hello from bob"), bob.texts().subList(bob.texts().size() - 2,
                    bob.texts().size()), "the same order in both pages");
            String payload = "<img src=x onerror=window.__xss=1>";
            bob.say(payload);
            ann.awaitText(payload);
            assertEquals(true, ann.script("return typeof window.__xss === 'undefined';"));
            assertEquals(0L, ann.script("return document.querySelectorAll('[data-testid=\"logs\"] img').length;"));
            ann.screenshot("tomcat-chat");
            assertEquals(List.of(), ann.consoleErrors(), "no script errors or CSP violations");
        }
    }

    /** A network cut between Ann's page and Tomcat: her page reconnects by itself and fills the gap exactly. */
    @Test
    void thePageReconnectsAndFillsTheGapWithExactlyTheMissedMessages() {
        String room = "?rooms=tomcat-gap-" + System.nanoTime();
        try (var proxy = TcpProxy.to(url.getPort()); var a = Browsers.open(); var b = Browsers.open()) {
            URI throughProxy = URI.create("http://127.0.0.1:" + proxy.port() + url.getPath()).resolve(room);
            ChatPage ann = new ChatPage(a).open(throughProxy).enterAs("ann");
            ChatPage bob = new ChatPage(b).open(page(room)).enterAs("bob");
            ReconnectBrowserTest.gapIsFilledExactly(ann, bob, proxy, "tomcat-reconnect-gap");
        }
    }

    @Test
    void aNotificationPublishedOverHttpAppearsOnThePage() {
        try (var a = Browsers.open()) {
            ChatPage kim = new ChatPage(a).open(page("")).enterAs("kim");
            kim.await("subscribed to news", d -> kim.allByTestId("topic").stream()
                    .anyMatch(e -> "news".equals(e.getDomAttribute("data-topic"))
                            && "true".equals(e.getDomAttribute("data-subscribed"))));
            Http.Reply r = Http.post(page("api/topics/news"), Deployments.PUBLISHER_KEY, "{\"title\":\"Tomcat says hi\"}");
            assertEquals(202, r.status(), r.body());
            kim.await("a toast", d -> kim.allByTestId("toast-text").stream()
                    .anyMatch(e -> e.getText().equals("Tomcat says hi")));
            kim.screenshot("tomcat-notification");
            assertTrue(kim.consoleErrors().isEmpty(), "no script errors: " + kim.consoleErrors());
        }
    }
}

package dev.switchboard.browser;

import dev.switchboard.browser.ChatPage.Message;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;

import java.net.URI;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two people chatting through the page in two separate headless browsers. */
class ChatBrowserTest extends PageTest {

    /** The page opening one room of its own, so that each test starts with an empty room. */
    static URI pageIn(String room) {
        return server.base().resolve("?rooms=" + room);
    }

    @Test
    void twoBrowsersChatWithEachOther() {
        try (var a = Browsers.open(); var b = Browsers.open()) {
            ChatPage ann = new ChatPage(a).open(pageIn("hello"));
            ann.screenshot("login");
            ann.enterAs("ann");
            ChatPage bob = new ChatPage(b).open(pageIn("hello")).enterAs("bob");

            ann.say("Hi Bob, can you read me?");
            bob.awaitText("Hi Bob, can you read me?");
            bob.say("Loud and clear, Ann.\nTwo lines, even.");
            ann.awaitText("Loud and clear, Ann.\nTwo lines, even.");

            // Both show the same conversation: the server's names, its order, nothing twice.
            ann.await("both pages show the same messages", d -> ann.messages().equals(bob.messages()));
            List<Message> shown = ann.messages();
            assertEquals(List.of(ann.me(), bob.me()), shown.stream().map(Message::from).toList());
            assertTrue(shown.get(0).offset() < shown.get(1).offset(), "offsets grow: " + shown);
            assertTrue(ann.allByTestId("message-pending").isEmpty(), "every message was confirmed");

            ann.screenshot("chat-ann");
            bob.screenshot("chat-bob");
            bob.driver.manage().window().setSize(new Dimension(390, 844)); // a phone
            bob.await("narrow layout", d -> bob.byTestId("composer-input").isDisplayed());
            bob.screenshot("chat-narrow");
            assertTrue(String.valueOf(ann.script("return document.querySelector("
                    + "'meta[http-equiv=\"Content-Security-Policy\"]').content;")).contains("script-src 'self'"));
            assertEquals(List.of(), ann.consoleErrors(), "no script errors or CSP violations");
            assertEquals(List.of(), bob.consoleErrors(), "no script errors or CSP violations");
        }
    }

    @Test
    @SuppressWarnings("try") // dave's browser is closed inside the block: that is the test
    void presenceAndTypingShowUp() {
        try (var a = Browsers.open(); var b = Browsers.open()) {
            ChatPage carol = new ChatPage(a).open(pageIn("presence")).enterAs("carol");
            ChatPage dave = new ChatPage(b).open(pageIn("presence")).enterAs("dave");
            String daveName = dave.me();

            carol.await("dave in carol's member list", d -> carol.members().contains(daveName));
            carol.await("a line saying dave joined", d -> carol.allByTestId("system-line").stream()
                    .anyMatch(e -> daveName.equals(e.getDomAttribute("data-user")) && e.getText().endsWith(" joined")));
            assertTrue(dave.meShown().startsWith("dave"), "a guest is shown by its name: " + dave.meShown());
            assertEquals("guest:dave", daveName, "with its guest identity underneath");

            dave.byTestId("composer-input").sendKeys("I am writing someth");
            carol.await("dave is typing", d -> carol.typing().equals(ChatPage.shown(daveName) + " is typing…"));
            carol.screenshot("chat-typing");

            dave.byTestId("composer-input").sendKeys("ing", Keys.ENTER);
            carol.awaitText("I am writing something");
            carol.await("typing cleared by dave's message", d -> carol.typing().isEmpty());

            b.close(); // dave closes his browser
            carol.await("dave gone from the members", d -> !carol.members().contains(daveName));
            carol.await("a line saying dave left", d -> carol.allByTestId("system-line").stream()
                    .anyMatch(e -> daveName.equals(e.getDomAttribute("data-user")) && e.getText().endsWith(" left")));
        }
    }

    @Test
    void xssPayloadIsShownAsTextAndRunsNothing() {
        String payload = "<img src=x onerror=window.__xss=1>";
        try (var a = Browsers.open(); var b = Browsers.open()) {
            ChatPage erin = new ChatPage(a).open(pageIn("xss")).enterAs("erin");
            ChatPage frank = new ChatPage(b).open(pageIn("xss")).enterAs("frank");

            frank.say(payload);
            erin.awaitText(payload);
            frank.awaitText(payload);

            // Shown literally, in both pages; parsed as nothing; ran nothing.
            for (ChatPage page : List.of(erin, frank)) {
                assertEquals(payload, page.messages().get(page.messages().size() - 1).text());
                assertEquals(0L, page.script("return document.querySelectorAll('[data-testid=\"logs\"] img').length;"));
                assertEquals(true, page.script("return typeof window.__xss === 'undefined';"));
                assertTrue(page.byTestId("logs").getText().contains(payload), "visible on screen as text");
            }
            erin.screenshot("chat-xss");
            assertEquals(List.of(), erin.consoleErrors(), "nothing tried to load or run");
        }
    }

    @Test
    void privateMessagesOpenTheirOwnConversation() {
        try (var a = Browsers.open(); var b = Browsers.open()) {
            ChatPage gina = new ChatPage(a).open(pageIn("private")).enterAs("gina");
            ChatPage hank = new ChatPage(b).open(pageIn("private")).enterAs("hank");
            String hankName = hank.me();
            String ginaName = gina.me();

            gina.await("hank listed", d -> gina.members().contains(hankName));
            gina.byTestId("whisper-" + hankName).click();
            gina.await("the private conversation is shown",
                    d -> gina.byTestId("conversation-title").getText().equals("@" + ChatPage.shown(hankName)));
            gina.say("Just between us: <b>not bold</b>");
            gina.awaitText("Just between us: <b>not bold</b>");

            // Hank gets a new conversation, marked unread, and not a word of it in the room.
            hank.await("hank's conversation with gina appears", d -> !hank.allByTestId("dm-" + ginaName).isEmpty());
            assertFalse(hank.texts().contains("Just between us: <b>not bold</b>"), "not in the room");
            assertEquals("1", hank.byTestId("dm-" + ginaName).findElement(
                    By.cssSelector("[data-testid=\"unread\"]")).getText());
            hank.byTestId("dm-" + ginaName).click();
            hank.awaitText("Just between us: <b>not bold</b>");
            hank.say("Got it.");
            gina.awaitText("Got it.");
            hank.screenshot("chat-private");
        }
    }

    @Test
    void severalRoomsAreJoinedAndKeptApart() {
        try (var a = Browsers.open(); var b = Browsers.open()) {
            ChatPage mia = new ChatPage(a).open(pageIn("alpha")).enterAs("mia");
            ChatPage ned = new ChatPage(b).open(pageIn("alpha")).enterAs("ned");

            mia.byTestId("join-input").sendKeys("beta", Keys.ENTER);
            mia.await("beta shown", d -> mia.byTestId("conversation-title").getText().equals("#beta")
                    && mia.members().contains(mia.me()));
            mia.say("only in beta");
            mia.awaitText("only in beta");

            ned.say("hello alpha");
            mia.await("unread mark on alpha", d -> mia.byTestId("room-alpha")
                    .findElement(By.cssSelector("[data-testid=\"unread\"]")).getText().equals("1"));
            mia.screenshot("chat-two-rooms");
            mia.byTestId("room-alpha").click();
            mia.awaitText("hello alpha");
            assertFalse(mia.texts().contains("only in beta"));
            assertFalse(ned.texts().contains("only in beta"), "ned is not in beta");

            mia.byTestId("leave-room").click(); // leaves alpha: beta is shown again
            mia.await("back in beta", d -> mia.byTestId("conversation-title").getText().equals("#beta"));
            ned.await("mia left alpha", d -> !ned.members().contains(mia.me()));
        }
    }

    @Test
    void olderMessagesLoadWhenScrollingUp() {
        int total = 65; // more than one history page (50)
        try (var a = Browsers.open()) {
            ChatPage ivy = new ChatPage(a).open(pageIn("archive")).enterAs("ivy");
            for (int i = 1; i <= total; i++) {
                ivy.say("archived message " + i);
            }
            ivy.await("all sent", d -> ivy.texts().contains("archived message " + total)
                    && ivy.allByTestId("message-pending").isEmpty());
        }
        try (var b = Browsers.open()) {
            ChatPage jack = new ChatPage(b).open(pageIn("archive")).enterAs("jack");
            jack.awaitText("archived message " + total);
            int firstPage = jack.messages().size();
            assertTrue(firstPage < total, "a join shows the latest page only, got " + firstPage);

            jack.script("document.querySelector('[data-testid=\"message-scroller\"]').scrollTop = 0;");
            jack.await("older page loaded", d -> jack.messages().size() == total);
            List<String> expected = IntStream.rangeClosed(1, total)
                    .mapToObj(i -> "archived message " + i).toList();
            assertEquals(expected, jack.texts(), "every message once, in order");
            jack.await("the beginning is marked", d -> jack.byTestId("history-start").isDisplayed());
            double scrollTop = ((Number) jack.script(
                    "return document.querySelector('[data-testid=\"message-scroller\"]').scrollTop;")).doubleValue();
            assertTrue(scrollTop > 0, "the reader stays where they were instead of jumping to the top");
        }
    }
}

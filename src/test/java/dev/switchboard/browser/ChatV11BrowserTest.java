package dev.switchboard.browser;

import dev.switchboard.browser.ChatPage.Item;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static dev.switchboard.browser.ChatBrowserTest.pageIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chat 1.1 through the page, in separate headless browsers (issue 17): editing and deleting one's own messages,
 * reactions, unread badges kept by the server across reloads and devices with the "new messages" line, and
 * "Delivered"/"Seen" under whispers. What one browser does is checked where another person (or the same person on
 * another device) sees it, and again after a reload where the server's memory is what counts.
 */
class ChatV11BrowserTest extends PageTest {

    @Test
    void editsShowInTheOtherBrowser() {
        try (var a = Browsers.open(); var b = Browsers.open()) {
            ChatPage ann = new ChatPage(a).open(pageIn("edits")).enterAs("ann");
            ChatPage bob = new ChatPage(b).open(pageIn("edits")).enterAs("bob");
            ann.say("first draft");
            ann.say("helo wrld");
            String first = ann.idOf("first draft");
            String second = ann.idOf("helo wrld"); // confirmed: the Up arrow edits confirmed messages only
            bob.awaitText("helo wrld");
            assertTrue(bob.messageElement(second).findElements(By.cssSelector(
                    "[data-testid=\"message-edit\"], [data-testid=\"message-delete\"]")).isEmpty(),
                    "only the author gets edit and delete");

            // The Up arrow in the empty composer opens the last own message for editing.
            ann.byTestId("composer-input").sendKeys(Keys.ARROW_UP);
            WebElement input = ann.await("the editor opened on the last message",
                    d -> ann.inMessage(second, "edit-input", null));
            assertEquals("helo wrld", input.getDomProperty("value"));
            input.clear();
            input.sendKeys("hello world", Keys.ENTER);
            bob.await("the edit shows in bob's page", d -> edited(bob.item(second), "hello world"));
            ann.await("the edit is confirmed in ann's page", d -> edited(ann.item(second), "hello world")
                    && ann.allByTestId("editor").isEmpty());
            assertFalse(bob.item(first).edited(), "only that message changed");

            // The edit button, on an earlier message; the new text is shown as text, never parsed.
            String payload = "<img src=x onerror=window.__xss=1> fixed";
            edit(ann, first, payload); // with the Save button
            bob.await("the second edit shows in bob's page", d -> edited(bob.item(first), payload));
            ann.await("and in ann's", d -> edited(ann.item(first), payload));
            ann.screenshot("chat11-edit");

            bob.reload(); // history pages show messages as they are now
            bob.await("edits kept after a reload", d -> edited(bob.item(first), payload)
                    && edited(bob.item(second), "hello world"));
            for (ChatPage page : List.of(ann, bob)) {
                assertEquals(0L, page.script("return document.querySelectorAll('[data-testid=\"logs\"] img').length;"));
                assertEquals(true, page.script("return typeof window.__xss === 'undefined';"));
            }
            assertNoErrors(ann, bob);
        }
    }

    @Test
    void deletedTextIsGoneForEveryoneAndAfterAReload() {
        String secret = "my password is hunter2";
        try (var a = Browsers.open(); var b = Browsers.open()) {
            ChatPage ann = new ChatPage(a).open(pageIn("deletes")).enterAs("ann");
            ChatPage bob = new ChatPage(b).open(pageIn("deletes")).enterAs("bob");
            ann.say("this one stays");
            ann.say(secret);
            String kept = ann.idOf("this one stays");
            String gone = ann.idOf(secret);
            bob.awaitText(secret);

            delete(ann, gone);
            for (ChatPage page : List.of(bob, ann)) {
                page.await("shown as deleted", d -> deleted(page.item(gone)));
                assertFalse(page.driver.getPageSource().contains(secret), "the text is nowhere in the page");
                assertEquals("this one stays", page.item(kept).text());
            }

            // The Up arrow skips a deleted message: it edits the newest one still there (Escape closes it).
            ann.byTestId("composer-input").sendKeys(Keys.ARROW_UP);
            WebElement input = ann.await("the editor opened on the kept message",
                    d -> ann.inMessage(kept, "edit-input", null));
            assertEquals("this one stays", input.getDomProperty("value"));
            input.sendKeys(Keys.ESCAPE);
            ann.await("the editor closed", d -> ann.allByTestId("editor").isEmpty());

            bob.reload();
            bob.await("still deleted after a reload", d -> deleted(bob.item(gone)));
            assertEquals("this one stays", bob.item(kept).text());
            assertFalse(bob.driver.getPageSource().contains(secret), "the server sent the text no more");
            ann.reload();
            ann.await("deleted for its author too", d -> deleted(ann.item(gone)));
            assertFalse(ann.driver.getPageSource().contains(secret));
            assertNoErrors(ann, bob);
        }
    }

    /** Ann signs in with a token: after a reload she is the same user, so her own reactions are hers again. */
    @Test
    void reactionsArePickedCountedInBothKeptAfterAReloadAndToggledOff() {
        try (var a = Browsers.open(); var b = Browsers.open()) {
            ChatPage ann = new ChatPage(a).open(server.pageAs("ann", "reactions")).awaitInRoom();
            ChatPage bob = new ChatPage(b).open(pageIn("reactions")).enterAs("bob");
            bob.say("who is coming on friday?");
            String id = bob.idOf("who is coming on friday?");
            ann.awaitText("who is coming on friday?");

            react(ann, id, "👍");
            awaitReactions(ann, id, Map.of("👍", 1), List.of("👍"));
            awaitReactions(bob, id, Map.of("👍", 1), List.of());

            // Each click waits for the state before it: an echo redraws the chips, and a chip is clicked as shown.
            react(bob, id, "🎉");
            awaitReactions(bob, id, Map.of("👍", 1, "🎉", 1), List.of("🎉"));
            bob.inMessage(id, "reaction", "👍").click(); // a chip adds one's own reaction too
            awaitReactions(bob, id, Map.of("👍", 2, "🎉", 1), List.of("👍", "🎉"));
            awaitReactions(ann, id, Map.of("👍", 2, "🎉", 1), List.of("👍"));
            ann.screenshot("chat11-reactions");

            ann.reload(); // the history page carries the reactions, and which of them are ann's
            awaitReactions(ann, id, Map.of("👍", 2, "🎉", 1), List.of("👍"));

            ann.inMessage(id, "reaction", "👍").click(); // toggled off
            awaitReactions(ann, id, Map.of("👍", 1, "🎉", 1), List.of());
            awaitReactions(bob, id, Map.of("👍", 1, "🎉", 1), List.of("👍", "🎉"));
            bob.inMessage(id, "reaction", "👍").click();
            awaitReactions(bob, id, Map.of("🎉", 1), List.of("🎉"));
            bob.inMessage(id, "reaction", "🎉").click();
            awaitReactions(bob, id, Map.of(), List.of());
            awaitReactions(ann, id, Map.of(), List.of());
            assertFalse(ann.inMessage(id, "reactions", null).isDisplayed(), "no empty reaction bar");
            assertNoErrors(ann, bob);
        }
    }

    /**
     * Edits, deletes and reactions made while a page was offline reach it when it reconnects: the server replays
     * them with the missed messages (a recovered {@code joined}), and the page applies them as if it had stayed.
     */
    @Test
    void changesMadeWhileOfflineAreShownAfterTheReconnect() {
        try (var proxy = TcpProxy.to(server.port()); var a = Browsers.open(); var b = Browsers.open()) {
            ChatPage ann = new ChatPage(a).open(URI.create("http://127.0.0.1:" + proxy.port() + "/?rooms=offline"))
                    .enterAs("ann");
            ChatPage bob = new ChatPage(b).open(pageIn("offline")).enterAs("bob");
            for (String text : List.of("to be edited", "to be deleted", "to be liked")) {
                bob.say(text);
            }
            String edit = bob.idOf("to be edited");
            String delete = bob.idOf("to be deleted");
            String like = bob.idOf("to be liked");
            ann.awaitText("to be liked");

            proxy.cut();
            ann.await("ann's page notices", d -> ann.state("chat").equals("reconnecting"));
            bob.await("the server noticed ann left", d -> !bob.members().contains(ann.me()));
            edit(bob, edit, "edited while ann was away");
            delete(bob, delete);
            react(bob, like, "👍");
            bob.say("said while ann was away");
            bob.await("bob's changes stored", d -> edited(bob.item(edit), "edited while ann was away")
                    && deleted(bob.item(delete)) && Map.of("👍", 1).equals(bob.item(like).reactions())
                    && bob.texts().contains("said while ann was away") && bob.allByTestId("message-pending").isEmpty());
            assertEquals("to be edited", ann.item(edit).text(), "ann really was offline");

            proxy.restore();
            ann.await("ann reconnects by herself", ReconnectBrowserTest.RECONNECT, d -> ann.state("chat").equals("open"));
            ann.await("the missed changes are applied", d -> edited(ann.item(edit), "edited while ann was away")
                    && deleted(ann.item(delete)) && Map.of("👍", 1).equals(ann.item(like).reactions())
                    && ann.texts().contains("said while ann was away"));
            assertEquals(List.of("edited while ann was away", "", "to be liked", "said while ann was away"),
                    ann.items().stream().map(Item::text).toList(), "each message once, in order");
            assertTrue(ann.allByTestId("divider").isEmpty(), "recovered: nothing lost");
            assertNoErrorShown(ann); // its console lists the refused connection attempts of the outage
            assertNoErrors(bob);
        }
    }

    /**
     * Carl signs in with a token on a laptop and later on a phone: one identity, one read position kept by the
     * server. Guests cannot show this: each guest connection is a person of its own.
     */
    @Test
    void unreadCountsSurviveAReloadAndFollowASecondDevice() {
        URI carl = server.pageAs("carl", "quiet,news"); // "quiet" is on screen, "news" in the sidebar
        try (var a = Browsers.open(); var b = Browsers.open(); var c = Browsers.open()) {
            ChatPage laptop = new ChatPage(a).open(carl).awaitInRoom();
            ChatPage bob = new ChatPage(b).open(pageIn("news")).enterAs("bob");
            laptop.select("room-news");
            laptop.say("carl was here");
            laptop.idOf("carl was here");
            laptop.select("room-quiet");

            for (String text : List.of("news 1", "news 2", "news 3")) {
                bob.say(text);
            }
            bob.idOf("news 3");
            laptop.await("three unread in news (carl's own not counted)", d -> laptop.unread("news") == 3);
            assertEquals(0, laptop.unread("quiet"));
            laptop.screenshot("chat11-unread");
            // A deleted message still counts, in the page as on the server (PROTOCOL.md: deletes are not counted).
            String news2 = bob.idOf("news 2");
            delete(bob, news2);
            bob.await("deleted", d -> deleted(bob.item(news2)));

            laptop.reload();
            laptop.await("the count survives a reload", d -> laptop.unread("news") == 3);
            ChatPage phone = new ChatPage(c).open(carl).awaitInRoom();
            phone.await("the same count on a second device", d -> phone.unread("news") == 3);

            phone.select("room-news");
            phone.await("a 'new messages' line where carl stopped reading",
                    d -> List.of("carl was here", "news 1").equals(phone.aroundNewMessagesLine()));
            assertEquals(List.of("carl was here", "news 1", "", "news 3"), phone.items().stream().map(Item::text).toList());
            phone.await("read on the phone", d -> phone.unread("news") == 0);
            laptop.await("the laptop follows", d -> laptop.unread("news") == 0);
            phone.screenshot("chat11-new-messages");

            laptop.reload();
            laptop.await("read stays read after a reload", d -> laptop.joined("news") && laptop.unread("news") == 0);
            laptop.select("room-news");
            laptop.awaitText("news 3");
            assertTrue(laptop.aroundNewMessagesLine() == null, "nothing new to mark");
            assertNoErrors(laptop, phone, bob);
        }
    }

    @Test
    void whispersShowDeliveredThenSeen() {
        try (var a = Browsers.open(); var b = Browsers.open()) {
            ChatPage gina = new ChatPage(a).open(pageIn("receipts")).enterAs("gina");
            ChatPage hank = new ChatPage(b).open(pageIn("receipts")).enterAs("hank");
            String ginaId = gina.me();
            String hankId = hank.me();
            gina.openPrivate(hankId);

            gina.say("are you there?");
            String first = gina.idOf("are you there?");
            gina.await("delivered to hank's page", d -> "delivered".equals(gina.item(first).receipt()));
            hank.await("a new private conversation, unread", d -> hank.unreadOn("dm-" + ginaId) == 1);
            assertEquals("delivered", gina.item(first).receipt(), "not seen while hank has not opened it");

            hank.select("dm-" + ginaId);
            hank.awaitText("are you there?");
            gina.await("seen once hank opened it", d -> "seen".equals(gina.item(first).receipt()));
            assertEquals("", hank.item(first).receipt(), "receipts only under one's own whispers");
            gina.screenshot("chat11-whisper-seen");

            gina.say("great");
            String second = gina.idOf("great");
            gina.await("seen at once while hank has it open", d -> "seen".equals(gina.item(second).receipt()));
            assertNoErrors(gina, hank);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static boolean edited(Item item, String text) {
        return item != null && item.edited() && !item.deleted() && item.text().equals(text);
    }

    private static boolean deleted(Item item) {
        return item != null && item.deleted() && item.text().isEmpty() && !item.edited() && item.reactions().isEmpty();
    }

    /** The element when it is displayed, else null (to wait for it). */
    private static WebElement shown(WebElement element) {
        return element.isDisplayed() ? element : null;
    }

    /** Edits one's own message with its edit button, the editor's Save button. */
    private static void edit(ChatPage page, String id, String text) {
        page.messageAction(id, "message-edit");
        WebElement input = page.await("the editor opened", d -> page.inMessage(id, "edit-input", null));
        input.clear();
        input.sendKeys(text);
        page.inMessage(id, "edit-save", null).click();
    }

    /** Deletes one's own message with its delete button, and confirms. */
    private static void delete(ChatPage page, String id) {
        page.messageAction(id, "message-delete");
        page.await("asked to confirm", d -> shown(page.inMessage(id, "message-delete-confirm", null))).click();
    }

    /** Opens the picker on a message and picks one emoji. */
    private static void react(ChatPage page, String id, String emoji) {
        page.messageAction(id, "message-react");
        WebElement option = page.await("the reaction picker", d -> page.inMessage(id, "reaction-option", emoji));
        assertEquals(6, page.messageElement(id).findElements(By.cssSelector("[data-testid=\"reaction-option\"]")).size());
        option.click();
        page.await("the picker closed", d -> page.allByTestId("reaction-picker").isEmpty());
    }

    private static void awaitReactions(ChatPage page, String id, Map<String, Integer> counts, List<String> mine) {
        page.await("reactions " + counts + ", own " + mine, d -> {
            Item item = page.item(id);
            return item != null && item.reactions().equals(counts) && item.pressed().stream().sorted().toList()
                    .equals(mine.stream().sorted().toList());
        });
    }

    /** No script error, CSP violation or error toast (a frame the server refused) in any of the pages. */
    private static void assertNoErrors(ChatPage... pages) {
        for (ChatPage page : pages) {
            assertNoErrorShown(page);
            assertEquals(List.of(), page.consoleErrors(), "no script errors or CSP violations");
        }
    }

    private static void assertNoErrorShown(ChatPage page) {
        assertEquals(List.of(), page.allByTestId("error-toast").stream().map(WebElement::getText).toList(),
                "no error shown");
    }
}

package dev.switchboard.browser;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.net.URI;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page's Admin view (docs/admin.md) in headless Chromium: an administrator opens it with the key, sees the chat
 * users and their room, removes a message (it disappears in the other browsers) and closes a user's connection (that
 * page shows the documented close and stays closed).
 */
class AdminBrowserTest extends PageTest {

    private static URI pageIn(String room) {
        return server.base().resolve("?rooms=" + room);
    }

    private static String identity(ChatPage page) {
        return page.byTestId("me").getDomAttribute("data-user");
    }

    private static List<WebElement> rows(ChatPage admin, String selector) {
        return admin.driver.findElements(By.cssSelector(selector));
    }

    @Test
    void anAdministratorSeesTheChatRemovesAMessageAndClosesAConnection() {
        String room = "moderated";
        try (var a = Browsers.open(); var b = Browsers.open(); var c = Browsers.open()) {
            ChatPage ann = new ChatPage(a).open(pageIn(room)).enterAs("ann");
            ChatPage bob = new ChatPage(b).open(pageIn(room)).enterAs("bob");
            ChatPage admin = new ChatPage(c).open(pageIn("admin-desk")).enterAs("root");
            String annId = identity(ann);

            admin.showView("admin");
            assertTrue(admin.byTestId("admin-key-form").isDisplayed(), "the key is asked for first");
            admin.byTestId("admin-key-input").sendKeys(PageServer.ADMIN_KEY);
            admin.byTestId("admin-key-submit").click();
            String annRow = "[data-testid=\"admin-connection\"][data-user=\"" + annId + "\"][data-endpoint=\"chat\"]";
            admin.await("ann's chat connection listed with her room", d -> rows(admin, annRow).stream()
                    .anyMatch(r -> r.getText().contains(room)));
            admin.await("the room listed with both users", d -> rows(admin,
                    "[data-testid=\"admin-room\"][data-name=\"" + room + "\"]").stream()
                    .anyMatch(r -> r.getText().contains("ann") && r.getText().contains("bob")));
            assertFalse(admin.driver.getCurrentUrl().contains(PageServer.ADMIN_KEY), "never in the URL");
            assertEquals(PageServer.ADMIN_KEY, admin.script("return sessionStorage.getItem('switchboard.adminKey');"));
            admin.screenshot("admin-overview");

            // A refresh keeps a row that did not change: a keyboard user's focus stays on its button.
            By annClose = By.cssSelector(annRow + " [data-testid=\"admin-close\"]");
            WebElement close = admin.driver.findElement(annClose);
            admin.script("arguments[0].focus();", close);
            String shownAt = admin.byTestId("admin-updated").getDomAttribute("title");
            admin.await("refreshed", d -> !shownAt.equals(admin.byTestId("admin-updated").getDomAttribute("title")));
            assertEquals(close, admin.driver.switchTo().activeElement(), "the same button, still focused");

            // Remove a message: it disappears for the others.
            bob.say("this one has to go");
            ann.awaitText("this one has to go");
            admin.click(By.cssSelector("[data-testid=\"admin-room\"][data-name=\"" + room + "\"] "
                    + "[data-testid=\"admin-room-messages\"]"));
            String messageRow = "[data-testid=\"admin-message\"]:not([data-deleted])";
            admin.await("the message listed", d -> rows(admin, messageRow).stream()
                    .anyMatch(r -> r.getText().contains("this one has to go")));
            String messageId = rows(admin, messageRow).stream()
                    .filter(r -> r.getText().contains("this one has to go")).findFirst().orElseThrow()
                    .getDomAttribute("data-id");
            admin.click(By.cssSelector("[data-testid=\"admin-message\"][data-id=\"" + messageId + "\"] "
                    + "[data-testid=\"admin-remove\"]"));
            admin.click(By.cssSelector("[data-testid=\"admin-confirm\"]"));
            for (ChatPage page : List.of(ann, bob)) {
                page.await("the message removed", d -> !page.texts().contains("this one has to go")
                        && !page.allByTestId("message-deleted").isEmpty()
                        && page.allByTestId("message-deleted").get(0).isDisplayed());
            }
            admin.await("shown as deleted in the admin view", d -> rows(admin, "[data-testid=\"admin-message\"][data-deleted]")
                    .size() == 1);
            ann.screenshot("admin-removed-message");

            // Close ann's chat connection: her page says so and does not reconnect; bob sees her leave.
            admin.click(annClose);
            assertTrue(admin.byTestId("admin-confirm").getText().contains("close"), "asks before it closes");
            admin.click(By.cssSelector("[data-testid=\"admin-confirm\"]"));
            ann.await("ann's chat closed by an administrator", d -> "closed".equals(ann.state("chat"))
                    && ann.stateText("chat").equals("offline (closed by an administrator)"));
            bob.await("ann left", d -> !bob.members().contains(annId));
            admin.await("ann's chat connection gone", d -> rows(admin, annRow).isEmpty());
            assertEquals("closed", ann.state("chat"), "no reconnect after 4500");
            assertTrue(ann.byTestId("chat-retry").getDomAttribute("hidden") != null, "no countdown either");
            ann.await("the banner says how to come back", d -> ann.byTestId("offline-banner").getText()
                    .equals("Connection closed: offline (closed by an administrator). Reload the page to connect again."));
            ann.screenshot("admin-closed-connection");

            for (ChatPage page : List.of(ann, bob, admin)) {
                assertEquals(List.of(), page.consoleErrors(), "no script errors or CSP violations");
            }
        }
    }

    @Test
    void aWrongKeyIsRefusedAndForgotten() {
        try (var a = Browsers.open()) {
            ChatPage admin = new ChatPage(a).open(pageIn("admin-wrong")).enterAs("root");
            admin.showView("admin");
            admin.byTestId("admin-key-input").sendKeys("not-the-key");
            admin.byTestId("admin-key-submit").click();
            admin.await("told the key is wrong", d -> admin.byTestId("admin-error").isDisplayed()
                    && admin.byTestId("admin-error").getText().contains("not right"));
            assertTrue(admin.byTestId("admin-key-form").isDisplayed(), "asked again");
            assertFalse(admin.byTestId("admin-body").isDisplayed());
            assertEquals(null, admin.script("return sessionStorage.getItem('switchboard.adminKey');"));
        }
    }
}

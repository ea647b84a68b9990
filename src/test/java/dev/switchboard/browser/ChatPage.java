package dev.switchboard.browser;


import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;

/** The Switchboard page as a person uses it, found through its {@code data-testid} attributes. */
final class ChatPage {

    static final Duration TIMEOUT = Duration.ofSeconds(20);
    static final Path SCREENSHOTS = Path.of(System.getProperty("switchboard.screenshots", "target/screenshots"));

    /** A message as the page shows it. */
    record Message(String from, String text, long offset) {}

    final ChromeDriver driver;
    ChatPage(Browsers.Browser browser) {
        this.driver = browser.driver();
    }

    ChatPage open(URI page) {
        driver.get(page.toString());
        return this;
    }

    /** Chooses a name in the form and waits until the page is connected and in its first room. */
    ChatPage enterAs(String name) {
        byTestId("name-input").sendKeys(name);
        byTestId("name-submit").click();
        return awaitInRoom();
    }

    /** Waits until the page is connected and in the room on screen (a page opened with a token has no name form). */
    ChatPage awaitInRoom() {
        await("chat connected", d -> "open".equals(state("chat")));
        await("joined the room", d -> !me().isEmpty() && members().contains(me()));
        return this;
    }

    /** The page's own identity as the server named it ({@code guest:ann}): the element shows "ann" and a guest mark. */
    String me() {
        String user = byTestId("me").getDomAttribute("data-user");
        return user == null ? "" : user;
    }

    /** An identity as the page shows it in text: a guest's name without {@code guest:} (its mark is an element). */
    static String shown(String identity) {
        return identity.startsWith("guest:") ? identity.substring("guest:".length()) : identity;
    }

    /** What the page shows as its own name (a guest: the name and its "guest" mark). */
    String meShown() {
        return byTestId("me").getText().trim();
    }

    /** Opens the page again in the same tab (its name and rooms are kept) and waits until it is back in its room. */
    ChatPage reload() {
        driver.navigate().refresh();
        return awaitInRoom();
    }

    /** Writes in the composer (a line break as Shift+Enter) and presses Enter. */
    void say(String text) {
        WebElement input = byTestId("composer-input");
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                input.sendKeys(Keys.chord(Keys.SHIFT, Keys.ENTER));
            }
            input.sendKeys(lines[i]);
        }
        input.sendKeys(Keys.ENTER);
    }

    /** Confirmed messages of the conversation on screen, top to bottom (pending ones excluded). */
    List<Message> messages() {
        return items().stream().map(i -> new Message(i.from(), i.text(), i.offset())).toList();
    }

    List<String> texts() {
        return messages().stream().map(Message::text).toList();
    }

    void awaitText(String text) {
        await("message \"" + text + "\" shown", d -> texts().contains(text));
    }

    @SuppressWarnings("unchecked")
    List<String> members() {
        return (List<String>) driver.executeScript(
                "return [...document.querySelectorAll('[data-testid=\"member\"]')].map(li => li.dataset.user);");
    }

    /**
     * A message of the conversation on screen in its chat 1.1 state. {@code reactions}: emoji → count, in the order
     * shown; {@code pressed}: the emoji this user's own reaction is on; {@code receipt}: a whisper's "delivered" or
     * "seen" ("" when none is shown).
     */
    record Item(String id, String from, String text, long offset, boolean mine, boolean edited, boolean deleted,
                Map<String, Integer> reactions, List<String> pressed, String receipt) {}

    /**
     * Confirmed messages of the conversation on screen, top to bottom, with their state as the page shows it: marks,
     * reactions and receipts count only when visible. {@code text} is the message's text element (empty when deleted).
     */
    @SuppressWarnings("unchecked")
    List<Item> items() {
        List<Map<String, Object>> rows = (List<Map<String, Object>>) driver.executeScript("""
                const log = document.querySelector('[data-testid="message-list"]:not([hidden])');
                if (!log) return [];
                const shown = (el) => Boolean(el) && !el.hidden && el.getClientRects().length > 0;
                return [...log.querySelectorAll('[data-testid="message"]')].map(li => {
                  const q = (id) => li.querySelector('[data-testid="' + id + '"]');
                  const text = q('message-text');
                  const receipt = q('whisper-receipt');
                  const chips = [...li.querySelectorAll('[data-testid="reaction"]')].filter(shown);
                  return {
                    id: li.dataset.id, from: li.dataset.from, offset: Number(li.dataset.offset || -1),
                    text: text.textContent,
                    mine: li.dataset.mine === 'true',
                    edited: li.dataset.edited !== undefined && shown(q('message-edited')),
                    deleted: li.dataset.deleted === 'true' && shown(q('message-deleted')),
                    emoji: chips.map(c => c.dataset.emoji),
                    counts: chips.map(c => Number(c.dataset.count)),
                    pressed: chips.filter(c => c.getAttribute('aria-pressed') === 'true').map(c => c.dataset.emoji),
                    receipt: shown(receipt) ? receipt.dataset.receipt : ''
                  };
                });""");
        return rows.stream().map(r -> {
            List<String> emoji = (List<String>) r.get("emoji");
            List<Number> counts = (List<Number>) r.get("counts");
            Map<String, Integer> reactions = new LinkedHashMap<>();
            for (int i = 0; i < emoji.size(); i++) {
                reactions.put(emoji.get(i), counts.get(i).intValue());
            }
            return new Item((String) r.get("id"), (String) r.get("from"), (String) r.get("text"),
                    ((Number) r.get("offset")).longValue(), (Boolean) r.get("mine"), (Boolean) r.get("edited"),
                    (Boolean) r.get("deleted"), reactions, List.copyOf((List<String>) r.get("pressed")),
                    (String) r.get("receipt"));
        }).toList();
    }

    /** The message with that id in the conversation on screen, or null while it is not shown. */
    Item item(String id) {
        return items().stream().filter(i -> i.id().equals(id)).findFirst().orElse(null);
    }

    /** The id of the message shown with that text (waits for it). */
    String idOf(String text) {
        return await("message \"" + text + "\" shown", d -> items().stream()
                .filter(i -> i.text().equals(text)).map(Item::id).findFirst().orElse(null));
    }

    /** The {@code <li>} of a message of the conversation on screen, by id. */
    WebElement messageElement(String id) {
        return driver.findElement(By.cssSelector(
                "[data-testid=\"message-list\"]:not([hidden]) [data-testid=\"message\"][data-id=\"" + id + "\"]"));
    }

    /**
     * Points at a message, as a person does to see its buttons (they show on hover), and clicks one of them:
     * {@code message-react}, {@code message-edit}, {@code message-delete}.
     */
    void messageAction(String id, String testid) {
        WebElement li = messageElement(id);
        new Actions(driver).moveToElement(li).perform();
        WebElement button = li.findElement(By.cssSelector("[data-testid=\"message-actions\"] [data-testid=\"" + testid + "\"]"));
        await(testid + " shown on hover", d -> button.isDisplayed());
        button.click();
    }

    /** Something inside a message by test id (and emoji, for {@code reaction-option} and {@code reaction}). */
    WebElement inMessage(String id, String testid, String emoji) {
        String selector = "[data-testid=\"" + testid + "\"]" + (emoji == null ? "" : "[data-emoji=\"" + emoji + "\"]");
        return messageElement(id).findElement(By.cssSelector(selector));
    }

    /** The unread count on a room's entry in the sidebar: 0 when its badge is hidden. */
    int unread(String room) {
        return unreadOn("room-" + room);
    }

    /** The unread count on a sidebar entry ({@code room-NAME}, {@code dm-USER}): 0 when its badge is hidden. */
    int unreadOn(String testid) {
        WebElement badge = byTestId(testid).findElement(By.cssSelector("[data-testid=\"unread\"]"));
        return badge.isDisplayed() ? Integer.parseInt(badge.getText().trim()) : 0;
    }

    /** Opens the private conversation with a member of the room on screen (its ✉ button), by identity. */
    void openPrivate(String user) {
        await(user + " listed", d -> members().contains(user));
        byTestId("whisper-" + user).click();
        await("the private conversation with " + user + " is shown",
                d -> user.equals(byTestId("conversation-title").getDomAttribute("data-user")));
    }

    /** True when the room's entry in the sidebar says the page is in it (its joined answer was applied). */
    boolean joined(String room) {
        return "joined".equals(byTestId("room-" + room).findElement(By.xpath("..")).getDomAttribute("data-state"));
    }

    /** Selects a conversation in the sidebar ({@code room-NAME} / {@code dm-USER}) and waits until it is on screen. */
    void select(String testid) {
        byTestId(testid).click();
        await(testid + " on screen", d -> "true".equals(byTestId(testid).getDomAttribute("aria-current")));
    }

    /** Texts of the messages right before and after the "new messages" line; null when it is not shown. */
    @SuppressWarnings("unchecked")
    List<String> aroundNewMessagesLine() {
        return (List<String>) driver.executeScript("""
                const line = document.querySelector('[data-testid="message-list"]:not([hidden]) [data-testid="new-messages"]');
                if (!line) return null;
                const text = (li) => li ? li.querySelector('[data-testid="message-text"]').textContent : '';
                let before = line.previousElementSibling, after = line.nextElementSibling;
                while (before && before.dataset.testid !== 'message') before = before.previousElementSibling;
                while (after && after.dataset.testid !== 'message') after = after.nextElementSibling;
                return [text(before), text(after)];""");
    }

    String typing() {
        return byTestId("typing-indicator").getText();
    }

    /** data-state of a connection indicator: "chat" or "live" → connecting | open | reconnecting | closed. */
    String state(String which) {
        return byTestId(which + "-state").getDomAttribute("data-state");
    }

    String stateText(String which) {
        return byTestId(which + "-state-text").getText();
    }

    void showView(String view) {
        byTestId("nav-" + view).click();
        await(view + " view shown", d -> byTestId(view + "-view").isDisplayed());
    }

    /**
     * Clicks what {@code by} finds, as a user clicks what is on screen: found again when the page replaced it between
     * finding and clicking (a refresh that changed it).
     */
    void click(By by) {
        await("clickable: " + by, d -> {
            try {
                d.findElement(by).click();
                return true;
            } catch (StaleElementReferenceException e) {
                return false;
            }
        });
    }

    WebElement byTestId(String id) {
        return driver.findElement(By.cssSelector("[data-testid=\"" + id + "\"]"));
    }

    List<WebElement> allByTestId(String id) {
        return driver.findElements(By.cssSelector("[data-testid=\"" + id + "\"]"));
    }

    Object script(String js, Object... args) {
        return driver.executeScript(js, args);
    }

    /** Waits (polling, never sleeping blindly) until the condition holds. */
    <T> T await(String what, Function<WebDriver, T> condition) {
        return await(what, TIMEOUT, condition);
    }

    /**
     * On a timeout, saves a screenshot named after the failed expectation and adds the console to the message. A
     * condition that met an element the page replaced meanwhile is asked again.
     */
    <T> T await(String what, Duration timeout, Function<WebDriver, T> condition) {
        try {
            return new WebDriverWait(driver, timeout).withMessage(what)
                    .ignoring(StaleElementReferenceException.class).until((ExpectedCondition<T>) condition::apply);
        } catch (TimeoutException e) {
            Path shot = screenshot("FAILED-" + what.replaceAll("[^A-Za-z0-9]+", "-"));
            throw new TimeoutException(e.getMessage() + "\nscreenshot: " + shot + "\nconsole: " + consoleErrors(), e);
        }
    }

    /** Saves a PNG of the window under target/screenshots/. */
    Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path target = SCREENSHOTS.resolve(name + ".png");
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Console messages of level SEVERE (script errors, CSP violations) since the last call. */
    List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .toList();
    }
}

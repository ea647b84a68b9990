package dev.switchboard.browser;


import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
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
    @SuppressWarnings("unchecked")
    List<Message> messages() {
        List<Map<String, Object>> rows = (List<Map<String, Object>>) driver.executeScript("""
                const log = document.querySelector('[data-testid="message-list"]:not([hidden])');
                if (!log) return [];
                return [...log.querySelectorAll('[data-testid="message"]')].map(li => ({
                  from: li.dataset.from,
                  text: li.querySelector('[data-testid="message-text"]').textContent,
                  offset: Number(li.dataset.offset || -1)
                }));""");
        return rows.stream()
                .map(r -> new Message((String) r.get("from"), (String) r.get("text"), ((Number) r.get("offset")).longValue()))
                .toList();
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

    /** On a timeout, saves a screenshot named after the failed expectation and adds the console to the message. */
    <T> T await(String what, Duration timeout, Function<WebDriver, T> condition) {
        try {
            return new WebDriverWait(driver, timeout).withMessage(what).until((ExpectedCondition<T>) condition::apply);
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

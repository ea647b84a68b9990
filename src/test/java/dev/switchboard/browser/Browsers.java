package dev.switchboard.browser;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.logging.Level;
import java.util.stream.Stream;

/**
 * Headless Chromium from the machine's packages, driven by its own ChromeDriver: nothing is downloaded (no Selenium
 * Manager). Paths default to Debian's {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver}; override with
 * {@code -Dswitchboard.chromium=…} and {@code -Dswitchboard.chromedriver=…}. Without them the browser tests are
 * skipped, saying how to install them.
 */
final class Browsers {

    static final String INSTALL = "apt-get update && apt-get install -y chromium chromium-driver";

    static final File CHROMIUM = new File(System.getProperty("switchboard.chromium", "/usr/bin/chromium"));
    static final File CHROMEDRIVER = new File(System.getProperty("switchboard.chromedriver", "/usr/bin/chromedriver"));

    private Browsers() {
    }

    static boolean installed() {
        return CHROMIUM.canExecute() && CHROMEDRIVER.canExecute();
    }

    /** Skips the calling test (JUnit assumption) when Chromium or ChromeDriver is missing. */
    static void assumeInstalled() {
        Assumptions.assumeTrue(installed(),
                () -> "browser tests need Chromium at " + CHROMIUM + " and ChromeDriver at " + CHROMEDRIVER
                        + " (Debian: " + INSTALL + ")");
    }

    /** A new browser with a fresh profile: its own cookies and storage, like a second person. Close it. */
    static Browser open() {
        Path profile;
        try {
            profile = Files.createTempDirectory("switchboard-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        // Flags that work here as root on a machine without network or GPU.
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1280,860",
                "--lang=en-US");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER)
                .usingAnyFreePort()
                .build();
        return new Browser(new ChromeDriver(service, options), profile);
    }

    /** One browser and its profile directory. */
    record Browser(ChromeDriver driver, Path profile) implements AutoCloseable {
        @Override
        public void close() {
            try {
                driver.quit();
            } finally {
                try (Stream<Path> files = Files.walk(profile)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException ignored) {
                    // a temporary directory; the OS cleans it eventually
                }
            }
        }
    }
}

package dev.switchboard.browser;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * Browser tests against one page server per class: started only where Chromium is installed, and every test
 * reported as skipped, with the reason and the install command, where it is not.
 */
abstract class PageTest {

    static PageServer server;

    @BeforeAll
    static void startServer() {
        if (Browsers.installed()) {
            server = PageServer.start();
        }
    }

    @BeforeEach
    void needsBrowser() {
        Browsers.assumeInstalled(); // per test, so that each one is reported as skipped, with the reason
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}

package dev.switchboard.browser;

import dev.switchboard.testing.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page's Data view in headless Chromium against a real PostgreSQL: the watched table's rows appear, and what a
 * {@code psql} writer commits reaches the page at once — inserted in key order, updated in place, removed — each
 * with a highlight; the chart follows a numeric column; no script error or CSP violation.
 */
class DataViewBrowserTest {

    private static PostgresServer postgres;
    private static String database;
    private static PageServer server;

    @BeforeAll
    static void start() {
        Browsers.assumeInstalled();
        postgres = PostgresServer.start();
        database = postgres.createDatabase();
        postgres.psql(database, "CREATE TABLE orders (id int PRIMARY KEY, item text NOT NULL, qty int NOT NULL, "
                + "price numeric(8, 2)); INSERT INTO orders VALUES (1, 'tea', 2, 3.50), (3, 'cake', 1, 4.20), "
                + "(5, '<img src=x onerror=window.__xss=1>', 4, NULL)");
        server = PageServer.start(Map.of("dbUrl", database, "dbUser", "postgres", "dbWatch", "orders",
                "statsIntervalMs", "0", "demoIntervalMs", "0"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    /** Records each highlight as it happens ("inserted [4]", "changed [3] qty", "removing [1]"). */
    private static final String RECORD_HIGHLIGHTS = """
            window.__highlights = [];
            const body = document.querySelector('[data-testid="data-table"] tbody');
            new MutationObserver((changes) => {
              for (const m of changes) {
                for (const tr of m.addedNodes) {
                  if (tr.classList?.contains('inserted')) window.__highlights.push('inserted ' + tr.dataset.key);
                }
                const el = m.target;
                if (m.type !== 'attributes') continue;
                if (el.classList.contains('changed')) {
                  window.__highlights.push('changed ' + el.closest('tr').dataset.key + ' ' + el.dataset.column);
                }
                if (el.classList.contains('removing')) window.__highlights.push('removing ' + el.dataset.key);
              }
            }).observe(body, { childList: true, subtree: true, attributes: true, attributeFilter: ['class'] });
            """;

    @Test
    void aPsqlWriteReachesTheDataViewAtOnce() {
        try (var browser = Browsers.open()) {
            ChatPage dora = new ChatPage(browser).open(server.base()).enterAs("dora");
            dora.showView("data");
            dora.await("the table's rows", d -> keys(dora).equals(List.of("[1]", "[3]", "[5]")));
            assertEquals("orders", dora.byTestId("data-table-select").getDomProperty("value"));
            List<WebElement> head = dora.byTestId("data-table").findElements(By.cssSelector("thead th"));
            assertEquals(List.of("id", "item", "qty", "price"), head.stream().map(WebElement::getText).toList());
            assertEquals("key", head.get(0).getDomAttribute("class"), "the primary key is marked");
            assertEquals(List.of("3", "cake", "1", "4.2"), cells(dora, "[3]"));
            assertEquals("—", cells(dora, "[5]").get(3), "NULL");
            assertEquals("<img src=x onerror=window.__xss=1>", cells(dora, "[5]").get(1), "text stays text");
            assertEquals("qty", dora.byTestId("data-column-select").getDomProperty("value"), "the chart's column");
            dora.script(RECORD_HIGHLIGHTS);

            postgres.psql(database, "INSERT INTO orders VALUES (4, 'scone', 6, 2.80)");
            dora.await("the insert, in key order", d -> keys(dora).equals(List.of("[1]", "[3]", "[4]", "[5]")));
            assertEquals(List.of("4", "scone", "6", "2.8"), cells(dora, "[4]"));

            WebElement cake = row(dora, "[3]");
            postgres.psql(database, "UPDATE orders SET qty = 9 WHERE id = 3");
            dora.await("the update, in place", d -> cells(dora, "[3]").get(2).equals("9"));
            assertTrue(cake.isDisplayed(), "the same row element was changed, not replaced");

            postgres.psql(database, "DELETE FROM orders WHERE id = 1");
            dora.await("the delete", d -> keys(dora).equals(List.of("[3]", "[4]", "[5]")));
            dora.await("each with a highlight", d -> highlights(dora).containsAll(
                    List.of("inserted [4]", "changed [3] qty", "removing [1]")));
            assertTrue(!highlights(dora).contains("changed [3] item"), "only the changed cell: " + highlights(dora));

            String points = dora.byTestId("data-chart").getDomAttribute("data-points");
            assertTrue(points != null && Integer.parseInt(points) >= 4, "a point per change: " + points);
            assertEquals(1, dora.byTestId("data-chart").findElements(By.cssSelector("canvas")).size(), "drawn");
            assertTrue(dora.byTestId("data-status").getText().startsWith("3 rows"), dora.byTestId("data-status").getText());
            assertEquals(true, dora.script("return typeof window.__xss === 'undefined';"));
            dora.screenshot("data-view");
            assertEquals(List.of(), dora.consoleErrors(), "no script errors or CSP violations");
        }
    }

    private static List<String> keys(ChatPage page) {
        return page.allByTestId("data-row").stream().map(r -> r.getDomAttribute("data-key")).toList();
    }

    private static WebElement row(ChatPage page, String key) {
        return page.byTestId("data-table").findElement(By.cssSelector("tr[data-testid=\"data-row\"][data-key=\""
                + key.replace("\"", "\\\"") + "\"]"));
    }

    private static List<String> cells(ChatPage page, String key) {
        return row(page, key).findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<String> highlights(ChatPage page) {
        return (List<String>) page.script("return window.__highlights;");
    }
}

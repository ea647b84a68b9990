package dev.switchboard.browser;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Notifications published over HTTP, and the live dashboard. */
class NotificationsBrowserTest extends PageTest {

    private static void awaitSubscribed(ChatPage page, String topic) {
        page.await("subscribed to " + topic, d -> page.allByTestId("topic").stream()
                .anyMatch(e -> topic.equals(e.getDomAttribute("data-topic"))
                        && "true".equals(e.getDomAttribute("data-subscribed"))));
    }

    @Test
    void notificationPublishedOverHttpAppearsOnThePage() {
        try (var a = Browsers.open()) {
            ChatPage kim = new ChatPage(a).open(server.base()).enterAs("kim");
            awaitSubscribed(kim, "news");

            assertEquals(202, server.publish("news", "{\"title\":\"Deploy of v1.2 finished\",\"build\":812}"));
            kim.await("a toast", d -> kim.allByTestId("toast-text").stream()
                    .anyMatch(e -> e.getText().equals("Deploy of v1.2 finished")));
            kim.await("unread count", d -> kim.byTestId("notification-count").getText().equals("1"));
            kim.screenshot("notification-toast");

            String payload = "<img src=x onerror=window.__xss=1>";
            assertEquals(202, server.publish("news", "{\"title\":\"" + payload + "\"}"));
            kim.showView("notifications");
            kim.await("both in the list, newest first", d -> kim.allByTestId("notification-text").stream()
                    .map(e -> e.getText()).toList().equals(List.of(payload, "Deploy of v1.2 finished")));
            assertEquals(true, kim.script("return typeof window.__xss === 'undefined';"));
            assertEquals(0L, kim.script("return document.querySelectorAll('[data-testid=\"notification-list\"] img, "
                    + "[data-testid=\"toasts\"] img').length;"));
            assertTrue(kim.byTestId("notification-count").getDomAttribute("hidden") != null, "read once shown");
            kim.screenshot("notifications");
            assertEquals(List.of(), kim.consoleErrors(), "no script errors or CSP violations");
        }
    }

    @Test
    void dashboardChartsServerStatsAndTheDemoTopicLive() {
        try (var a = Browsers.open()) {
            ChatPage lou = new ChatPage(a).open(server.base()).enterAs("lou");
            lou.showView("dashboard");
            lou.await("the server's counters", Duration.ofSeconds(10),
                    d -> lou.byTestId("stat-connections").getText().matches("[1-9]\\d*"));
            assertEquals("1", lou.byTestId("stat-nodes").getText(), "one node, counted in the totals");

            // The server's demo feed publishes to 'demo' every second; the charts move with it.
            lou.await("a few seconds of samples", Duration.ofSeconds(15),
                    d -> points(lou, "chart-rate") >= 5 && points(lou, "chart-demo") >= 5);
            // A sample with a field never seen before gets a series of its own; text fields are ignored.
            assertEquals(202, server.publish("demo", "{\"orders\":7,\"refunds\":2,\"label\":\"ignored\"}"));
            lou.await("a series per numeric field", d -> legend(lou, "chart-demo").containsAll(List.of("orders", "refunds"))
                    && !legend(lou, "chart-demo").contains("label"));
            int before = points(lou, "chart-demo");
            lou.await("still moving", Duration.ofSeconds(10), d -> points(lou, "chart-demo") >= before + 3);
            for (String chart : List.of("chart-rate", "chart-load", "chart-demo")) {
                assertEquals(1, lou.byTestId(chart).findElements(By.cssSelector("canvas")).size(), chart + " drawn");
            }
            lou.driver.manage().window().setSize(new Dimension(1280, 1180)); // the whole view
            lou.await("charts resized", d -> lou.byTestId("chart-demo").findElement(By.cssSelector("canvas")).isDisplayed());
            lou.screenshot("dashboard");
            assertEquals(List.of(), lou.consoleErrors(), "uPlot runs under the page's CSP");
        }
    }

    private static List<String> legend(ChatPage page, String chart) {
        return page.byTestId(chart).findElements(By.cssSelector(".u-legend .u-series")).stream()
                .map(e -> e.getText().trim()).filter(t -> !t.isEmpty()).toList();
    }

    private static int points(ChatPage page, String chart) {
        String n = page.byTestId(chart).getDomAttribute("data-points");
        return n == null ? 0 : Integer.parseInt(n);
    }
}

package dev.switchboard.browser;

import dev.switchboard.testing.FormLogin;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.Poll;
import dev.switchboard.testing.PostgresServer;
import dev.switchboard.testing.PrometheusText;
import dev.switchboard.testing.Processes;
import dev.switchboard.testing.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Switchboard in a real Spring Boot 3 application (src/test/spring-app: web, Spring Security's form login, JDBC on a
 * real PostgreSQL server started here, Actuator), built here with the build's own Maven from Spring Boot's artifacts
 * and this build's classes jar, and started as Boot's executable jar on a free port: the auto-configuration alone
 * switches Switchboard on, settings come from application.properties, the chat name is the Spring Security login,
 * {@code Notifier} publishes from a {@code @Transactional} service through the outbox in the order's own transaction
 * ({@code db-use-app-data-source}): after the commit only, once, also when the node dies right after the commit; and
 * the meters reach Actuator's /actuator/prometheus.
 *
 * <p>A Failsafe execution of its own (it-spring): it needs the packaged classes jar; about 30-60 s here, most of it
 * building and starting the application.
 */
@Tag("spring-boot")
class SpringBootIT {

    private static final String METRICS_KEY = "shop-metrics-key"; // the application's application.properties
    private static final String PUBLISHER_KEY = "shop-publisher-key";
    private static PostgresServer postgres;
    private static String dbUrl;
    private static Path build;
    private static Process app;
    private static int port;
    private static URI base;

    @BeforeAll
    static void buildAndStart() throws Exception {
        postgres = PostgresServer.start();
        dbUrl = postgres.createDatabase();
        Path appDir = Path.of(System.getProperty("spring.app.dir", "src/test/spring-app")).toAbsolutePath();
        build = Path.of(System.getProperty("spring.app.build", "target/spring-app")).toAbsolutePath();
        Path classesJar = Path.of(System.getProperty("switchboard.classesJar", "target/switchboard-classes.jar"))
                .toAbsolutePath();
        assertTrue(Files.isRegularFile(classesJar), "run after mvn package: " + classesJar);
        // from scratch: Boot's repackaging leaves a jar it repackaged before alone, with the classes jar of then
        if (Files.exists(build)) {
            try (var old = Files.walk(build)) {
                old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(build);

        List<String> mvn = new ArrayList<>(List.of(maven(), "-B", "-q", "-f", appDir.resolve("pom.xml").toString(),
                "-Dshop.build=" + build, "-Dswitchboard.classesJar=" + classesJar, "-DskipTests", "package"));
        // not -o even when this build is offline: with everything in the local repository nothing is fetched, and
        // on a new machine the application's Spring Boot artifacts come from Maven Central like this build's
        String repo = System.getProperty("maven.repo.local", "");
        if (!repo.isEmpty()) {
            mvn.add(1, "-Dmaven.repo.local=" + repo);
        }
        File buildLog = build.resolve("build.log").toFile();
        Process maven = new ProcessBuilder(mvn).redirectErrorStream(true).redirectOutput(buildLog).start();
        if (!maven.waitFor(5, TimeUnit.MINUTES)) {
            maven.destroyForcibly();
            throw new AssertionError("the Spring Boot application did not build within 5 minutes: " + buildLog);
        }
        assertEquals(0, maven.exitValue(), () -> "building the Spring Boot application failed: " + tail(buildLog.toPath()));

        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        base = URI.create("http://127.0.0.1:" + port + "/");
        startApp();
    }

    /** Starts the built application (again, after a crash: same port, same database) and waits until it answers. */
    private static void startApp() throws IOException {
        File appLog = build.resolve("app.log").toFile();
        // C1 only and the serial collector: a quicker start on a small machine (2 cores shared by the whole build)
        app = new ProcessBuilder(javaBin(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar",
                build.resolve("shop.jar").toString(),
                "--server.port=" + port, "--server.address=127.0.0.1",
                "--spring.datasource.url=" + dbUrl, "--spring.datasource.username=postgres")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(appLog)).start();
        try {
            Poll.until(() -> {
                assertTrue(app.isAlive(), () -> "the application stopped: " + tail(appLog.toPath()));
                return up();
            }, "the Spring Boot application answers /actuator/health", Duration.ofSeconds(120));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + tail(appLog.toPath()), e);
        }
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.destroy(); // SIGTERM: Spring Boot closes the context, Switchboard closes its sockets with 1001
            Processes.awaitExit(app);
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private static boolean up() {
        try {
            return Http.get(base.resolve("actuator/health"), null).status() == 200;
        } catch (AssertionError notYet) {
            return false;
        }
    }

    @Test
    void aLoggedInUserChatsUnderTheLoginNameAndOrdersArePublishedAfterCommitOnly() {
        Browsers.assumeInstalled();
        FormLogin bobsLogin = FormLogin.spring(base, "bob", "bob-password");
        try (Browsers.Browser browser = Browsers.open();
             WsClient bob = WsClient.connect(URI.create(ws("switchboard/ws/chat")), bobsLogin.cookieHeader())) {
            assertEquals("bob", bob.user(), "the chat name is the login");
            bob.join("shop");

            ChromeDriver page = browser.driver();
            page.get(base.toString()); // Spring Security sends the browser to its login form
            page.findElement(By.id("username")).sendKeys("alice");
            page.findElement(By.id("password")).sendKeys("alice-password");
            page.findElement(By.cssSelector("button[type=submit]")).click();
            awaitText(page, "me", "alice");
            awaitText(page, "chat-state", "joined");
            awaitText(page, "orders-state", "joined");

            page.executeScript("window.shop.say('is the red one in stock?')");
            JsonObject said = bob.await("message", m -> m.getString("text").equals("is the red one in stock?"));
            assertEquals("alice", said.getString("from"));
            bob.say("shop", "it is");
            awaitItem(page, "chat", "bob: it is");

            Object declined = page.executeAsyncScript("window.shop.order('umbrella', true).then(arguments[0])");
            assertTrue(declined.toString().contains("payment declined"), declined.toString());
            Object placed = page.executeAsyncScript("window.shop.order('teapot', false).then(arguments[0])");
            assertTrue(placed.toString().contains("id"), placed.toString());
            // notifications arrive in offset order: had the rolled-back one been sent, it would be listed before
            awaitItem(page, "orders", "teapot committed");
            assertEquals(List.of("teapot committed"), items(page, "orders"),
                    "the notification of the rolled-back order was never sent");

            bobsLogin.springLogout(); // Spring Security invalidates the session: the login's sockets end
            assertEquals(4401, bob.awaitClose());
        }
    }

    @Test
    void anOrderPublishedInItsTransactionArrivesOnceWithItsOffsetAndADeclinedOneNever() {
        FormLogin alice = FormLogin.spring(base, "alice", "alice-password");
        try (WsClient bob = WsClient.connect(URI.create(ws("switchboard/ws/notifications")),
                FormLogin.spring(base, "bob", "bob-password").cookieHeader())) {
            bob.send("type", "subscribe", "topic", "orders");
            bob.expect("subscribed");

            JsonObject placed = order(alice, "item=teacup");
            assertTrue(placed.containsKey("id"), placed.toString());
            JsonObject declined = order(alice, "item=saucer&declined=true");
            assertEquals("payment declined", declined.getString("error"));
            assertEquals("RolledBackException", declined.getString("published"), "the stage says it was not sent");
            assertFalse(declined.containsKey("offset"), declined.toString());
            JsonObject last = order(alice, "item=spoon");

            List<JsonObject> arrived = new ArrayList<>();
            while (arrived.isEmpty() || !"spoon".equals(item(arrived.get(arrived.size() - 1)))) {
                arrived.add(bob.expect("notification"));
            }
            assertEquals(List.of("teacup", "spoon"), arrived.stream().map(SpringBootIT::item).toList(),
                    "each committed order once, in order; the declined one never");
            assertEquals(placed.getJsonNumber("offset").longValue(), arrived.get(0).getJsonNumber("offset").longValue(),
                    "the stage completed with the offset the subscriber got");
            assertEquals(last.getJsonNumber("offset").longValue(), arrived.get(1).getJsonNumber("offset").longValue());
        }
        assertEquals(0, count("SELECT COUNT(*) FROM orders WHERE item = 'saucer'"), "the declined order rolled back");
        Poll.until(() -> count("SELECT COUNT(*) FROM switchboard_outbox") == 0, "the relay empties the outbox");
    }

    /**
     * The node dies right after the order's commit, before anything in it learns of the commit (the application halts
     * its JVM in an afterCommit callback), and while the test holds the database's relay lock, so that no relay can
     * have published the notification before: it is in the outbox, committed with the order, and the restarted node
     * delivers it, once.
     */
    @Test
    void anOrderCommittedRightBeforeTheNodeDiesIsPublishedOnceAfterTheRestart() throws Exception {
        FormLogin alice = FormLogin.spring(base, "alice", "alice-password");
        try (Connection relayLock = DriverManager.getConnection(dbUrl, "postgres", "");
             Statement s = relayLock.createStatement()) {
            relayLock.setAutoCommit(false);
            s.executeQuery("SELECT state FROM switchboard_relay WHERE name = 'lock' FOR UPDATE").close();

            assertThrows(AssertionError.class, () -> alice.post("orders?item=kettle&crash=true"),
                    "the node dies before it answers");
            assertTrue(app.waitFor(30, TimeUnit.SECONDS), "the application halted");
            assertEquals(3, app.exitValue(), "halted by the order's afterCommit callback");
            assertEquals(1, count("SELECT COUNT(*) FROM orders WHERE item = 'kettle'"), "the order committed");
            assertEquals(1, count("SELECT COUNT(*) FROM switchboard_outbox WHERE topic = 'orders' "
                    + "AND data::text LIKE '%kettle%'"), "its notification committed with it, not yet published");
            relayLock.rollback();
        }

        startApp();
        Poll.until(() -> count("SELECT COUNT(*) FROM switchboard_outbox") == 0,
                "the restarted node publishes the outbox", Duration.ofSeconds(30));
        Http.Reply history = Http.get(base.resolve("switchboard/api/topics/orders?since=0"), PUBLISHER_KEY);
        assertEquals(200, history.status(), history.body());
        List<String> items = Json.createReader(new StringReader(history.body())).readObject()
                .getJsonArray("notifications").stream().map(n -> item(n.asJsonObject())).toList();
        assertEquals(List.of("kettle"), items, "delivered after the restart, once");
    }

    private static JsonObject order(FormLogin customer, String query) {
        java.net.http.HttpResponse<String> reply = customer.post("orders?" + query);
        assertEquals(200, reply.statusCode(), reply.body());
        return Json.createReader(new StringReader(reply.body())).readObject();
    }

    private static String item(JsonObject notification) {
        return notification.getJsonObject("data").getString("item");
    }

    private static long count(String sql) {
        try (Connection c = DriverManager.getConnection(dbUrl, "postgres", "");
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            throw new AssertionError(sql + ": " + e, e);
        }
    }

    @Test
    void anAnonymousHandshakeGetsNoSocket() {
        int status = WsClient.handshakeStatus(URI.create(ws("switchboard/ws/chat")), Map.of());
        assertEquals(302, status, "Spring Security sends an anonymous handshake to its login page");
    }

    @Test
    void switchboardsMetersAreInActuatorAndAtItsOwnEndpoint() {
        try (WsClient carol = WsClient.connect(URI.create(ws("switchboard/ws/notifications")),
                FormLogin.spring(base, "alice", "alice-password").cookieHeader())) {
            carol.send("type", "subscribe", "topic", "stock");
            carol.expect("subscribed");
            Poll.until(() -> PrometheusText.parse(Http.get(base.resolve("actuator/prometheus"), null).body())
                    .value("switchboard_joins_total{kind=\"topic\"}") >= 1, "the subscribe, in Actuator's registry");
            PrometheusText actuator = PrometheusText.parse(Http.get(base.resolve("actuator/prometheus"), null).body());
            assertEquals("counter", actuator.type("switchboard_joins_total"));
            assertEquals("histogram", actuator.type("switchboard_publish_to_send_seconds"));
            assertTrue(actuator.has("jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"}")
                    || actuator.type("jvm_memory_used_bytes") != null, "the application's own meters are there too");

            assertEquals(401, Http.get(base.resolve("switchboard/api/metrics"), null).status());
            Http.Reply own = Http.get(base.resolve("switchboard/api/metrics"), METRICS_KEY);
            assertEquals(200, own.status(), own.body());
            PrometheusText scrape = PrometheusText.parse(own.body());
            assertTrue(scrape.value("switchboard_connections{endpoint=\"notifications\"}") >= 0);
            assertTrue(scrape.value("switchboard_joins_total{kind=\"topic\"}") >= 1);
            assertFalse(scrape.has("jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"}"),
                    "Switchboard's endpoint serves Switchboard's meters only");
        }
    }

    private static String ws(String path) {
        return "ws://" + base.getAuthority() + "/" + path;
    }

    private static void awaitText(ChromeDriver page, String id, String text) {
        Poll.until(() -> text.equals(page.findElement(By.id(id)).getText()), "#" + id + " shows " + text);
    }

    private static void awaitItem(ChromeDriver page, String list, String text) {
        Poll.until(() -> items(page, list).contains(text), "#" + list + " lists " + text);
    }

    private static List<String> items(ChromeDriver page, String list) {
        return page.findElement(By.id(list)).findElements(By.tagName("li")).stream().map(WebElement::getText).toList();
    }

    private static String maven() {
        String home = System.getProperty("maven.home", "");
        if (!home.isEmpty() && new File(home, "bin/mvn").canExecute()) {
            return new File(home, "bin/mvn").getPath();
        }
        return "mvn";
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}

package dev.switchboard.standalone;

import dev.switchboard.testing.Http;
import dev.switchboard.testing.NodeProcess;
import dev.switchboard.testing.Poll;
import dev.switchboard.testing.Processes;
import dev.switchboard.testing.RedisServer;
import dev.switchboard.testing.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tracing and the admin API across two nodes in separate JVMs on one real redis-server (docs/tracing.md,
 * docs/admin.md): a trace given to node A reaches the subscribers of both nodes and the log lines of both nodes; the
 * path's timings are written to {@code target/cluster-it/trace-timings.txt}; each node's admin view shows its own
 * connections and every node's figures; a removal on one node reaches the members on the other.
 */
class TracingAdminClusterIT {

    private static final String KEY = "publisher-key";
    private static final String ADMIN_KEY = "cluster-admin-key-0123456789";
    private static final Path DIR = Path.of("target", "cluster-it");
    private static RedisServer redis;
    private static NodeProcess a;
    private static NodeProcess b;

    @BeforeAll
    static void startCluster() throws IOException {
        Files.createDirectories(DIR);
        Path logging = DIR.resolve("trace-logging.properties");
        // What docs/tracing.md tells an operator to use: the trace lines at DEBUG (FINE), the rest as usual.
        Files.writeString(logging, """
                handlers=java.util.logging.ConsoleHandler
                .level=INFO
                java.util.logging.ConsoleHandler.level=FINE
                java.util.logging.SimpleFormatter.format=%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n
                dev.switchboard.trace.level=FINE
                """);
        redis = RedisServer.start();
        NodeProcess[] both = NodeProcess.startAll(Map.of(
                "SWITCHBOARD_REDIS_URL", redis.url(),
                "SWITCHBOARD_PUBLISHER_KEY", KEY,
                "SWITCHBOARD_ADMIN_KEY", ADMIN_KEY,
                "SWITCHBOARD_STATS_INTERVAL_MS", "250",
                "SWITCHBOARD_DEMO_INTERVAL_MS", "0",
                "SWITCHBOARD_SHUTDOWN_GRACE_MS", "200",
                "JAVA_TOOL_OPTIONS", "-Djava.util.logging.config.file=" + logging.toAbsolutePath()), "trace-A", "trace-B");
        a = both[0];
        b = both[1];
    }

    @AfterAll
    static void stopCluster() {
        Processes.closeAll(a, b, redis);
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private static WsClient subscriber(NodeProcess node, String name, String topic) {
        WsClient c = WsClient.connect(node.ws("ws/notifications?name=" + name));
        c.send("type", "subscribe", "topic", topic);
        c.expect("subscribed");
        return c;
    }

    private static Http.Reply publish(NodeProcess node, String topic, String body, String traceparent) {
        return Http.request("POST", node.http("api/topics/" + topic), Map.of("Authorization", "Bearer " + KEY,
                "Content-Type", "application/json", "traceparent", traceparent), body);
    }

    private static JsonObject overview(NodeProcess node) {
        Http.Reply r = Http.get(node.http("api/admin/overview"), ADMIN_KEY);
        assertEquals(200, r.status(), r.body());
        return json(r.body());
    }

    /** The node's output since this run started it (a node's log file is appended to across runs). */
    private static String thisRun(NodeProcess node) {
        String out = node.output();
        int start = out.lastIndexOf("---- " + node.name() + " on port");
        return start < 0 ? out : out.substring(start);
    }

    private static List<String> lines(NodeProcess node, String trace, String step) {
        return thisRun(node).lines().filter(l -> l.contains("trace " + trace + " " + step)).toList();
    }

    @Test
    void aTraceGivenToOneNodeReachesTheSubscribersAndLogLinesOfBoth() throws IOException {
        String topic = "traced-" + System.nanoTime();
        try (WsClient a1 = subscriber(a, "a1", topic); WsClient a2 = subscriber(a, "a2", topic);
             WsClient b1 = subscriber(b, "b1", topic)) {
            // warm up the path first, so that the measured message shows the steady state, not class loading
            for (int i = 0; i < 200; i++) {
                assertEquals(202, Http.post(a.http("api/topics/" + topic), KEY, "{\"warm\":" + i + "}").status());
            }
            for (WsClient s : List.of(a1, a2, b1)) {
                s.await("notification", n -> n.getJsonObject("data").getInt("warm", -1) == 199);
            }
            String trace = randomTrace();
            Http.Reply accepted = publish(a, topic, "{\"order\":42}", trace);
            assertEquals(202, accepted.status(), accepted.body());
            long offset = json(accepted.body()).getJsonNumber("offset").longValue();
            for (WsClient s : List.of(a1, a2, b1)) {
                JsonObject n = s.await("notification", f -> f.getJsonNumber("offset").longValue() == offset);
                assertEquals(trace, n.getString("trace"), "carried through Redis to every node");
            }

            // Each line is written by the thread that did the step: a send may complete, and log, before the
            // delivering thread logs its "delivered" line (CI c28), so wait for every line, then check them.
            Poll.until(() -> lines(a, trace, "sent:").size() == 2 && lines(b, trace, "sent:").size() == 1
                            && lines(a, trace, "delivered:").size() == 1 && lines(b, trace, "delivered:").size() == 1,
                    "a sent line per connection and a delivered line on each node", Duration.ofSeconds(10));
            assertEquals(1, lines(a, trace, "accepted:").size(), thisRun(a));
            assertEquals(1, lines(a, trace, "stored:").size());
            assertTrue(lines(a, trace, "delivered:").get(0).contains("offset " + offset + " to 2 connections"));
            assertTrue(lines(b, trace, "delivered:").get(0).contains("offset " + offset + " to 1 connections"));
            assertTrue(lines(b, trace, "accepted:").isEmpty() && lines(b, trace, "stored:").isEmpty(),
                    "node B only delivers");
            for (NodeProcess node : List.of(a, b)) {
                assertTrue(thisRun(node).lines().filter(l -> l.contains("dev.switchboard.trace:"))
                        .allMatch(l -> l.contains(trace)), "untraced messages write no trace lines");
            }
            Files.writeString(DIR.resolve("trace-timings.txt"), timings(trace));
        }
    }

    private static String randomTrace() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        return String.format(Locale.ROOT, "00-%016x%016x-%016x-01", r.nextLong() | 1, r.nextLong(), r.nextLong() | 1);
    }

    /** The path's steps in time order across both nodes, in microseconds since the HTTP publish was accepted. */
    private static String timings(String trace) {
        Pattern at = Pattern.compile("trace " + Pattern.quote(trace) + " (\\S+?):? (.*) at (\\S+?Z)(?:, (\\d+) µs after (\\w+))?$");
        record Step(String node, String what, String detail, Instant at, String since) {}
        List<Step> steps = new ArrayList<>();
        for (NodeProcess node : List.of(a, b)) {
            for (String line : thisRun(node).lines().toList()) {
                int start = line.indexOf("trace " + trace);
                Matcher m = start < 0 ? null : at.matcher(line.substring(start));
                if (m != null && m.find()) {
                    steps.add(new Step(node.name(), m.group(1), m.group(2), Instant.parse(m.group(3)),
                            m.group(4) == null ? "" : m.group(4) + " µs after " + m.group(5)));
                }
            }
        }
        steps.sort(Comparator.comparing(Step::at));
        Instant zero = steps.get(0).at();
        StringBuilder out = new StringBuilder("# one traced message, " + Instant.now() + "\n");
        for (Step s : steps) {
            long micros = Duration.between(zero, s.at()).toNanos() / 1000;
            out.append(String.format(Locale.ROOT, "%8d µs  %-8s %-10s %s%s%n", micros, s.node(), s.what(), s.detail(),
                    s.since().isEmpty() ? "" : "  (" + s.since() + ")"));
        }
        return out.toString();
    }

    @Test
    void eachNodesAdminViewShowsItsConnectionsAndEveryNodesFiguresAndARemovalReachesTheOtherNode() {
        String room = "cluster-admin-" + System.nanoTime();
        try (WsClient ann = WsClient.connect(a.ws("ws/chat?name=ann")); WsClient bob = WsClient.connect(b.ws("ws/chat?name=bob"))) {
            ann.join(room);
            bob.join(room);
            String id = ann.say(room, "remove me from node B").getString("id");
            bob.await("message", m -> m.getString("id").equals(id));

            JsonObject onA = overview(a);
            String annSession = ann.welcome().getString("session");
            String bobSession = bob.welcome().getString("session");
            List<String> sessionsOnA = onA.getJsonArray("connections").getValuesAs(JsonObject.class).stream()
                    .map(c -> c.getString("id")).toList();
            assertTrue(sessionsOnA.contains(annSession) && !sessionsOnA.contains(bobSession), sessionsOnA.toString());
            Poll.until(() -> overview(a).getJsonArray("nodes").size() == 2, "both nodes' figures on A",
                    Duration.ofSeconds(10));
            JsonObject later = overview(b);
            Poll.until(() -> overview(b).getJsonObject("cluster").getInt("nodes") == 2, "cluster totals on B",
                    Duration.ofSeconds(10));
            assertFalse(later.getString("node").equals(onA.getString("node")), "each node answers for itself");

            assertEquals(200, Http.delete(b.http("api/admin/rooms/" + room + "/messages/" + id), ADMIN_KEY).status());
            for (WsClient c : List.of(ann, bob)) {
                assertTrue(c.await("deleted", d -> d.getString("id").equals(id)).getBoolean("admin"));
            }
            assertEquals(404, Http.delete(b.http("api/admin/connections/" + annSession), ADMIN_KEY).status(),
                    "a node closes its own connections only");
            assertEquals(200, Http.delete(a.http("api/admin/connections/" + annSession), ADMIN_KEY).status());
            assertEquals(4500, ann.awaitClose());
            ann.abort();
            bob.await("presence", p -> p.getString("event").equals("leave"));
        }
    }
}

package dev.switchboard.standalone;

import dev.switchboard.settings.Settings;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.RawFrame;
import dev.switchboard.testing.RawHttp;
import dev.switchboard.testing.RawWebSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP API requests whose bodies never come (issue 13, item 4). Before, a handful of POSTs declaring 1000 bytes and
 * sending one froze the whole runner, HTTP and every WebSocket, for about 30 s: the body was read, blocking, before the
 * key was checked, on the I/O threads every socket shares. The refusals and timeouts themselves: {@link HostileHttpTest}.
 */
class SlowRequestsTest {

    private static final String KEY = "slow-key";
    private static Runner runner;

    @BeforeAll
    static void start() throws Exception {
        runner = Runner.start(Settings.of(Map.of("publisherKey", KEY, "statsIntervalMs", "0", "demoIntervalMs", "0",
                "apiReadTimeoutMs", "1500")), "127.0.0.1", 0, null);
    }

    @AfterAll
    static void stop() {
        runner.close();
    }

    private static String post(String key, int declared, String sent) {
        return "POST /api/topics/slow HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + (key == null ? "" : "Authorization: Bearer " + key + "\r\n")
                + "Content-Length: " + declared + "\r\n\r\n" + sent;
    }

    /** A WebSocket ping's round trip, in milliseconds (the deadline fails the test). */
    private static long pingRoundTrip(RawWebSocket ws, Duration deadline) throws Exception {
        long start = System.nanoTime();
        ws.sendPing("rtt".getBytes(StandardCharsets.UTF_8));
        long end = start + deadline.toNanos();
        while (System.nanoTime() < end) {
            RawFrame f = ws.nextFrame(Duration.ofNanos(Math.max(1, end - System.nanoTime())));
            if (f != null && f.opcode() == RawWebSocket.OP_PONG) {
                return (System.nanoTime() - start) / 1_000_000;
            }
        }
        throw new AssertionError("no pong within " + deadline);
    }

    @Test
    void whileSlowBodiesHangAChatSocketsPingIsAnsweredPromptly() throws Exception {
        URI base = runner.baseUri();
        List<RawHttp> slow = new ArrayList<>();
        try (RawWebSocket chat = RawWebSocket.open(URI.create("ws://127.0.0.1:" + runner.port() + "/ws/chat?name=ann"),
                Duration.ofSeconds(10))) {
            chat.awaitText(Duration.ofSeconds(10)); // welcome
            assertEquals(200, Http.get(base.resolve("api/health"), null).status()); // the HTTP client warmed up
            for (int i = 0; i < 16; i++) {
                slow.add(RawHttp.connect(base).send(post(KEY, 1000, "{")));       // authorised: the body is read
                slow.add(RawHttp.connect(base).send(post(null, 1000, "{")));      // no key: refused before it
            }
            for (int i = 0; i < 5; i++) {
                long rtt = pingRoundTrip(chat, Duration.ofMillis(1000));
                assertTrue(rtt < 1000, "ping answered in " + rtt + " ms");
            }
            chat.sendText("{\"type\":\"ping\"}");
            assertTrue(chat.awaitLine(Duration.ofSeconds(1)).startsWith("{\"type\":\"pong\""), "the app's ping too");
            long start = System.nanoTime();
            assertEquals(200, Http.get(base.resolve("api/health"), null).status());
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms < 1000, "HTTP answers too, in " + ms + " ms");
        } finally {
            slow.forEach(RawHttp::close);
        }
    }

    @Test
    void aBodyArrivingInPiecesIsReadWhole() throws Exception {
        String body = "{\"price\":42,\"pad\":\"" + "x".repeat(20_000) + "\"}";
        try (RawHttp http = RawHttp.connect(runner.baseUri())) {
            http.send(post(KEY, body.length(), body.substring(0, 7)));
            Thread.sleep(100); // the rest later, in pieces, as a slow network would deliver it
            http.send(body.substring(7, 10_000));
            Thread.sleep(100);
            http.send(body.substring(10_000));
            String response = http.read(Duration.ofSeconds(5));
            assertTrue(response.startsWith("HTTP/1.1 202"), response);
            assertNotNull(runner.switchboard().hub().notifications("slow", 0, 100));
        }
        assertEquals(202, Http.post(runner.baseUri().resolve("api/topics/slow"), KEY, "{\"ok\":true}").status(),
                "and the ordinary way still works");
    }
}

package dev.switchboard.standalone;

import dev.switchboard.core.Stats;
import dev.switchboard.settings.Settings;
import dev.switchboard.testing.CloseResult;
import dev.switchboard.testing.Poll;
import dev.switchboard.testing.RawWebSocket;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * WebSocket pings on the runner (issue 13, item 6). Before, pings were answered without limit: a client that
 * flooded pings and never read made 100 000 pongs queue up (63 MB of heap for 13 MB of pings), past both the rate
 * limit and the outbox limit.
 */
class PingFloodTest {

    private static final Duration T = Duration.ofSeconds(10);

    private static RawWebSocket open(Runner runner) throws Exception {
        RawWebSocket ws = RawWebSocket.open(URI.create("ws://127.0.0.1:" + runner.port() + "/ws/chat?name=pinger"), T);
        assertTrue(ws.awaitText(T).get(0).startsWith("{\"type\":\"welcome\""));
        return ws;
    }

    /** Sends pings until {@code count} or the server ends the connection (a write then fails). */
    private static void flood(RawWebSocket ws, int count, int payload) {
        byte[] bytes = new byte[payload];
        try {
            for (int i = 0; i < count; i++) {
                ws.sendPing(bytes);
            }
        } catch (IOException e) {
            // closed by the server meanwhile: what the test is about
        }
    }

    @Test
    void pingsCountAgainstTheRateLimitAndAFloodIsClosed1008() throws Exception {
        try (Runner runner = Runner.start(Settings.of(Map.of("ratePerSecond", "20", "rateBurst", "40",
                "rateStrikes", "10", "statsIntervalMs", "0", "demoIntervalMs", "0")), "127.0.0.1", 0, null);
             RawWebSocket ws = open(runner)) {
            Stats stats = runner.switchboard().stats();
            flood(ws, 200, 4);
            Poll.until(() -> stats.abuseCloses.sum() == 1, "closed as a flood", T);
            assertTrue(stats.rateLimited.sum() >= 10, "pings were rate limited: " + stats.rateLimited.sum());
            CloseResult close = ws.awaitClose(T);
            assertEquals(1008, close.code(), close.toString());
        }
    }

    @Test
    void pongsAClientDoesNotReadCountAgainstTheOutboxAndCloseIt4001() throws Exception {
        try (Runner runner = Runner.start(Settings.of(Map.of("ratePerSecond", "1000000", "rateBurst", "1000000",
                "outboxMaxBytes", "65536", "statsIntervalMs", "0", "demoIntervalMs", "0")), "127.0.0.1", 0, null);
             RawWebSocket ws = open(runner)) {
            Stats stats = runner.switchboard().stats();
            ws.pauseReading(); // pongs pile up: first in the sockets' buffers, then in the server's write queue
            flood(ws, 20_000, 125); // 2.6 MB of pings, 2.5 MB of pongs
            Poll.until(() -> stats.slowConsumerCloses.sum() == 1, "closed as a slow consumer", T);
            assertEquals(0, stats.abuseCloses.sum(), "by the outbox, not the rate limit");
        }
    }
}

package dev.switchboard.standalone;

import dev.switchboard.settings.Settings;
import dev.switchboard.testing.Poll;
import dev.switchboard.testing.RawHttp;
import dev.switchboard.testing.RawWebSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connections that never become WebSocket connections (issue 13, item 5). Before, an idle TCP connection, request
 * headers sent a byte at a time, a half handshake and an idle keep-alive connection all stayed open for ever, and
 * one address could hold any number of them.
 */
class ConnectionTimeoutsTest {

    private static final int HEADER_MS = 600;
    private static final int KEEP_ALIVE_MS = 900;
    private static final int MAX_PENDING = 4;
    private static Runner runner;

    @BeforeAll
    static void start() throws Exception {
        runner = Runner.start(Settings.of(Map.of("headerTimeoutMs", "" + HEADER_MS, "keepAliveTimeoutMs",
                "" + KEEP_ALIVE_MS, "maxPendingConnectionsPerAddress", "" + MAX_PENDING, "statsIntervalMs", "0",
                "demoIntervalMs", "0")), "127.0.0.1", 0, null);
    }

    @AfterAll
    static void stop() {
        runner.close();
    }

    /** Waits until the server closes {@code http}; the milliseconds that took. */
    private static long closedAfter(RawHttp http, long start) throws Exception {
        assertTrue(http.awaitEnd(Duration.ofSeconds(5)), "closed by the server");
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static void awaitNoPending() {
        Poll.until(() -> runner.pendingConnections() == 0, "no connection left pending", Duration.ofSeconds(5));
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAfterHeaderTimeoutMs() throws Exception {
        awaitNoPending();
        long start = System.nanoTime();
        try (RawHttp http = RawHttp.connect(runner.baseUri())) {
            long ms = closedAfter(http, start);
            assertTrue(ms >= HEADER_MS - 50 && ms < HEADER_MS + 2000, "closed after " + ms + " ms");
        }
    }

    @Test
    void headersTricklingInDoNotExtendTheDeadline() throws Exception {
        for (String head : new String[] {"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: ",
                "GET /ws/chat?name=half HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"}) {
            long start = System.nanoTime();
            try (RawHttp http = RawHttp.connect(runner.baseUri())) {
                boolean closed = false;
                for (int i = 0; i < 40 && !closed; i++) {
                    try {
                        http.send(i < head.length() ? head.substring(i, i + 1) : "a");
                    } catch (java.io.IOException e) {
                        closed = true; // the server closed while we were still sending
                    }
                    closed = closed || http.awaitEnd(Duration.ofMillis(100));
                }
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertTrue(closed, "still open after " + ms + " ms of trickling");
                assertTrue(ms >= HEADER_MS - 50 && ms < HEADER_MS + 2000, "closed after " + ms + " ms");
            }
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterKeepAliveTimeoutMs() throws Exception {
        try (RawHttp http = RawHttp.connect(runner.baseUri())) {
            for (int i = 0; i < 2; i++) { // two requests on the connection: keep-alive works until it idles
                http.send("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n");
                assertTrue(http.read(Duration.ofSeconds(5)).startsWith("HTTP/1.1 200"));
            }
            long start = System.nanoTime();
            long ms = closedAfter(http, start);
            assertTrue(ms >= KEEP_ALIVE_MS - 50 && ms < KEEP_ALIVE_MS + 2000, "closed after " + ms + " ms");
        }
    }

    @Test
    void oneAddressMayHoldOnlySoManyConnectionsNotUpgraded() throws Exception {
        awaitNoPending();
        List<RawHttp> held = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_PENDING; i++) {
                held.add(RawHttp.connect(runner.baseUri()));
            }
            Poll.until(() -> runner.pendingConnections() == MAX_PENDING, "all held", Duration.ofSeconds(5));
            try (RawHttp more = RawHttp.connect(runner.baseUri())) {
                assertTrue(more.awaitEnd(Duration.ofMillis(HEADER_MS / 2)), "one more is closed at once");
            }
            assertEquals(MAX_PENDING, runner.pendingConnections(), "the held ones are still open");
        } finally {
            held.forEach(RawHttp::close);
        }
        awaitNoPending();
        // WebSocket connections do not count, and the timeouts leave them alone (their heartbeat watches them)
        List<RawWebSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_PENDING + 2; i++) {
                RawWebSocket ws = RawWebSocket.open(URI.create("ws://127.0.0.1:" + runner.port() + "/ws/chat?name=ws"
                        + i), Duration.ofSeconds(5));
                assertTrue(ws.awaitText(Duration.ofSeconds(5)).get(0).startsWith("{\"type\":\"welcome\""));
                sockets.add(ws);
            }
            assertEquals(0, runner.pendingConnections());
            Thread.sleep(KEEP_ALIVE_MS + HEADER_MS); // past both limits: nothing may close them
            for (RawWebSocket ws : sockets) {
                ws.sendText("{\"type\":\"ping\"}");
                assertTrue(ws.awaitLine(Duration.ofSeconds(5)).startsWith("{\"type\":\"pong\""));
                assertTrue(ws.isOpen());
            }
        } finally {
            sockets.forEach(RawWebSocket::close);
        }
    }
}

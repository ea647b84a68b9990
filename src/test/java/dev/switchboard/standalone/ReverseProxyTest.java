package dev.switchboard.standalone;


import dev.switchboard.settings.Settings;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.Nginx;
import dev.switchboard.testing.WsClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's nginx configuration in front of the runner: the WebSocket upgrade passes through, and pings keep an
 * idle socket open for longer than nginx's {@code proxy_read_timeout}. Skipped where nginx is not installed.
 */
class ReverseProxyTest {

    /** The README's http-level part (the Connection header follows the Upgrade header). */
    static final String HTTP = """
              map $http_upgrade $connection_upgrade {
                default upgrade;
                ''      close;
              }
            """;

    /** The README's location block; only the upstream port and proxy_read_timeout differ. */
    static String location(int upstream, String readTimeout) {
        return """
                  location / {
                    proxy_pass http://127.0.0.1:%d;
                    proxy_http_version 1.1;
                    proxy_set_header Upgrade $http_upgrade;
                    proxy_set_header Connection $connection_upgrade;
                    proxy_set_header Host $http_host;
                    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                    proxy_set_header X-Forwarded-Proto $scheme;
                    proxy_read_timeout %s;
                    proxy_send_timeout %s;
                    proxy_buffering off;
                  }
                """.formatted(upstream, readTimeout, readTimeout);
    }

    @BeforeAll
    static void nginxInstalled() {
        Nginx.assumeInstalled();
    }

    @Test
    void twoUsersChatThroughNginx() throws Exception {
        try (Runner runner = Runner.start(Settings.of(Map.of("statsIntervalMs", "0", "demoIntervalMs", "0")),
                "127.0.0.1", 0, null);
             Nginx nginx = Nginx.start("chat", HTTP, location(runner.port(), "75s"))) {
            URI ws = URI.create("ws://127.0.0.1:" + nginx.port() + "/ws/chat");
            assertTrue(Http.get(URI.create("http://127.0.0.1:" + nginx.port() + "/api/health"), null).body()
                    .contains("\"UP\""), nginx::log);
            try (WsClient ann = WsClient.connect(URI.create(ws + "?name=ann"), Map.of());
                 WsClient bob = WsClient.connect(URI.create(ws + "?name=bob"), Map.of())) {
                assertEquals("switchboard.v1", ann.subprotocol(), "the subprotocol passes through nginx");
                ann.send("type", "join", "room", "proxied").expect("joined");
                bob.send("type", "join", "room", "proxied").expect("joined");
                bob.send("type", "say", "room", "proxied", "text", "through nginx");
                JsonAssert.text(ann.await("message"), "through nginx", "guest:bob");
            }
        }
    }

    /**
     * Scaled down: pings (heartbeatMs 1000; the hub checks once a second, so one goes out every 1-2 s) keep a socket
     * open across 7 s of silence behind a 3 s proxy_read_timeout, which would otherwise have cut it twice.
     */
    @Test
    void serverPingsKeepAnIdleSocketOpenBehindNginx() throws Exception {
        try (Runner runner = Runner.start(Settings.of(Map.of("heartbeatMs", "1000", "statsIntervalMs", "0",
                "demoIntervalMs", "0")), "127.0.0.1", 0, null);
             Nginx nginx = Nginx.start("idle", HTTP, location(runner.port(), "3s"))) {
            URI ws = URI.create("ws://127.0.0.1:" + nginx.port() + "/ws/chat?name=idle");
            try (WsClient idle = WsClient.connect(ws, Map.of())) {
                idle.send("type", "join", "room", "quiet").expect("joined");
                idle.expectNothing(Duration.ofSeconds(7)); // over two read timeouts of nginx without a frame
                assertTrue(!idle.isClosed(), () -> "closed (" + idle.awaitClose() + " " + idle.closeReason() + "): " + nginx.log());
                idle.send("type", "say", "room", "quiet", "text", "still here");
                JsonAssert.text(idle.await("message"), "still here", "guest:idle");
            }
        }
    }

    private static final class JsonAssert {
        static void text(jakarta.json.JsonObject message, String text, String from) {
            assertEquals(text, message.getString("text"));
            assertEquals(from, message.getString("from"));
        }
    }
}

package dev.switchboard.standalone;


import dev.switchboard.settings.Settings;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** chatPath, notificationsPath and apiPath move the parts of Switchboard, and an empty value switches one off. */
class EndpointPathsTest {

    @Test
    void pathsMoveAndEmptyPathsSwitchPartsOff() throws Exception {
        try (Runner runner = Runner.start(Settings.of(Map.of("chatPath", "/live/talk", "notificationsPath", "",
                "apiPath", "/live/api", "statsIntervalMs", "0", "demoIntervalMs", "0")), "127.0.0.1", 0, null)) {
            URI base = runner.baseUri();
            URI ws = URI.create("ws://127.0.0.1:" + runner.port() + "/");
            try (WsClient ann = WsClient.connect(ws.resolve("live/talk?name=ann"), Map.of())) {
                ann.send("type", "join", "room", "moved").expect("joined");
            }
            assertNotEquals(101, WsClient.handshakeStatus(ws.resolve("ws/chat?name=ann"), Map.of()));
            assertNotEquals(101, WsClient.handshakeStatus(ws.resolve("ws/notifications?name=ann"), Map.of()));
            Http.Reply health = Http.get(base.resolve("live/api/health"), null);
            assertTrue(health.body().contains("\"UP\""), health.status() + " " + health.body());
            assertEquals(404, Http.get(base.resolve("api/health"), null).status());
        }
    }

    @Test
    void aPathWithoutLeadingSlashIsRefusedNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Runner.start(
                Settings.of(Map.of("chatPath", "ws/chat")), "127.0.0.1", 0, null));
        assertTrue(e.getMessage().contains("chatPath"), e.getMessage());
    }
}

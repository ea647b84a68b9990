package dev.switchboard.standalone;

import dev.switchboard.auth.Authenticator;
import dev.switchboard.settings.Settings;
import dev.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Handshake checks on the runner: a foreign Origin is refused before the upgrade (403); bad credentials close with 4401. */
class HandshakeTest {

    @Test
    void originsAreCheckedBeforeTheUpgrade() throws Exception {
        try (Runner runner = Runner.start(Settings.of(Map.of("statsIntervalMs", "0", "demoIntervalMs", "0",
                "allowedOrigins", "https://app.example")), "127.0.0.1", 0, null)) {
            URI chat = URI.create("ws://127.0.0.1:" + runner.port() + "/ws/chat?name=o");
            assertEquals(403, WsClient.handshakeStatus(chat, Map.of("Origin", "https://evil.example")));
            assertEquals(101, WsClient.handshakeStatus(chat, Map.of("Origin", "https://app.example")));
            assertEquals(101, WsClient.handshakeStatus(chat, Map.of("Origin", "http://127.0.0.1:" + runner.port())),
                    "the page's own origin");
            assertEquals(101, WsClient.handshakeStatus(chat, Map.of()), "non-browser clients send no Origin");
            assertEquals(1, runner.switchboard().stats().connectionsRefused.sum());
        }
        try (Runner runner = Runner.start(Settings.of(Map.of("statsIntervalMs", "0", "demoIntervalMs", "0",
                "allowMissingOrigin", "false")), "127.0.0.1", 0, null)) {
            URI chat = URI.create("ws://127.0.0.1:" + runner.port() + "/ws/chat?name=o");
            assertEquals(403, WsClient.handshakeStatus(chat, Map.of()));
        }
    }

    @Test
    void badTokensAreAcceptedThenClosedWith4401SoThatBrowsersSeeWhy() throws Exception {
        try (Runner runner = Runner.start(Settings.of(Map.of("statsIntervalMs", "0", "demoIntervalMs", "0",
                "guests", "false", "tokenSecret", "s3cret-s3cret-s3cret-s3cret-s3cret")), "127.0.0.1", 0, null)) {
            String base = "ws://127.0.0.1:" + runner.port() + "/ws/notifications";
            String expired = Authenticator.sign("s3cret-s3cret-s3cret-s3cret-s3cret", "tess", Instant.now().minusSeconds(120));
            String forged = Authenticator.sign("other-other-other-other-other-other", "tess", Instant.now().plusSeconds(60));
            for (String query : new String[] {"?name=guest", "?token=" + expired, "?token=" + forged, "?token=x.y"}) {
                try (WsClient refused = WsClient.open(URI.create(base + query), Map.of())) {
                    assertEquals(4401, refused.awaitClose(), query);
                    assertEquals(0, refused.pending(), "no welcome for " + query);
                }
            }
            String good = Authenticator.sign("s3cret-s3cret-s3cret-s3cret-s3cret", "tess", Instant.now().plusSeconds(60));
            try (WsClient tess = WsClient.connect(URI.create(base + "?token=" + good))) {
                assertEquals("tess", tess.user());
            }
        }
    }
}

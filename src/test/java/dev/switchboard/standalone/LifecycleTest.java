package dev.switchboard.standalone;

import dev.switchboard.auth.Authenticator;
import dev.switchboard.settings.Settings;
import dev.switchboard.testing.WsClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stopping the server, and identities that expire while connected. */
class LifecycleTest {

    private static final String LONG_SECRET = "lifecycle-secret-of-at-least-32-bytes";

    @Test
    void stoppingClosesEveryConnectionWith1001AfterDeliveringWhatWasStored() throws Exception {
        Runner runner = Runner.start(Settings.of(Map.of("statsIntervalMs", "0", "demoIntervalMs", "0",
                "ratePerSecond", "10000", "rateBurst", "10000")), "127.0.0.1", 0, null);
        URI chat = URI.create("ws://127.0.0.1:" + runner.port() + "/ws/chat");
        try (WsClient writer = WsClient.connect(URI.create(chat + "?name=w"));
             WsClient reader = WsClient.connect(URI.create(chat + "?name=r"));
             WsClient idle = WsClient.connect(URI.create(chat + "?name=i"))) {
            writer.send("type", "join", "room", "bye").expect("joined");
            reader.send("type", "join", "room", "bye").expect("joined");
            writer.await("presence");
            for (int i = 1; i <= 300; i++) {
                writer.send("type", "say", "room", "bye", "text", "m" + i);
            }
            long stored = writer.await("message", m -> m.getString("text").equals("m300")).getInt("offset");
            runner.close();
            List<Long> got = new ArrayList<>();
            while (got.size() < stored) {
                JsonObject f = reader.next();
                if (f.getString("type").equals("message")) {
                    got.add(f.getJsonNumber("offset").longValue());
                }
            }
            assertEquals(stored, got.size(), "every stored message reached the member before the close");
            assertEquals(1001, reader.awaitClose());
            assertEquals(1001, writer.awaitClose());
            assertEquals(1001, idle.awaitClose());
        }
    }

    @Test
    void aTokenThatExpiresWhileConnectedClosesWith4401() throws Exception {
        try (Runner runner = Runner.start(Settings.of(Map.of("statsIntervalMs", "0", "demoIntervalMs", "0",
                "tokenSecret", LONG_SECRET)), "127.0.0.1", 0, null)) {
            String token = Authenticator.sign(LONG_SECRET, "tess", Instant.now().plusSeconds(2));
            try (WsClient tess = WsClient.connect(URI.create("ws://127.0.0.1:" + runner.port() + "/ws/chat?token=" + token))) {
                assertEquals("tess", tess.user());
                tess.send("type", "join", "room", "t").expect("joined");
                assertEquals(4401, tess.awaitClose());
                assertTrue(tess.closeReason().contains("expired"), tess.closeReason());
            }
        }
    }
}

package dev.switchboard.standalone;

import dev.switchboard.auth.Authenticator;
import dev.switchboard.settings.Settings;
import dev.switchboard.testing.WsClient;
import dev.switchboard.web.Handshakes;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The handshake decision (Origin, then identity with the token check) runs once per handshake: the gate in front of
 * the upgrade decides and hands its decision to the configurator, which does not decide again.
 */
class HandshakeDecisionTest {

    private final AtomicInteger decisions = new AtomicInteger();
    private final UnaryOperator<Handshakes.Decider> counting = admission ->
            (origin, host, principal, token, name, guest) -> {
                decisions.incrementAndGet();
                return admission.decide(origin, host, principal, token, name, guest);
            };

    private Runner start(Map<String, String> settings) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(Map.of("statsIntervalMs", "0", "demoIntervalMs", "0"));
        all.putAll(settings);
        return Runner.start(Settings.of(all), "127.0.0.1", 0, null, null, new Class<?>[0], counting);
    }

    @Test
    void everyHandshakeIsDecidedOnceWhateverTheOutcome() throws Exception {
        try (Runner runner = start(Map.of("tokenSecret", "s3cret-s3cret-s3cret-s3cret-s3cret", "allowedOrigins", "https://app.example"))) {
            String base = "ws://127.0.0.1:" + runner.port() + "/ws/chat";
            String token = Authenticator.sign("s3cret-s3cret-s3cret-s3cret-s3cret", "tess", Instant.now().plusSeconds(60));
            try (WsClient tess = WsClient.connect(URI.create(base + "?token=" + token))) {
                assertEquals("tess", tess.user());
            }
            assertEquals(1, decisions.get(), "admitted with a token");
            try (WsClient guest = WsClient.connect(URI.create(base + "?name=gus"))) {
                assertEquals("guest:gus", guest.user());
            }
            assertEquals(2, decisions.get(), "admitted as a guest");
            String forged = Authenticator.sign("other-other-other-other-other-other", "tess", Instant.now().plusSeconds(60));
            try (WsClient refused = WsClient.open(URI.create(base + "?token=" + forged), Map.of())) {
                assertEquals(4401, refused.awaitClose());
            }
            assertEquals(3, decisions.get(), "refused after the upgrade");
            assertEquals(403, WsClient.handshakeStatus(URI.create(base + "?name=o"),
                    Map.of("Origin", "https://evil.example")));
            assertEquals(4, decisions.get(), "refused before the upgrade");
            assertEquals(0, runner.handshakes().held(), "no decision is left behind");
        }
    }

    @Test
    void aHandoffHeaderFromTheClientIsReplaced() throws Exception {
        try (Runner runner = start(Map.of())) {
            URI chat = URI.create("ws://127.0.0.1:" + runner.port() + "/ws/chat?name=mallory");
            try (WsClient mallory = WsClient.connect(chat, Map.of(Handshakes.HEADER, "guessed"))) {
                assertEquals("guest:mallory", mallory.user());
            }
            assertEquals(1, decisions.get(), "the configurator found the gate's decision, not the client's id");
        }
    }
}

package dev.switchboard.web;

import dev.switchboard.Switchboard;
import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.settings.Settings;
import jakarta.websocket.server.ServerEndpointConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The decoder takes its limit from the endpoint configuration it is initialised with, and each endpoint's says maxMessageBytes. */
class ClientMessageDecoderTest {

    private static ClientMessageDecoder initialisedWith(Object maxBytes) {
        ServerEndpointConfig config = ServerEndpointConfig.Builder.create(SocketEndpoint.class, "/ws/x").build();
        if (maxBytes != null) {
            config.getUserProperties().put(ClientMessageDecoder.MAX_BYTES, maxBytes);
        }
        ClientMessageDecoder decoder = new ClientMessageDecoder();
        decoder.init(config);
        return decoder;
    }

    @Test
    void aMessageOverTheConfiguredLimitDecodesToTooBig() {
        ClientMessageDecoder decoder = initialisedWith(20);
        String ping = "{\"type\":\"ping\"}"; // 15 bytes
        assertInstanceOf(ClientMessage.Ping.class, decoder.decode(ping));
        assertSame(ClientMessageDecoder.TOO_BIG, decoder.decode("{\"type\":\"ping\",\"x\":1}"), "21 bytes");
        assertSame(ClientMessageDecoder.TOO_BIG, decoder.decode("{\"type\":\"üüüüüüüü\"}"), "19 chars, 27 bytes of UTF-8");
    }

    @Test
    void aConfigurationWithoutALimitIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> initialisedWith(null));
        assertThrows(IllegalStateException.class, () -> new ClientMessageDecoder().decode("{}"), "used before init");
    }

    @Test
    void eachEndpointConfigurationCarriesMaxMessageBytes() {
        try (Switchboard switchboard = Switchboard.start(Settings.of(Map.of("maxMessageBytes", "4096",
                "statsIntervalMs", "0", "demoIntervalMs", "0")))) {
            List<ServerEndpointConfig> configs = Endpoints.configs(switchboard, new Handshakes(switchboard), null);
            assertEquals(List.of("/ws/chat", "/ws/notifications"), configs.stream().map(ServerEndpointConfig::getPath).toList());
            for (ServerEndpointConfig config : configs) {
                assertEquals(4096, config.getUserProperties().get(ClientMessageDecoder.MAX_BYTES));
                assertEquals(List.of(ClientMessageDecoder.class), config.getDecoders());
                assertEquals(List.of(OutgoingEncoder.class), config.getEncoders());
            }
        }
    }
}

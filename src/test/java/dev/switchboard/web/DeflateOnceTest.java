package dev.switchboard.web;

import jakarta.websocket.Extension;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeflateOnceTest {

    private static Extension offer(String name, String... parameters) {
        return new DeflateOnce.Offer(name, java.util.Arrays.stream(parameters).map(p -> {
            String[] kv = p.split("=", 2);
            return (Extension.Parameter) new DeflateOnce.Parameter(kv[0], kv.length > 1 ? kv[1] : null);
        }).toList());
    }

    @Test
    void aBrowsersOfferIsAnsweredWithoutTheServersContextAndKeepsItsOwnParameters() {
        Extension chromium = offer("permessage-deflate", "client_max_window_bits");
        List<Extension> answer = DeflateOnce.withoutServerContext(List.of(chromium));
        assertEquals("[permessage-deflate; client_max_window_bits; server_no_context_takeover]", answer.toString());
        assertTrue(DeflateOnce.negotiated(answer));
        assertFalse(DeflateOnce.negotiated(List.of(chromium)), "with the server's context, Tomcat compresses");
    }

    @Test
    void anOfferThatAlreadyAsksForItAndOtherExtensionsAreLeftAsTheyAre() {
        Extension asked = offer("permessage-deflate", "server_no_context_takeover");
        Extension other = offer("x-webkit-deflate-frame");
        List<Extension> answer = DeflateOnce.withoutServerContext(List.of(asked, other));
        assertSame(asked, answer.get(0));
        assertSame(other, answer.get(1));
        assertFalse(DeflateOnce.negotiated(answer), "two extensions: Tomcat transforms the frames itself");
        assertFalse(DeflateOnce.negotiated(List.of()));
    }
}

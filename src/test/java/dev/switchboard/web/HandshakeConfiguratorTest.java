package dev.switchboard.web;

import dev.switchboard.auth.Admission;
import dev.switchboard.auth.Identity;
import dev.switchboard.core.Stats;
import dev.switchboard.protocol.CloseCode;
import jakarta.websocket.Extension;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The configurator takes the decision made in front of the upgrade, and decides itself only where nothing did
 * (WildFly and Jetty upgrade before application filters run).
 */
class HandshakeConfiguratorTest {

    private final List<String> decided = new ArrayList<>();
    private final Handshakes handshakes = new Handshakes((origin, host, principal, token, name, guest) -> {
        decided.add(origin + " " + name);
        return new Admission.Decision(Identity.guest(name), 101, null, null);
    }, new Stats());
    private final HandshakeConfigurator configurator = new HandshakeConfigurator(handshakes, null, false);
    private final ServerEndpointConfig config = ServerEndpointConfig.Builder.create(SocketEndpoint.class, "/ws/chat")
            .configurator(configurator).build();

    /** A handshake request as a container hands it to the configurator: headers and query parameters. */
    private record Request(Map<String, List<String>> getHeaders, Map<String, List<String>> getParameterMap)
            implements HandshakeRequest {
        @Override
        public Principal getUserPrincipal() {
            return null;
        }

        @Override
        public URI getRequestURI() {
            return URI.create("/ws/chat");
        }

        @Override
        public boolean isUserInRole(String role) {
            return false;
        }

        @Override
        public Object getHttpSession() {
            return null;
        }

        @Override
        public String getQueryString() {
            return null;
        }
    }

    private Handshake handedToTheEndpoint() {
        return (Handshake) config.getUserProperties().get(Handshake.PROPERTY);
    }

    @Test
    void takesTheDecisionMadeInFrontOfTheUpgrade() {
        Admission.Decision refusal = new Admission.Decision(null, 401, CloseCode.UNAUTHORIZED, "bad token signature");
        String id = handshakes.hold(new Handshake(refusal, "10.0.0.7", null, null));
        configurator.modifyHandshake(config, new Request(Map.of("origin", List.of("https://app.example"),
                Handshakes.HEADER, List.of(id)), Map.of("name", List.of("ann"))), null);
        assertSame(refusal, handedToTheEndpoint().decision());
        assertEquals("10.0.0.7", handedToTheEndpoint().address());
        assertEquals(List.of(), decided, "not decided again");
        assertEquals(0, handshakes.held());
    }

    @Test
    void decidesWhereNothingDecidedBefore() {
        configurator.modifyHandshake(config, new Request(Map.of("Origin", List.of("https://app.example")),
                Map.of("name", List.of("ann"))), null);
        assertEquals(List.of("https://app.example ann"), decided);
        assertEquals("guest:ann", handedToTheEndpoint().decision().identity().user());
        assertNull(handedToTheEndpoint().address(), "unknown: no filter saw the client");
    }

    /** An extension as a container installs it and a client offers it. */
    private record Offered(String getName, List<Parameter> getParameters) implements Extension {
    }

    private static final List<Extension> DEFLATE = List.of(new Offered("permessage-deflate", List.of()));

    @Test
    void aBrowsersDeflateOfferIsDeclinedUnlessCompressionIsOn() {
        assertEquals(List.of(), configurator.getNegotiatedExtensions(DEFLATE, DEFLATE),
                "compression off (the default): the container negotiates no extension");
        HandshakeConfigurator compressing = new HandshakeConfigurator(handshakes, null, true);
        assertEquals(List.of("permessage-deflate"), compressing.getNegotiatedExtensions(DEFLATE, DEFLATE).stream()
                .map(Extension::getName).toList(), "compression on: the container's own choice");
    }

    @Test
    void anIdNobodyHeldIsNoDecision() {
        configurator.modifyHandshake(config, new Request(Map.of(Handshakes.HEADER, List.of("guessed")),
                Map.of("name", List.of("eve"))), null);
        assertEquals(List.of("null eve"), decided);
    }
}

package dev.switchboard.web;

import dev.switchboard.auth.Admission;
import dev.switchboard.Switchboard;
import dev.switchboard.protocol.CloseCode;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;

import java.security.Principal;
import java.util.List;
import java.util.Map;

/**
 * Decides identity and checks the Origin at the handshake, and hands the result to the endpoint through the
 * per-handshake user properties (both Tomcat and Tyrus copy them per connection). {@link HandshakeFilter} refuses bad
 * handshakes with an HTTP status where a servlet container runs it first; this is the portable second line that
 * closes the socket right after opening (4401, 1008) where no filter ran.
 */
public class HandshakeConfigurator extends ServerEndpointConfig.Configurator {

    static final String IDENTITY = "switchboard.identity";
    static final String REFUSAL = "switchboard.refusal";
    static final String HTTP_SESSION = "switchboard.httpSession";
    static final String REMOTE_ADDRESS = "switchboard.remoteAddress";

    /** A refusal the endpoint carries out once the socket is open. */
    record Refusal(CloseCode code, String reason) {}

    @Override
    public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
        Map<String, Object> props = sec.getUserProperties();
        Principal principal = request.getUserPrincipal();
        Admission.Decision decision = Switchboard.running().admission().decide(header(request, "Origin"),
                header(request, "Host"), principal == null ? null : principal.getName(),
                parameter(request, "token"), parameter(request, "name"), parameter(request, "guest"));
        if (!decision.admitted()) {
            props.put(REFUSAL, new Refusal(decision.closeCode(), decision.reason()));
            return;
        }
        props.put(IDENTITY, decision.identity());
        String address = HandshakeFilter.REMOTE_ADDRESS.get();
        if (address != null) {
            props.put(REMOTE_ADDRESS, address);
        }
        Object httpSession = request.getHttpSession();
        if (httpSession != null) {
            props.put(HTTP_SESSION, httpSession);
        }
    }

    static String header(HandshakeRequest request, String name) {
        for (Map.Entry<String, List<String>> e : request.getHeaders().entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    static String parameter(HandshakeRequest request, String name) {
        List<String> values = request.getParameterMap().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}

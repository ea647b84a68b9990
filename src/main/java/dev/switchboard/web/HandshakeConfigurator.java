package dev.switchboard.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;

import java.security.Principal;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The handshake configurator of one endpoint, and its endpoint factory. During the upgrade it takes the decision
 * that the layer in front of it made ({@link Handshakes}: {@link HandshakeFilter}, the runner's gate), or decides
 * itself where none ran (WildFly, Jetty), and hands it to the endpoint in the per-handshake user properties (every
 * container copies them per connection). A refusal is carried out by the endpoint once the socket is open (4401,
 * 1008): the browser can then see why. Each connection gets its own {@link SocketEndpoint}, made here with what the
 * endpoint's sockets share.
 */
final class HandshakeConfigurator extends ServerEndpointConfig.Configurator {

    private final Handshakes handshakes;
    private final SocketAdapter.Shared shared;
    private final boolean compression;

    HandshakeConfigurator(Handshakes handshakes, SocketAdapter.Shared shared, boolean compression) {
        this.handshakes = handshakes;
        this.shared = shared;
        this.compression = compression;
    }

    /**
     * The extensions the container may use on this connection: what it would pick ({@code super}) with
     * {@code compression} on, none without it. Browsers offer permessage-deflate on every handshake, and Tomcat takes
     * it: there the answer also asks for no server context ({@link DeflateOnce}), so that {@link TomcatFrames} writes
     * each message compressed once for all its recipients (Tomcat's own path compresses it again for every one).
     */
    @Override
    public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
        if (!compression) {
            return List.of();
        }
        List<Extension> chosen = super.getNegotiatedExtensions(installed, requested);
        return TomcatInternals.installs(installed) ? DeflateOnce.withoutServerContext(chosen) : chosen;
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
        Handshake handshake = handshakes.take(header(request, Handshakes.HEADER));
        if (handshake == null) { // nothing in front of the upgrade decided
            Principal principal = request.getUserPrincipal();
            handshake = new Handshake(handshakes.decide(header(request, "Origin"), header(request, "Host"),
                    principal == null ? null : principal.getName(), name -> parameter(request, name)),
                    address(request), null, null);
        }
        sec.getUserProperties().put(Handshake.PROPERTY, handshake.withHttpSession(request.getHttpSession()));
    }

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
        if (endpointClass != SocketEndpoint.class) {
            throw new InstantiationException("this configurator makes only " + SocketEndpoint.class.getName());
        }
        return endpointClass.cast(new SocketEndpoint(new SocketAdapter(shared)));
    }

    /**
     * The client's address where no filter saw the upgrade (Jetty), as {@link HandshakeFilter} takes it: the
     * peer, or the forwarded address when the peer is a trusted proxy. Null where the container hides its request:
     * then every such client counts as one address against {@code maxConnectionsPerAddress}.
     */
    private String address(HandshakeRequest request) {
        HttpServletRequest http = ContainerInternals.servletRequest(request);
        if (http == null) {
            return null;
        }
        return handshakes.address(http.getRemoteAddr(), Collections.list(http.getHeaders(HandshakeFilter.FORWARDED_FOR)));
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

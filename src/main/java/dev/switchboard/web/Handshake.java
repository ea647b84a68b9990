package dev.switchboard.web;

import dev.switchboard.auth.Admission;

import java.util.function.Supplier;

/**
 * What one handshake decided, handed on explicitly: from the layer in front of the upgrade ({@link HandshakeFilter},
 * the runner's {@code HandshakeGate}) through {@link Handshakes} to the {@link HandshakeConfigurator}, and from there to
 * the endpoint in the connection's user properties ({@link #PROPERTY}).
 *
 * @param decision    Origin and identity ({@link Admission}), decided once per handshake
 * @param address     the client's IP as the layer in front of the upgrade saw it; null where none ran ("unknown")
 * @param httpSession the container's HTTP session of the handshake (container logins), or null
 * @param frames      the server's own frame path for this connection, filled in when the connection is made
 *                    (standalone runner); null elsewhere
 */
public record Handshake(Admission.Decision decision, String address, Object httpSession,
                        Supplier<FrameChannel> frames) {

    /** The user property under which the configurator hands the handshake to the endpoint it opens. */
    static final String PROPERTY = Handshake.class.getName();

    Handshake withHttpSession(Object session) {
        return new Handshake(decision, address, session, frames);
    }
}

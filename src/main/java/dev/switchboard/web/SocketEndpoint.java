package dev.switchboard.web;

import dev.switchboard.core.Connection;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;

import java.nio.ByteBuffer;

/**
 * A programmatic endpoint (not {@code @ServerEndpoint}): deployed only where {@link Endpoints} registers it, at the
 * path the settings give, so a container's annotation scan never deploys it a second time. One instance per
 * connection; it routes every frame to the hub through its {@link SocketAdapter}.
 * <p>
 * Not declared abstract although only its subclasses are deployed: Tyrus (Payara, GlassFish) logs a warning for
 * every abstract {@code Endpoint} class its scan finds. The scan's classes are ignored anyway
 * ({@link EndpointScanFilter}), and the constructor is not public, so nobody deploys this class by itself.
 */
class SocketEndpoint extends Endpoint {

    private final SocketAdapter socket;

    SocketEndpoint(Connection.Endpoint kind) {
        this.socket = new SocketAdapter(kind);
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        // Text in parts: containers then keep only a small buffer per connection (SocketAdapter#text assembles).
        session.addMessageHandler(String.class, (MessageHandler.Partial<String>) socket::text);
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) data -> socket.binary());
        session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) pong -> socket.pong());
        socket.open(session, config);
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
        socket.closed(reason);
    }

    @Override
    public void onError(Session session, Throwable failure) {
        socket.error(failure);
    }
}

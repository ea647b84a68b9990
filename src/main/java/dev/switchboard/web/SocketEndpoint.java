package dev.switchboard.web;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;

import java.nio.ByteBuffer;

/**
 * Switchboard's endpoint, chat and notifications alike: a programmatic endpoint (nothing for a container's scan to
 * deploy), configured by {@link Endpoints} at the path the settings give, one instance per connection made by its
 * {@link HandshakeConfigurator}. It routes every frame to the hub through its {@link SocketAdapter}.
 * <p>
 * Concrete because containers' annotation scans find every {@code Endpoint} class, and Tyrus (Payara, GlassFish)
 * warns about abstract ones; a scan deploys none by itself, and the constructor is not public.
 */
public final class SocketEndpoint extends Endpoint {

    private final SocketAdapter socket;

    SocketEndpoint(SocketAdapter socket) {
        this.socket = socket;
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

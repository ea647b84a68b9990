package dev.switchboard.web;

import dev.switchboard.core.Connection;
import dev.switchboard.core.Hub;
import dev.switchboard.protocol.ClientMessage;
import jakarta.websocket.CloseReason;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

import java.nio.ByteBuffer;

/** {@code /ws/notifications}: routes every frame to the {@link Hub}; holds nothing but its connection. */
@ServerEndpoint(value = "/ws/notifications", subprotocols = Hub.PROTOCOL,
        decoders = ClientMessageDecoder.class, encoders = ServerMessageEncoder.class,
        configurator = HandshakeConfigurator.class)
public class NotificationEndpoint {

    private final SocketAdapter socket = new SocketAdapter(Connection.Endpoint.NOTIFICATIONS);

    @OnOpen
    public void onOpen(Session session, EndpointConfig config) {
        socket.open(session, config);
    }

    @OnMessage
    public void onMessage(ClientMessage message) {
        socket.receive(message);
    }

    @OnMessage
    public void onBinary(ByteBuffer data) {
        socket.binary();
    }

    @OnMessage
    public void onPong(PongMessage pong) {
        socket.pong();
    }

    @OnClose
    public void onClose(CloseReason reason) {
        socket.closed(reason);
    }

    @OnError
    public void onError(Throwable failure) {
        socket.error(failure);
    }
}

package dev.switchboard.web;

import dev.switchboard.core.Hub;
import jakarta.websocket.server.ServerEndpoint;

import dev.switchboard.core.Connection;

/**
 * The notifications endpoint. The annotation is its definition (default path, subprotocol, codecs, handshake
 * configurator); {@link Endpoints} deploys it from there at the path of the setting {@code notificationsPath}, and
 * {@link EndpointScanFilter} keeps containers from also deploying it where they scan annotations.
 */
@ServerEndpoint(value = "/ws/notifications", subprotocols = Hub.PROTOCOL,
        decoders = ClientMessageDecoder.class, encoders = ServerMessageEncoder.class,
        configurator = HandshakeConfigurator.class)
public class NotificationEndpoint extends SocketEndpoint {

    public NotificationEndpoint() {
        super(Connection.Endpoint.NOTIFICATIONS);
    }
}

package dev.switchboard.web;

import dev.switchboard.Switchboard;
import dev.switchboard.core.Connection;
import dev.switchboard.core.Hub;
import dev.switchboard.settings.Settings;
import jakarta.websocket.server.ServerEndpointConfig;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Where Switchboard answers inside a web application, from the settings {@code chatPath}, {@code notificationsPath}
 * and {@code apiPath} (an empty value switches that part off), and the endpoint configurations that servlet containers
 * ({@link WebLifecycle}) and the standalone runner deploy.
 */
public final class Endpoints {

    private Endpoints() {
    }

    /** A path setting: empty (off), or starting with '/' and not ending with it. */
    public static String path(Settings settings, Settings.Key key) {
        String path = settings.get(key);
        if (!path.isEmpty() && (!path.startsWith("/") || path.endsWith("/") || path.contains("*"))) {
            throw new IllegalArgumentException("Invalid Switchboard settings: " + key.settingName()
                    + " must be empty (off) or a path like /ws/chat (starting with '/', no trailing '/', no '*'), not \""
                    + path + "\"");
        }
        return path;
    }

    /** The WebSocket paths that are switched on (throws, naming the setting, when one is invalid). */
    public static List<String> socketPaths(Settings settings) {
        return List.copyOf(sockets(settings).values());
    }

    /** Each endpoint that is switched on, with its path: chat, then notifications. */
    private static Map<Connection.Endpoint, String> sockets(Settings settings) {
        String chat = path(settings, Settings.Key.CHAT_PATH);
        String notifications = path(settings, Settings.Key.NOTIFICATIONS_PATH);
        if (!chat.isEmpty() && chat.equals(notifications)) {
            throw new IllegalArgumentException("Invalid Switchboard settings: chatPath and notificationsPath are both " + chat);
        }
        Map<Connection.Endpoint, String> sockets = new EnumMap<>(Connection.Endpoint.class);
        if (!chat.isEmpty()) {
            sockets.put(Connection.Endpoint.CHAT, chat);
        }
        if (!notifications.isEmpty()) {
            sockets.put(Connection.Endpoint.NOTIFICATIONS, notifications);
        }
        return sockets;
    }

    /**
     * One configuration per endpoint that is switched on, for this running instance: subprotocol {@link Hub#PROTOCOL},
     * the codecs ({@link ClientMessageDecoder}, {@link OutgoingEncoder}: one instance of each per configuration,
     * initialised here with it and used by all its sockets), and a {@link HandshakeConfigurator} that takes the
     * decisions of {@code handshakes} and makes the endpoints.
     *
     * @param logins the web application's login sessions, or null where there are no container logins (the runner)
     */
    public static List<ServerEndpointConfig> configs(Switchboard switchboard, Handshakes handshakes,
                                                     HttpSessions logins) {
        List<ServerEndpointConfig> configs = new ArrayList<>();
        int maxMessageBytes = switchboard.settings().getInt(Settings.Key.MAX_MESSAGE_BYTES);
        boolean compression = switchboard.settings().getBoolean(Settings.Key.COMPRESSION);
        sockets(switchboard.settings()).forEach((kind, path) -> {
            ClientMessageDecoder decoder = new ClientMessageDecoder();
            OutgoingEncoder encoder = new OutgoingEncoder();
            ServerEndpointConfig config = ServerEndpointConfig.Builder.create(SocketEndpoint.class, path)
                    .subprotocols(List.of(Hub.PROTOCOL))
                    .decoders(List.of(ClientMessageDecoder.class))
                    .encoders(List.of(OutgoingEncoder.class))
                    .configurator(new HandshakeConfigurator(handshakes,
                            new SocketAdapter.Shared(kind, switchboard.hub(), decoder, encoder, logins), compression))
                    .build();
            config.getUserProperties().put(ClientMessageDecoder.MAX_BYTES, maxMessageBytes);
            decoder.init(config);
            encoder.init(config);
            configs.add(config);
        });
        return configs;
    }
}

package dev.switchboard.web;


import dev.switchboard.core.Hub;
import dev.switchboard.settings.Settings;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;

import java.util.ArrayList;
import java.util.List;

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

    /** The WebSocket paths that are switched on. */
    public static List<String> socketPaths(Settings settings) {
        List<String> paths = new ArrayList<>();
        for (ServerEndpointConfig config : configs(settings)) {
            paths.add(config.getPath());
        }
        return paths;
    }

    /** One configuration per endpoint that is switched on: chat, then notifications. */
    public static List<ServerEndpointConfig> configs(Settings settings) {
        List<ServerEndpointConfig> configs = new ArrayList<>();
        String chat = path(settings, Settings.Key.CHAT_PATH);
        String notifications = path(settings, Settings.Key.NOTIFICATIONS_PATH);
        if (!chat.isEmpty() && chat.equals(notifications)) {
            throw new IllegalArgumentException("Invalid Switchboard settings: chatPath and notificationsPath are both " + chat);
        }
        if (!chat.isEmpty()) {
            configs.add(config(ChatEndpoint.class, chat));
        }
        if (!notifications.isEmpty()) {
            configs.add(config(NotificationEndpoint.class, notifications));
        }
        return configs;
    }

    /** The endpoint as its {@link ServerEndpoint} annotation defines it, at {@code path}. */
    private static ServerEndpointConfig config(Class<? extends SocketEndpoint> endpoint, String path) {
        ServerEndpoint definition = endpoint.getAnnotation(ServerEndpoint.class);
        ServerEndpointConfig.Configurator configurator;
        try {
            configurator = definition.configurator().getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + definition.configurator(), e);
        }
        return ServerEndpointConfig.Builder.create(endpoint, path)
                .subprotocols(List.of(definition.subprotocols()))
                .decoders(List.of(definition.decoders()))
                .encoders(List.of(definition.encoders()))
                .configurator(configurator)
                .build();
    }
}

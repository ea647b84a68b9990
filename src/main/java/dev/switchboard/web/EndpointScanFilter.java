package dev.switchboard.web;


import jakarta.websocket.Endpoint;
import jakarta.websocket.server.ServerApplicationConfig;
import jakarta.websocket.server.ServerEndpointConfig;

import java.util.HashSet;
import java.util.Set;

/**
 * Tells containers that scan for endpoints (JSR 356 {@link ServerApplicationConfig}) not to deploy Switchboard's
 * own annotated endpoints themselves: {@link WebLifecycle} deploys them at the configured paths, or not at all when
 * a path is switched off. Every other endpoint the scan finds (a host application's own) is deployed as usual.
 */
public class EndpointScanFilter implements ServerApplicationConfig {

    @Override
    public Set<ServerEndpointConfig> getEndpointConfigs(Set<Class<? extends Endpoint>> scanned) {
        return Set.of(); // as without this class: scanned Endpoint subclasses need an application's own config
    }

    @Override
    public Set<Class<?>> getAnnotatedEndpointClasses(Set<Class<?>> scanned) {
        Set<Class<?>> deploy = new HashSet<>(scanned);
        deploy.remove(ChatEndpoint.class);
        deploy.remove(NotificationEndpoint.class);
        return deploy;
    }
}

package dev.switchboard.web;

import dev.switchboard.core.Settings;
import dev.switchboard.core.Switchboard;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;

/**
 * Starts Switchboard with the web application and deploys its WebSocket endpoints at the configured paths (JSR 356
 * allows {@code addEndpoint} while the context initialises) and runs the login sessions' expiry check
 * ({@link HttpSessions}); stops both on undeploy (sockets close with 1001). Added by
 * {@link SwitchboardInitializer} with the settings it read.
 */
public class WebLifecycle implements ServletContextListener {

    private final Settings settings;

    WebLifecycle(Settings settings) {
        this.settings = settings;
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        Switchboard.start(settings);
        if (Endpoints.configs(settings).isEmpty()) {
            return;
        }
        if (!(event.getServletContext().getAttribute(ServerContainer.class.getName()) instanceof ServerContainer container)) {
            Switchboard.stop();
            throw new IllegalStateException("this container offers no Jakarta WebSocket server container "
                    + "(jakarta.websocket.server.ServerContainer attribute); Switchboard needs one");
        }
        try {
            for (ServerEndpointConfig config : Endpoints.configs(settings)) {
                container.addEndpoint(config);
            }
        } catch (DeploymentException e) {
            Switchboard.stop();
            throw new IllegalStateException("cannot deploy Switchboard's endpoints: " + e.getMessage(), e);
        }
        HttpSessions.SHARED.startChecks();
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        HttpSessions.SHARED.stopChecks();
        Switchboard.stop();
    }
}

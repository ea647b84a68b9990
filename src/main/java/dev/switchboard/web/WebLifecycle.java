package dev.switchboard.web;

import dev.switchboard.settings.Settings;
import dev.switchboard.Switchboard;
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

    /** The servlet context attribute that holds the running {@link Switchboard} of this web application. */
    public static final String ATTRIBUTE = Switchboard.class.getName();

    private final Settings settings;
    private Switchboard switchboard;

    WebLifecycle(Settings settings) {
        this.settings = settings;
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        switchboard = Switchboard.start(settings);
        event.getServletContext().setAttribute(ATTRIBUTE, switchboard);
        if (Endpoints.configs(settings).isEmpty()) {
            return;
        }
        if (!(event.getServletContext().getAttribute(ServerContainer.class.getName()) instanceof ServerContainer container)) {
            stop(event);
            throw new IllegalStateException("this container offers no Jakarta WebSocket server container "
                    + "(jakarta.websocket.server.ServerContainer attribute); Switchboard needs one");
        }
        try {
            for (ServerEndpointConfig config : Endpoints.configs(settings)) {
                container.addEndpoint(config);
            }
        } catch (DeploymentException e) {
            stop(event);
            throw new IllegalStateException("cannot deploy Switchboard's endpoints: " + e.getMessage(), e);
        }
        HttpSessions.SHARED.startChecks();
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        HttpSessions.SHARED.stopChecks();
        stop(event);
    }

    private void stop(ServletContextEvent event) {
        event.getServletContext().removeAttribute(ATTRIBUTE);
        if (switchboard != null) {
            switchboard.close();
            switchboard = null;
        }
    }
}

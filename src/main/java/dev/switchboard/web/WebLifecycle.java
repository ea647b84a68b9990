package dev.switchboard.web;

import dev.switchboard.Switchboard;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;

import java.util.List;
import java.util.function.Supplier;

/**
 * Starts Switchboard with the web application and hands it over: to servlets and filters as the context attributes
 * {@link #ATTRIBUTE} and {@link #HANDSHAKES} (containers notify listeners before they initialise filters and
 * servlets), to the WebSocket endpoints in their configurations, which it deploys at the configured paths (JSR 356
 * allows {@code addEndpoint} while the context initialises). It runs the login sessions' expiry check
 * ({@link HttpSessions}); it stops everything on undeploy (sockets close with 1001). Added by
 * {@link SwitchboardInitializer} with the settings it read.
 */
public class WebLifecycle implements ServletContextListener {

    /** The servlet context attribute that holds the running {@link Switchboard} of this web application. */
    public static final String ATTRIBUTE = Switchboard.class.getName();
    /** The servlet context attribute that holds the web application's {@link Handshakes}. */
    static final String HANDSHAKES = Handshakes.class.getName();

    private final Supplier<Switchboard> starter;
    private final HttpSessions logins;
    private Switchboard switchboard;

    /** @param starter starts (or hands over) the Switchboard when the context initialises */
    WebLifecycle(Supplier<Switchboard> starter, HttpSessions logins) {
        this.starter = starter;
        this.logins = logins;
    }

    /** This web application's running Switchboard (for servlets and filters, from their {@code init}). */
    static Switchboard switchboard(ServletContext context) {
        return attribute(context, ATTRIBUTE, Switchboard.class);
    }

    /** This web application's handshake decisions. */
    static Handshakes handshakes(ServletContext context) {
        return attribute(context, HANDSHAKES, Handshakes.class);
    }

    private static <T> T attribute(ServletContext context, String name, Class<T> type) {
        if (!(type.isInstance(context.getAttribute(name)))) {
            throw new IllegalStateException("Switchboard is not running in this web application (no " + name
                    + " attribute): WebLifecycle starts it before filters and servlets initialise");
        }
        return type.cast(context.getAttribute(name));
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        switchboard = starter.get();
        Handshakes handshakes = new Handshakes(switchboard);
        context.setAttribute(ATTRIBUTE, switchboard);
        context.setAttribute(HANDSHAKES, handshakes);
        List<ServerEndpointConfig> configs = Endpoints.configs(switchboard, handshakes, logins);
        if (configs.isEmpty()) {
            return;
        }
        if (!(context.getAttribute(ServerContainer.class.getName()) instanceof ServerContainer container)) {
            stop(context);
            throw new IllegalStateException("this container offers no Jakarta WebSocket server container "
                    + "(jakarta.websocket.server.ServerContainer attribute); Switchboard needs one");
        }
        try {
            for (ServerEndpointConfig config : configs) {
                container.addEndpoint(config);
            }
        } catch (DeploymentException e) {
            stop(context);
            throw new IllegalStateException("cannot deploy Switchboard's endpoints: " + e.getMessage(), e);
        }
        logins.startChecks();
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        logins.stopChecks();
        stop(event.getServletContext());
        TyrusIdleTimer.SHARED.shutdownNow(); // its thread, if a timer ever started one (Payara, GlassFish)
    }

    private void stop(ServletContext context) {
        context.removeAttribute(ATTRIBUTE);
        context.removeAttribute(HANDSHAKES);
        if (switchboard != null) {
            switchboard.close();
            switchboard = null;
        }
    }
}

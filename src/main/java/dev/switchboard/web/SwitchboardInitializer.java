package dev.switchboard.web;


import dev.switchboard.Switchboard;
import dev.switchboard.settings.Settings;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Switches Switchboard on in whatever web application holds it: its own WAR ({@code WEB-INF/classes}) or a host
 * application that added the classes jar to {@code WEB-INF/lib}. Containers run it (found through
 * {@code META-INF/services/jakarta.servlet.ServletContainerInitializer}) even when the host's {@code web.xml} is
 * {@code metadata-complete}. From the settings (context init-params {@code switchboard.NAME}, system properties,
 * environment) it registers, in Payara and GlassFish, {@link StaleResponses} (a request listener that resets a
 * response an earlier connection left committed), the HTTP API servlet at {@code apiPath}, the handshake filter on
 * the endpoint paths, the login-session listener and filter (one {@link HttpSessions} per web application, handed to
 * the filter {@link LoginSessionFilter}, which sees every request and touches only those of sessions with sockets,
 * and to {@link WebLifecycle}), and {@link WebLifecycle}, which starts Switchboard and deploys the endpoints.
 * Nothing of Switchboard is annotated for scanning, so nothing is registered twice.
 */
public class SwitchboardInitializer implements ServletContainerInitializer {

    private static final Logger LOG = System.getLogger(SwitchboardInitializer.class.getName());

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext ctx) {
        Settings settings = Settings.fromSystem(ctx::getInitParameter);
        register(ctx, settings, () -> Switchboard.start(settings), false);
    }

    /**
     * Registers everything in {@code ctx}, which is starting (called from a container initializer: here, or Spring
     * Boot's embedded server, which runs no jar's {@code ServletContainerInitializer} but runs its
     * {@code ServletContextInitializer}s, see {@code dev.switchboard.spring}). {@code starter} gives the running
     * Switchboard when the context has initialised; it is closed with the context.
     *
     * <p>Filter order: the login-session filter comes before the application's filters, so that a logout they perform
     * (a security framework's logout filter) reaches its wrapped session. The handshake filter comes before them too
     * ({@code handshakeLast} false: in a container the login is the container's, known before any filter, and the
     * container's upgrade filter may be mapped after everything), or after every filter mapped so far and later ones
     * mapped before ({@code handshakeLast} true: Spring Boot, where the login is Spring Security's filter, which must
     * have run to give the handshake its principal, and Tomcat's upgrade filter is mapped after this).
     */
    public static void register(ServletContext ctx, Settings settings, Supplier<Switchboard> starter,
                                boolean handshakeLast) {
        List<String> sockets = Endpoints.socketPaths(settings);
        String api = Endpoints.path(settings, Settings.Key.API_PATH);

        HttpSessions logins = new HttpSessions(Clock.systemUTC());
        ctx.addListener(new WebLifecycle(starter, logins));
        boolean staleResponses = StaleResponses.applies(ctx);
        if (staleResponses) {
            ctx.addListener(new StaleResponses());
        }
        if (!sockets.isEmpty()) {
            ctx.addListener(logins);
            FilterRegistration.Dynamic loginFilter = ctx.addFilter("switchboard-login-sessions",
                    new LoginSessionFilter(logins));
            loginFilter.setAsyncSupported(true);
            loginFilter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), false, "/*");
            FilterRegistration.Dynamic handshake = ctx.addFilter("switchboard-handshake", HandshakeFilter.class);
            handshake.setAsyncSupported(true);
            handshake.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), handshakeLast,
                    sockets.toArray(String[]::new));
        }
        if (!api.isEmpty()) {
            ServletRegistration.Dynamic servlet = ctx.addServlet("switchboard-api", ApiServlet.class);
            servlet.setAsyncSupported(true); // bodies are read without blocking a container thread (ApiServlet)
            Set<String> taken = servlet.addMapping(api + "/*");
            if (!taken.isEmpty()) {
                throw new IllegalStateException("apiPath " + api + ": the application already maps " + taken
                        + "; set switchboard.apiPath to a free path, or empty to switch the HTTP API off");
            }
        }
        if (ownWar(ctx)) {
            ctx.addFilter("switchboard-page-headers", PageHeaders.class)
                    .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, PageHeaders.PATHS);
        }
        LOG.log(Level.INFO, "Switchboard in {0}: WebSocket {1}, HTTP API {2}{3}{4}",
                ctx.getContextPath().isEmpty() ? "/" : ctx.getContextPath(), sockets,
                api.isEmpty() ? "off" : api + "/*", ownWar(ctx) ? ", bundled page" : "",
                staleResponses ? ", stale responses reset (" + ctx.getServerInfo() + ")" : "");
    }

    /** True in switchboard.war itself (classes in WEB-INF/classes, the bundled page at /); false as a library. */
    static boolean ownWar(ServletContext ctx) {
        try {
            return ctx.getResource("/WEB-INF/classes/" + SwitchboardInitializer.class.getName().replace('.', '/')
                    + ".class") != null;
        } catch (java.net.MalformedURLException e) {
            return false;
        }
    }
}

package dev.switchboard.web;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Test only, added to the WAR by {@code it/StaleResponsesIT}: a request with the header {@value #HEADER} gets its
 * Grizzly response packet in the state Payara's race leaves in a pooled one (docs/reliability.md, "Payara: a 101 lost
 * to a response packet left committed"): committed, status 101, an earlier connection's upgrade headers. Declared in
 * the WAR, it runs before the listeners that {@link SwitchboardInitializer} adds, as the race runs before them all.
 * As a filter (declared filters run before the WebSocket upgrade's), it answers 500 to such a request whose packet it
 * could not make stale: the container logs and ignores a listener's exception, and the test must not pass for a
 * packet that was never stale.
 */
@WebListener
@WebFilter("/*")
public class StalePackets implements ServletRequestListener, Filter {

    public static final String HEADER = "X-Test-Stale-Packet";

    @Override
    public void requestInitialized(ServletRequestEvent event) {
        if (!(event.getServletRequest() instanceof HttpServletRequest request) || request.getHeader(HEADER) == null) {
            return;
        }
        try {
            Object grizzly = ContainerInternals.call(StaleResponses.grizzlyRequest(request), "getResponse");
            Object packet = ContainerInternals.call(grizzly, "getResponse");
            Class<?> type = packet.getClass();
            type.getMethod("setStatus", int.class).invoke(packet, 101);
            type.getMethod("setHeader", String.class, String.class).invoke(packet, "Upgrade", "websocket");
            type.getMethod("setHeader", String.class, String.class).invoke(packet, "Connection", "Upgrade");
            type.getMethod("setHeader", String.class, String.class)
                    .invoke(packet, "Sec-WebSocket-Accept", "an-earlier-connection-s");
            type.getMethod("setIgnoreContentModifiers", boolean.class).invoke(packet, true);
            type.getMethod("setCommitted", boolean.class).invoke(packet, true);
            request.setAttribute(HEADER, Boolean.TRUE);
        } catch (ReflectiveOperationException | RuntimeException e) {
            request.setAttribute(HEADER, e.toString());
        }
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && http.getHeader(HEADER) != null
                && !Boolean.TRUE.equals(request.getAttribute(HEADER))) {
            ((HttpServletResponse) response).sendError(500, "no stale packet made: " + request.getAttribute(HEADER));
            return;
        }
        chain.doFilter(request, response);
    }
}

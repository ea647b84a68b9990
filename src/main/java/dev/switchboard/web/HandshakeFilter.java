package dev.switchboard.web;

import dev.switchboard.auth.Admission;
import dev.switchboard.Switchboard;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;

/**
 * Refuses a WebSocket handshake from a foreign Origin before the upgrade, with 403: servlet containers run
 * application filters before their own upgrade filter, so the socket is never opened. Authentication failures are
 * not refused here: a browser sees any refused handshake only as 1006, so they are accepted and closed with 4401,
 * which the client can act on (get a new token). {@link HandshakeConfigurator} repeats the decision during the
 * upgrade for containers that run no filter first. Mapped to the endpoint paths by {@link SwitchboardInitializer}.
 */
public class HandshakeFilter implements Filter {

    private static final Logger LOG = System.getLogger(HandshakeFilter.class.getName());

    /**
     * The client's address for the handshake this thread is upgrading: Tomcat offers no API for it, so the filter
     * hands it to {@link HandshakeConfigurator#modifyHandshake}, which runs on the same thread.
     */
    static final ThreadLocal<String> REMOTE_ADDRESS = new ThreadLocal<>();

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && response instanceof HttpServletResponse out
                && "websocket".equalsIgnoreCase(http.getHeader("Upgrade"))) {
            Admission.Decision decision = Switchboard.running().admission().decide(http.getHeader("Origin"),
                    http.getHeader("Host"), http.getUserPrincipal() == null ? null : http.getUserPrincipal().getName(),
                    http.getParameter("token"), http.getParameter("name"), http.getParameter("guest"));
            if (decision.status() == 403) {
                LOG.log(Level.INFO, "refused handshake from {0} (origin {1}): {2}", request.getRemoteAddr(),
                        http.getHeader("Origin"), decision.reason());
                Switchboard.running().stats().connectionsRefused.increment();
                byte[] body = HttpApi.error(403, "forbidden", decision.reason()).json().getBytes(StandardCharsets.UTF_8);
                out.setStatus(decision.status());
                out.setContentType("application/json");
                out.setContentLength(body.length);
                out.getOutputStream().write(body);
                return;
            }
        }
        REMOTE_ADDRESS.set(request.getRemoteAddr());
        try {
            chain.doFilter(request, response);
        } finally {
            REMOTE_ADDRESS.remove();
        }
    }
}

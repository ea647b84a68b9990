package dev.switchboard.web;

import dev.switchboard.auth.Admission;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * Decides a WebSocket handshake before the upgrade, once: servlet containers (Tomcat, Payara) run application
 * filters before their own upgrade filter. A foreign Origin is refused here with 403, so the socket is never opened.
 * Authentication failures are not refused here: a browser sees any refused handshake only as 1006, so they are
 * upgraded and then closed with 4401, which the client can act on (get a new token). Every decision that is not a
 * 403 goes on to the {@link HandshakeConfigurator} through {@link Handshakes}, with the client's address (Tomcat has
 * no API for it during the upgrade): the request passed on carries the held decision's id in the
 * {@value Handshakes#HEADER} header. Mapped to the endpoint paths by {@link SwitchboardInitializer}; its
 * {@link Handshakes} is the web application's ({@link WebLifecycle#handshakes}).
 */
public class HandshakeFilter implements Filter {

    /** Read only where the peer is a trusted proxy ({@code trustedProxies}). */
    static final String FORWARDED_FOR = "X-Forwarded-For";

    private Handshakes handshakes;

    @Override
    public void init(FilterConfig config) {
        handshakes = WebLifecycle.handshakes(config.getServletContext());
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest http && response instanceof HttpServletResponse out
                && "websocket".equalsIgnoreCase(http.getHeader("Upgrade")))) {
            chain.doFilter(request, response);
            return;
        }
        String origin = http.getHeader("Origin");
        String address = handshakes.address(request.getRemoteAddr(), Collections.list(http.getHeaders(FORWARDED_FOR)));
        Admission.Decision decision = handshakes.decide(origin, http.getHeader("Host"),
                http.getUserPrincipal() == null ? null : http.getUserPrincipal().getName(), http::getParameter);
        if (decision.status() == 403) {
            byte[] body = handshakes.refused(address, origin, decision);
            out.setStatus(decision.status());
            out.setContentType("application/json");
            out.setContentLength(body.length);
            out.getOutputStream().write(body);
            return;
        }
        String id = handshakes.hold(new Handshake(decision, address, null, null));
        try {
            chain.doFilter(id == null ? http : new Decided(http, id), response);
        } finally {
            handshakes.release(id); // the upgrade (and with it the configurator) ran within doFilter
        }
    }

    /**
     * The handshake request with the held decision's id as its only {@value Handshakes#HEADER} header (a value the
     * client sent is hidden). Everything else is the container's request, its session included.
     */
    static final class Decided extends HttpServletRequestWrapper {

        private final String id;

        Decided(HttpServletRequest request, String id) {
            super(request);
            this.id = id;
        }

        private static boolean ours(String name) {
            return Handshakes.HEADER.equalsIgnoreCase(name);
        }

        @Override
        public String getHeader(String name) {
            return ours(name) ? id : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return ours(name) ? Collections.enumeration(List.of(id)) : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = new ArrayList<>();
            for (Enumeration<String> e = super.getHeaderNames(); e.hasMoreElements(); ) {
                String name = e.nextElement();
                if (!ours(name)) {
                    names.add(name);
                }
            }
            names.add(Handshakes.HEADER);
            return Collections.enumeration(names);
        }
    }
}

package dev.switchboard.web;


import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Map;

/**
 * Security headers for the bundled page and its assets: a Content-Security-Policy that forbids inline script (user
 * text can never become code), no MIME sniffing, no framing. The standalone runner sends the same {@link #HEADERS}.
 * Registered by {@link SwitchboardInitializer} for {@link #PATHS} only in Switchboard's own WAR: a host application
 * that adds Switchboard as a library keeps its own headers.
 */
public class PageHeaders implements Filter {

    /** Same-origin everything; 'self' in connect-src covers ws/wss to the same host (CSP Level 3). */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
            + "frame-ancestors 'none'";

    public static final Map<String, String> HEADERS = Map.of(
            "Content-Security-Policy", CONTENT_SECURITY_POLICY,
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "X-Frame-Options", "DENY");

    /** The bundled page and its assets. */
    static final String[] PATHS = {"/", "/index.html", "/js/*", "/css/*", "/vendor/*", "/img/*"};

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (response instanceof HttpServletResponse http) {
            HEADERS.forEach(http::setHeader);
        }
        chain.doFilter(request, response);
    }
}

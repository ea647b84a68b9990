package dev.switchboard.web;


import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpSession;

import java.io.IOException;
import java.util.Enumeration;

/**
 * Lets {@link HttpSessions} act on a login's end before the container does. Only requests of a session that has
 * Switchboard sockets are touched (a map lookup by the requested session id decides; every other request passes as
 * it came). For those, it notes when the request starts and ends (the session's activity, from which Switchboard
 * computes its expiry), and passes on a request whose {@code logout()}, and whose session's {@code invalidate()},
 * first close the session's sockets with 4401, then do what they do. WebSocket handshakes pass unwrapped: the
 * container keys its own bookkeeping by the session object the handshake request returns. Mapped to every request of
 * the application, ahead of the application's own filters, by {@link SwitchboardInitializer}, with the web
 * application's {@link HttpSessions}.
 * <p>
 * The session the application then gets is a wrapper: it is not the container's object ({@code ==}, casts to
 * container classes), and on Servlet 6.1 its {@code getAccessor()} is the interface's default (null).
 */
public class LoginSessionFilter implements Filter {

    private final HttpSessions logins;

    LoginSessionFilter(HttpSessions logins) {
        this.logins = logins;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpSessions.Login login = request instanceof HttpServletRequest http
                ? logins.requestStarted(http.getRequestedSessionId()) : null;
        if (login == null) {
            chain.doFilter(request, response);
            return;
        }
        HttpServletRequest http = (HttpServletRequest) request;
        boolean pass = "websocket".equalsIgnoreCase(http.getHeader("Upgrade"))
                || request instanceof ServletRequestWrapper w && w.isWrapperFor(EndingRequest.class);
        try {
            chain.doFilter(pass ? request : new EndingRequest(http, logins), response);
        } finally {
            logins.requestEnded(login);
        }
    }

    /** A request whose logout, and whose session's invalidation, close the session's sockets first. */
    static final class EndingRequest extends HttpServletRequestWrapper {

        private final HttpSessions logins;
        private EndingSession session;

        EndingRequest(HttpServletRequest request, HttpSessions logins) {
            super(request);
            this.logins = logins;
        }

        @Override
        public HttpSession getSession(boolean create) {
            HttpSession s = super.getSession(create);
            if (s == null) {
                return null;
            }
            if (session == null || session.delegate != s) {
                session = new EndingSession(s, logins);
            }
            return session;
        }

        @Override
        public HttpSession getSession() {
            return getSession(true);
        }

        /** Logging out ends what the login opened, whether or not the container also ends the session. */
        @Override
        public void logout() throws ServletException {
            HttpSession s = super.getSession(false);
            if (s != null) {
                logins.logout(s.getId());
            }
            super.logout();
        }
    }

    /** The container's session, except that invalidate() closes its sockets first. */
    static final class EndingSession implements HttpSession {

        final HttpSession delegate;
        private final HttpSessions logins;

        EndingSession(HttpSession delegate, HttpSessions logins) {
            this.delegate = delegate;
            this.logins = logins;
        }

        @Override
        public void invalidate() {
            logins.logout(delegate.getId());
            delegate.invalidate();
        }

        @Override
        public long getCreationTime() {
            return delegate.getCreationTime();
        }

        @Override
        public String getId() {
            return delegate.getId();
        }

        @Override
        public long getLastAccessedTime() {
            return delegate.getLastAccessedTime();
        }

        @Override
        public ServletContext getServletContext() {
            return delegate.getServletContext();
        }

        @Override
        public void setMaxInactiveInterval(int interval) {
            delegate.setMaxInactiveInterval(interval);
        }

        @Override
        public int getMaxInactiveInterval() {
            return delegate.getMaxInactiveInterval();
        }

        @Override
        public Object getAttribute(String name) {
            return delegate.getAttribute(name);
        }

        @Override
        public Enumeration<String> getAttributeNames() {
            return delegate.getAttributeNames();
        }

        @Override
        public void setAttribute(String name, Object value) {
            delegate.setAttribute(name, value);
        }

        @Override
        public void removeAttribute(String name) {
            delegate.removeAttribute(name);
        }

        @Override
        public boolean isNew() {
            return delegate.isNew();
        }

        @Override
        public String toString() {
            return delegate.toString();
        }
    }
}

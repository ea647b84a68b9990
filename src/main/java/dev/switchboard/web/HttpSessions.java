package dev.switchboard.web;

import dev.switchboard.core.Connection;
import dev.switchboard.core.Hub;
import dev.switchboard.protocol.CloseCode;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ties sockets to the HTTP session of the container login that opened them: when that session ends (logout with
 * {@code session.invalidate()}, or expiry), its sockets are closed with 4401 at once. Sockets of a principal without
 * a session (BASIC) keep the identity they opened with until they close; the next handshake checks the credentials
 * again. Registered by {@link SwitchboardInitializer}.
 * <p>
 * The container may close such sockets itself too, with 1008 (JSR 356 asks it to): Tomcat calls this listener first
 * (it is registered after Tomcat's own), so its sockets get 4401; Payara's Tyrus closes the most recently opened
 * socket of the ended session with 1008 before any application listener runs, and this one closes the others with
 * 4401.
 */
public class HttpSessions implements HttpSessionListener, HttpSessionIdListener {

    private static final Map<String, Set<Tracked>> BY_SESSION = new ConcurrentHashMap<>();

    private record Tracked(Connection connection, Hub hub) {}

    /** Returns the session id the connection is tracked under, or null when it is not tied to a login session. */
    static String track(Object httpSession, Connection connection, Hub hub) {
        if (!(httpSession instanceof HttpSession session) || connection.identity().source()
                != dev.switchboard.core.Identity.Source.PRINCIPAL) {
            return null;
        }
        String id = session.getId();
        BY_SESSION.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(new Tracked(connection, hub));
        return id;
    }

    static void untrack(String sessionId, Connection connection) {
        boolean[] found = {false};
        BY_SESSION.computeIfPresent(sessionId, (id, set) -> {
            found[0] = set.removeIf(t -> t.connection == connection);
            return set.isEmpty() ? null : set;
        });
        if (!found[0]) { // the session's id changed meanwhile (rare): look everywhere
            BY_SESSION.forEach((id, set) -> {
                if (set.removeIf(t -> t.connection == connection) && set.isEmpty()) {
                    BY_SESSION.remove(id, set);
                }
            });
        }
    }

    /** Containers change the id at login and some at logout (Payara: request.logout() before invalidate()). */
    @Override
    public void sessionIdChanged(HttpSessionEvent event, String oldSessionId) {
        Set<Tracked> sockets = BY_SESSION.remove(oldSessionId);
        if (sockets != null) {
            BY_SESSION.merge(event.getSession().getId(), sockets, (a, b) -> {
                a.addAll(b);
                return a;
            });
        }
    }

    @Override
    public void sessionDestroyed(HttpSessionEvent event) {
        Set<Tracked> sockets = BY_SESSION.remove(event.getSession().getId());
        if (sockets != null) {
            for (Tracked t : sockets) {
                t.hub.close(t.connection, CloseCode.UNAUTHORIZED, "logged out");
            }
        }
    }
}

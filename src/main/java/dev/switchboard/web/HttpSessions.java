package dev.switchboard.web;


import dev.switchboard.core.Connection;
import dev.switchboard.core.Hub;
import dev.switchboard.auth.Identity;
import dev.switchboard.protocol.CloseCode;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ties sockets to the HTTP session of the container login that opened them, and closes them with 4401 when that login
 * ends, before the container closes them with a code of its own. JSR 356 (§7.2) asks containers to close such sockets
 * with 1008 when the session ends, and Payara's Tyrus does so for the most recently opened socket of the session from
 * its own session listener, which runs before any listener of the application. So Switchboard does not wait for the
 * session's end to be announced:
 * <ul>
 * <li><b>Logout</b>: {@link LoginSessionFilter} hands the application a request whose {@code logout()}, and whose
 * session's {@code invalidate()}, first close the login's sockets ("logged out"), on the calling thread (the close
 * frame is written before the call returns, unless the socket is busy sending), and only then let the container
 * end the login.</li>
 * <li><b>Expiry</b>: the deadline is Switchboard's own: the last HTTP request of the session (the filter sees each
 * start and end) or handshake, plus the session's {@code maxInactiveInterval} (0 or less: never). A check runs when
 * the next session is due and at least every {@link #CHECK_MS} ms, and closes the sockets of a session past its
 * deadline ("session expired"): within that second, long before containers look for expired sessions (Tomcat about
 * once a minute, Payara every minute). The container is not asked whether the session is still valid: Payara's
 * getters expire a timed-out session on the spot, which runs Tyrus's listener first. WebSocket traffic is not a
 * request and does not keep the session alive (nor does it for the container).</li>
 * <li><b>Anything else</b> that ends the session (code that invalidates a session it got from elsewhere than a
 * request, the container's own expiry when it comes first): the session listener closes the sockets ("session
 * ended"). Tomcat calls it before its own close; on Payara Tyrus may have closed the newest socket with 1008.</li>
 * </ul>
 * Sockets of a principal without a session (BASIC) are not tracked: they keep the identity they opened with until they
 * close; the next handshake checks the credentials again. One per web application, made by
 * {@link SwitchboardInitializer} and handed to the container (listener), to {@link LoginSessionFilter} and to
 * {@link WebLifecycle}, which hands it to the endpoints and runs the expiry check.
 */
public final class HttpSessions implements HttpSessionListener, HttpSessionIdListener {

    private static final Logger LOG = System.getLogger(HttpSessions.class.getName());

    /** The longest the expiry check waits; besides, it runs exactly when the next session is due. */
    static final long CHECK_MS = 1000;

    private final Clock clock;
    /** By the session's current id (containers change it at login, Payara also at logout). */
    private final Map<String, Login> byId = new ConcurrentHashMap<>();
    private ScheduledExecutorService checker; // guarded by this

    HttpSessions(Clock clock) {
        this.clock = clock;
    }

    /** One login session with its open sockets and the time of its last HTTP request. */
    static final class Login {
        private final HttpSession session;
        private final Set<Tracked> sockets = ConcurrentHashMap.newKeySet();
        private final AtomicLong lastRequestMillis = new AtomicLong();
        private volatile String id;

        private Login(HttpSession session, String id) {
            this.session = session;
            this.id = id;
        }

        private void touch(long now) {
            lastRequestMillis.accumulateAndGet(now, Math::max);
        }

        /** When the session expires, by its current timeout; Long.MAX_VALUE for never. */
        private long dueMillis() {
            int seconds = session.getMaxInactiveInterval(); // a plain getter on Tomcat and Payara: no expiry check
            return seconds <= 0 ? Long.MAX_VALUE : lastRequestMillis.get() + seconds * 1000L;
        }
    }

    /** What a tracked socket does when its login ends. */
    interface LoginSocket {
        /** Runs before the socket is closed for its login: makes its close immediate (the container closes it too). */
        void closingForLogin();

        /**
         * Waits, until {@code deadlineNanos} at most, for the end of the socket's connection after its close, where the
         * container would otherwise end it under the client's answer ({@link #logout}); at once elsewhere.
         */
        default void awaitEnd(long deadlineNanos) throws InterruptedException {
        }
    }

    /**
     * How long a logout waits for its sockets' connections to end before the container ends the session: Payara then
     * closes each socket's servlet connection on the logging-out thread ({@code TyrusHttpUpgradeHandler
     * .httpSessionForcedClose}) unless it has ended, which raced with the client's answer to our close
     * (docs/reliability.md). A client that reads answers within milliseconds.
     */
    static final long LOGOUT_WAIT_MS = 1000;

    private record Tracked(Connection connection, Hub hub, LoginSocket socket) {}

    /**
     * Ties a connection to the login session its handshake carried, without looking at the session's validity
     * ({@link #endIfEnded} does, after the open): a socket registers before its {@code welcome} is sent, and cannot be
     * closed in the middle of its open. Returns its {@link Login} (for {@link #untrack}), or null when the connection
     * is not a container login's (a token, a guest) or there was no session.
     */
    Login register(Object httpSession, Connection connection, Hub hub, LoginSocket socket) {
        if (!(httpSession instanceof HttpSession session) || connection.identity().source() != Identity.Source.PRINCIPAL) {
            return null;
        }
        String id = session.getId();
        long now = clock.millis();
        Login login = byId.compute(id, (k, existing) -> {
            Login l = existing != null ? existing : new Login(session, k);
            l.sockets.add(new Tracked(connection, hub, socket));
            l.touch(now); // the handshake was a request of the session
            return l;
        });
        return login;
    }

    /** Closes the login's sockets when its session ended between the handshake and now (nobody told this socket). */
    void endIfEnded(Login login) {
        if (!valid(login.session)) {
            end(login.id, "session ended");
        }
    }

    /** Validity without side effects right after a request of the session (Payara's check can expire a session). */
    private static boolean valid(HttpSession session) {
        try {
            session.getCreationTime();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** The socket closed: forgets it, and the session once it has no sockets left. */
    void untrack(Login login, Connection connection) {
        login.sockets.removeIf(t -> t.connection == connection);
        byId.computeIfPresent(login.id, (id, l) -> l == login && l.sockets.isEmpty() ? null : l);
    }

    /** A request of a session with sockets begins (the filter): returns its login, or null when it has none. */
    Login requestStarted(String requestedSessionId) {
        Login login = requestedSessionId == null ? null : byId.get(requestedSessionId);
        if (login != null) {
            login.touch(clock.millis());
        }
        return login;
    }

    /** That request ends; a request that lasted is activity until its end (the container counts its own way). */
    void requestEnded(Login login) {
        login.touch(clock.millis());
    }

    /**
     * Closes every socket of this session now, on the calling thread, with 4401 and {@code reason}, and forgets the
     * session; returns how many sockets it closed.
     */
    int end(String sessionId, String reason) {
        Login login = sessionId == null ? null : byId.remove(sessionId);
        return login == null ? 0 : close(login, reason);
    }

    /**
     * A logout on the calling thread (the application's {@code logout()} or {@code invalidate()}): {@link #end}, then
     * waits up to {@value #LOGOUT_WAIT_MS} ms in all for the sockets' connections to end, before the container ends the
     * session.
     */
    int logout(String sessionId) {
        Login login = sessionId == null ? null : byId.get(sessionId);
        // Taken before the closes: a socket leaves its login at onClose, before its connection has ended.
        List<Tracked> sockets = login == null ? List.of() : List.copyOf(login.sockets);
        int closed = end(sessionId, "logged out");
        if (!sockets.isEmpty()) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOGOUT_WAIT_MS);
            try {
                for (Tracked t : sockets) {
                    t.socket.awaitEnd(deadline);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return closed;
    }

    private static int close(Login login, String reason) {
        List<Tracked> sockets = List.copyOf(login.sockets);
        for (Tracked t : sockets) {
            try {
                t.socket.closingForLogin();
                t.hub.closeNow(t.connection, CloseCode.UNAUTHORIZED, reason);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not close " + t.connection + " (" + reason + ")", e);
            }
        }
        return sockets.size();
    }

    /**
     * Closes the sockets of every session past its deadline ("session expired"); returns the milliseconds until the
     * next check is due: when the next session is, and no later than {@link #CHECK_MS} (a timeout the application
     * shortens meanwhile, a new login).
     */
    long checkExpiry() {
        long now = clock.millis();
        long next = now + CHECK_MS;
        for (Login login : byId.values()) {
            long due;
            String reason = "session expired";
            try {
                due = login.dueMillis();
            } catch (IllegalStateException e) { // a container whose getter does check: the session is gone
                due = now;
                reason = "session ended";
            }
            if (due <= now) {
                if (byId.remove(login.id, login)) {
                    close(login, reason);
                }
            } else {
                next = Math.min(next, due);
            }
        }
        return next - now;
    }

    /** Starts the expiry check (on its own thread: a close may block on a socket, it must not hold up the hub). */
    synchronized void startChecks() {
        if (checker == null) {
            ScheduledExecutorService on = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "switchboard-login-sessions");
                t.setDaemon(true);
                return t;
            });
            checker = on;
            on.schedule(() -> checkAndReschedule(on), CHECK_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** Stops the expiry check and forgets every session (the web application stops; its sockets close with 1001). */
    synchronized void stopChecks() {
        if (checker != null) {
            checker.shutdownNow();
            checker = null;
        }
        byId.clear();
    }

    private void checkAndReschedule(ScheduledExecutorService on) {
        long delay = CHECK_MS;
        try {
            delay = checkExpiry();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "login session expiry check failed", e);
        }
        synchronized (this) {
            if (checker == on) {
                try {
                    on.schedule(() -> checkAndReschedule(on), Math.max(1, delay), TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException stopped) {
                    // stopChecks raced us
                }
            }
        }
    }

    /** Containers change the id at login and some at logout (Payara: request.logout() before invalidate()). */
    @Override
    public void sessionIdChanged(HttpSessionEvent event, String oldSessionId) {
        Login login = byId.remove(oldSessionId);
        if (login != null) {
            login.id = event.getSession().getId();
            byId.put(login.id, login);
        }
    }

    @Override
    public void sessionDestroyed(HttpSessionEvent event) {
        end(event.getSession().getId(), "session ended");
    }
}

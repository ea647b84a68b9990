package dev.switchboard.web;

import dev.switchboard.auth.Refusal;
import dev.switchboard.core.Connection;
import dev.switchboard.core.Hub;
import dev.switchboard.auth.Identity;
import dev.switchboard.core.Outgoing;
import dev.switchboard.settings.Settings;
import dev.switchboard.core.Stats;
import dev.switchboard.core.Transport;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.testing.Hubs;
import dev.switchboard.testing.MutableClock;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The login sessions' rules without a container: a real hub and registry, the clock moved by the test, a session
 * that holds the id and timeout a container's would, sockets that record how they were closed.
 */
class HttpSessionsTest {

    private final MutableClock clock = new MutableClock();
    private final HttpSessions sessions = new HttpSessions(clock);
    private final Hub hub = Hubs.inMemory(Settings.of(Map.of("statsIntervalMs", "0", "demoIntervalMs", "0",
            "historySize", "100", "maxChannels", "100")), Clock.systemUTC(), new Stats(), null);

    @AfterEach
    void stop() {
        hub.shutdown(0);
    }

    @Test
    void anIdleLoginsSocketsCloseWith4401AtItsTimeoutAndNotBefore() throws Exception {
        TestSession session = new TestSession("s1", 30);
        Socket chat = open(session, Identity.principal("ann"));
        Socket live = open(session, Identity.principal("ann"));

        clock.advance(Duration.ofMillis(29_999));
        assertEquals(1, sessions.checkExpiry(), "the next check is when the session is due");
        assertEquals("open", chat.closed);

        clock.advance(Duration.ofMillis(1));
        sessions.checkExpiry();
        assertEquals("4401 session expired", chat.closed);
        assertEquals("4401 session expired", live.closed);
        assertNull(sessions.requestStarted("s1"), "forgotten");
    }

    @Test
    void requestsOfTheSessionPushItsDeadlineFromTheirEnd() throws Exception {
        TestSession session = new TestSession("s1", 30);
        Socket chat = open(session, Identity.principal("ann"));
        clock.advance(Duration.ofSeconds(20));
        HttpSessions.Login login = sessions.requestStarted("s1");
        clock.advance(Duration.ofSeconds(5)); // a slow request: activity until it ends
        sessions.requestEnded(login);

        clock.advance(Duration.ofMillis(29_999));
        assertEquals(1, sessions.checkExpiry());
        assertEquals("open", chat.closed, "30 s after the request's end, not its start or the handshake");
        clock.advance(Duration.ofMillis(1));
        sessions.checkExpiry();
        assertEquals("4401 session expired", chat.closed);
    }

    @Test
    void aSessionWithoutTimeoutIsNeverClosedByTheCheck() throws Exception {
        Socket zero = open(new TestSession("s0", 0), Identity.principal("ann"));
        Socket negative = open(new TestSession("s-1", -1), Identity.principal("bob"));
        clock.advance(Duration.ofDays(2));
        assertEquals(HttpSessions.CHECK_MS, sessions.checkExpiry());
        assertEquals("open", zero.closed);
        assertEquals("open", negative.closed);
    }

    @Test
    void aTimeoutTheApplicationShortensCountsFromTheLastRequest() throws Exception {
        TestSession session = new TestSession("s1", 3600);
        Socket chat = open(session, Identity.principal("ann"));
        clock.advance(Duration.ofSeconds(5));
        assertEquals(HttpSessions.CHECK_MS, sessions.checkExpiry(), "nothing due within a second");
        session.maxInactiveInterval = 2;
        sessions.checkExpiry();
        assertEquals("4401 session expired", chat.closed);
    }

    @Test
    void loggingOutClosesAtOnceOnTheCallingThreadUnderTheSessionsCurrentId() throws Exception {
        TestSession session = new TestSession("before-login", 1800);
        Socket chat = open(session, Identity.principal("ann"));
        session.id = "after-id-change";
        sessions.sessionIdChanged(new HttpSessionEvent(session), "before-login");
        assertNull(sessions.requestStarted("before-login"));

        assertEquals(1, sessions.end("after-id-change", "logged out"));
        assertEquals("4401 logged out", chat.closed);
        assertEquals(0, sessions.end("after-id-change", "logged out"), "once");
    }

    @Test
    void aLogoutClosesEverySocketFirstThenWaitsForTheirEndsWithinOneDeadline() throws Exception {
        TestSession session = new TestSession("s1", 1800);
        List<String> steps = Collections.synchronizedList(new ArrayList<>());
        List<Long> deadlines = Collections.synchronizedList(new ArrayList<>());
        Socket[] sockets = {new Socket(), new Socket()};
        for (int i = 0; i < 2; i++) {
            String name = "socket" + i;
            Socket socket = sockets[i];
            Connection c = hub.open(Identity.principal("ann"), "10.0.0.1", Connection.Endpoint.CHAT, socket);
            track(sessions, session, c, hub, new HttpSessions.LoginSocket() {
                @Override
                public void closingForLogin() {
                    steps.add("close " + name);
                }

                @Override
                public void awaitEnd(long deadlineNanos) {
                    steps.add("await " + name + " (" + socket.closed + ")");
                    deadlines.add(deadlineNanos);
                }
            });
        }
        long before = System.nanoTime();
        assertEquals(2, sessions.logout("s1"));
        long after = System.nanoTime();
        assertEquals(List.of("await socket0 (4401 logged out)", "await socket1 (4401 logged out)", "close socket0",
                "close socket1"), steps.stream().sorted().toList());
        assertTrue(steps.get(0).startsWith("close") && steps.get(1).startsWith("close"), "all closed first: " + steps);
        assertEquals(1, Set.copyOf(deadlines).size(), "one deadline for the whole logout");
        long deadline = deadlines.get(0);
        long wait = TimeUnit.MILLISECONDS.toNanos(HttpSessions.LOGOUT_WAIT_MS);
        assertTrue(deadline >= before + wait && deadline <= after + wait, "the deadline is the logout's own");
        assertEquals(0, sessions.logout("s1"), "once");
    }

    @Test
    void theContainersEndOfTheSessionClosesWhatIsLeft() throws Exception {
        TestSession session = new TestSession("s1", 1800);
        Socket chat = open(session, Identity.principal("ann"));
        sessions.sessionDestroyed(new HttpSessionEvent(session));
        assertEquals("4401 session ended", chat.closed);
    }

    @Test
    void aSessionThatEndedDuringTheHandshakeClosesTheSocketAtOnce() throws Exception {
        TestSession session = new TestSession("s1", 1800);
        session.valid = false;
        Socket chat = open(session, Identity.principal("ann"));
        assertEquals("4401 session ended", chat.closed);
        assertNull(sessions.requestStarted("s1"));
    }

    @Test
    void onlyContainerLoginsAreTiedToTheirSession() throws Exception {
        TestSession session = new TestSession("s1", 1);
        Socket guest = new Socket();
        Connection c = hub.open(Identity.guest("eve"), "10.0.0.1", Connection.Endpoint.CHAT, guest);
        assertNull(track(sessions, session, c, hub, () -> { }));
        clock.advance(Duration.ofSeconds(5));
        sessions.checkExpiry();
        assertEquals("open", guest.closed);
    }

    @Test
    void theLastSocketToCloseTakesTheSessionWithIt() throws Exception {
        TestSession session = new TestSession("s1", 1800);
        Socket first = new Socket();
        Socket second = new Socket();
        Connection a = hub.open(Identity.principal("ann"), "10.0.0.1", Connection.Endpoint.CHAT, first);
        Connection b = hub.open(Identity.principal("ann"), "10.0.0.1", Connection.Endpoint.NOTIFICATIONS, second);
        HttpSessions.Login login = track(sessions, session, a, hub, () -> { });
        assertSame(login, track(sessions, session, b, hub, () -> { }));
        sessions.untrack(login, a);
        assertSame(login, sessions.requestStarted("s1"));
        sessions.untrack(login, b);
        assertNull(sessions.requestStarted("s1"));
    }

    private Socket open(HttpSession session, Identity identity) throws Refusal {
        Socket socket = new Socket();
        Connection c = hub.open(identity, "10.0.0.1", Connection.Endpoint.CHAT, socket);
        track(sessions, session, c, hub, () -> { });
        return socket;
    }

    /** The client side of a socket: records how it was closed ("open" until then). */
    private static final class Socket implements Transport {
        volatile String closed = "open";

        @Override
        public void send(Outgoing frame, Consumer<Throwable> done) {
            done.accept(null);
        }

        @Override
        public void ping() {
        }

        @Override
        public boolean isOpen() {
            return "open".equals(closed);
        }

        @Override
        public void close(CloseCode code, String reason) {
            closed = code.code() + " " + reason;
        }
    }

    /** What the registry reads of a container's session: its id, its timeout, whether it is still valid. */
    private static final class TestSession implements HttpSession {
        volatile String id;
        volatile int maxInactiveInterval;
        volatile boolean valid = true;

        TestSession(String id, int maxInactiveInterval) {
            this.id = id;
            this.maxInactiveInterval = maxInactiveInterval;
        }

        private void check() {
            if (!valid) {
                throw new IllegalStateException("invalidated");
            }
        }

        @Override
        public long getCreationTime() {
            check();
            return 0;
        }

        @Override
        public String getId() {
            return id;
        }

        @Override
        public long getLastAccessedTime() {
            check();
            return 0;
        }

        @Override
        public ServletContext getServletContext() {
            return null;
        }

        @Override
        public void setMaxInactiveInterval(int interval) {
            maxInactiveInterval = interval;
        }

        @Override
        public int getMaxInactiveInterval() {
            return maxInactiveInterval;
        }

        @Override
        public Object getAttribute(String name) {
            check();
            return null;
        }

        @Override
        public Enumeration<String> getAttributeNames() {
            check();
            return Collections.emptyEnumeration();
        }

        @Override
        public void setAttribute(String name, Object value) {
            check();
        }

        @Override
        public void removeAttribute(String name) {
            check();
        }

        @Override
        public void invalidate() {
            check();
            valid = false;
        }

        @Override
        public boolean isNew() {
            check();
            return false;
        }
    }

    /** What a socket does at its open: registers with its login, then is closed if that login has ended meanwhile. */
    private static HttpSessions.Login track(HttpSessions sessions, Object session, Connection c, Hub hub,
                                            HttpSessions.LoginSocket socket) {
        HttpSessions.Login login = sessions.register(session, c, hub, socket);
        if (login != null) {
            sessions.endIfEnded(login);
        }
        return login;
    }
}

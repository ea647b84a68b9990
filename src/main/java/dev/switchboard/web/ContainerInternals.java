package dev.switchboard.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.WebConnection;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;

/**
 * Everything the WAR takes from a container below the WebSocket API, in one place (the runner's twin is
 * {@code standalone/TyrusInternals}). Nothing here is API: each piece is found by name, once per socket, and where a
 * container or version has it otherwise, the socket behaves as without it ({@link #NONE}). Reflection only: the WAR
 * must load in every container, and none of these classes is on its compile path.
 * <ul>
 * <li>Tomcat (10.1, 11): its session's state, pings that do not block ({@link TomcatInternals}), and the client's
 *     pings shown to the WAR ({@link TomcatPings}).</li>
 * <li>Tyrus in a servlet container (Payara, GlassFish): the servlet writer ({@code TyrusRemoteEndpoint.webSocket} →
 *     {@code TyrusWebSocket.protocolHandler} → {@code ProtocolHandler.writer}, a {@code TyrusServletWriter}) with its
 *     own frame queue, and the Grizzly TCP connection under the upgrade (the writer's upgrade handler →
 *     {@code getWebConnection()} → its output stream's {@code ob.grizzlyOutputBuffer.connection}, else its request's
 *     {@code getCoyoteRequest().getConnection()}), looked up on use until found (by the handler's getter: Payara
 *     hands Tyrus a CDI proxy of the handler, whose own fields stay empty). Tyrus answers pings itself; the pongs a client does not read queue in Grizzly's write queue or in
 *     the writer's, both without bound, and {@link Socket#pendingBytes} makes them visible to the outbox; the pings
 *     themselves it shows through its monitoring API ({@link TyrusFrameEvents}, {@link Socket#watchPings}). A close does
 *     not end such a connection while a write of it is stuck (the close frame queues behind it, and the servlet
 *     connection's close flushes through it): {@link Socket#terminate} ends the TCP connection at once.</li>
 * <li>Jetty 12: pings and closes that do not block, and an abort ({@link JettyInternals}).</li>
 * <li>Jetty upgrades before any filter runs: the servlet request under the handshake gives the peer's address
 *     ({@link #servletRequest}; Undertow's shape too, should its upgrade come first).</li>
 * </ul>
 */
final class ContainerInternals {

    /** What a socket's container offers below the API; every method a no-op where nothing was found. */
    interface Socket {

        /** True once the container itself is closing the session although {@code isOpen()} may still say open. */
        default boolean closing() {
            return false;
        }

        /** Bytes the container holds for the socket unwritten, counted by frames (0 where it cannot be seen). */
        default long pendingBytes() {
            return 0;
        }

        /** Sends a ping without waiting for its write; false where the container offers no way (then the API's). */
        default boolean ping() {
            return false;
        }

        /** Starts the close handshake without waiting for the close frame's write; false: use the API's close. */
        default boolean close(int code, String reason) {
            return false;
        }

        /** Waits until the TCP connection has ended, or until {@code deadlineNanos}; at once where it cannot be seen. */
        default void awaitEnd(long deadlineNanos) throws InterruptedException {
        }

        /**
         * Writes the upgrade's HTTP response (101) now, on the calling thread: {@code onOpen}'s, the container's request
         * thread, before any frame of this socket is sent from another one. A no-op where the container has written it.
         */
        default void flushUpgrade() {
        }

        /**
         * From now on asks {@code admit} for each ping the client sends, with the size of its pong; a no-op where the
         * container does not show pings (Tomcat, Jetty, Undertow).
         */
        default void watchPings(IntPredicate admit) {
        }

        /** Whether {@link #terminate} and {@link #connected} reach the TCP connection. */
        default boolean reachesTcp() {
            return false;
        }

        /** Ends the TCP connection at once, without a close frame; false where the container offers no way. */
        default boolean terminate() {
            return false;
        }

        /** False once the TCP connection ended (true where it cannot be seen). */
        default boolean connected() {
            return true;
        }

        /** The container's write state of the socket, for a log line when a write is stuck (unlocked reads). */
        default String describe() {
            return "";
        }
    }

    /** Something read for {@link Socket#describe}, which may fail. */
    private interface Reading {
        Object read() throws ReflectiveOperationException;
    }

    /** A container with none of the above. */
    static final Socket NONE = new Socket() {};

    /**
     * What a frame in Tyrus's servlet writer queue counts as: the largest control frame (125 bytes of payload and a
     * 6-byte header); a queued message frame of ours counts in the outbox already (in flight).
     */
    static final long QUEUED_FRAME_BYTES = 131;
    /** How often a socket looks for its TCP connection before it does without (each send and tick may look). */
    private static final int MAX_TRIES = 100;

    private static final String TYRUS_SERVLET_WRITER = "org.glassfish.tyrus.servlet.TyrusServletWriter";
    /** Fields found so far, by class and name. */
    private static final ClassValue<Map<String, Field>> FIELDS = new ClassValue<>() {
        @Override
        protected Map<String, Field> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    private ContainerInternals() {
    }

    /** What the container of {@code session} offers; {@link #NONE} for anything not recognised. */
    static Socket of(Session session) {
        try {
            Socket tomcat = TomcatInternals.of(session);
            if (tomcat != null) {
                return tomcat;
            }
            Socket jetty = JettyInternals.of(session);
            if (jetty != null) {
                return jetty;
            }
            Object remote = session.getAsyncRemote();
            Object webSocket = read(remote, "webSocket");
            Object protocolHandler = read(webSocket, "protocolHandler");
            Object writer = read(protocolHandler, "writer");
            if (writer != null && writer.getClass().getName().equals(TYRUS_SERVLET_WRITER)) {
                if (read(session, "service") instanceof java.util.concurrent.ScheduledExecutorService) {
                    write(session, "service", TyrusIdleTimer.SHARED); // no task per message (TyrusIdleTimer)
                }
                return tyrusServlet(writer, TyrusServletClose.of(webSocket, protocolHandler),
                        read(webSocket, "messageEventListener"));
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return NONE;
        }
        return NONE;
    }

    /**
     * The servlet request under a handshake that no filter saw (the container upgrades before its filters run):
     * Jetty's {@code JsrHandshakeRequest.httpServletRequest}, Undertow's (WildFly)
     * {@code ExchangeHandshakeRequest.exchange.request}; null where none is found.
     */
    static HttpServletRequest servletRequest(HandshakeRequest request) {
        for (String[] path : new String[][] {{"httpServletRequest"}, {"exchange", "request"}}) {
            try {
                Object found = request;
                for (String field : path) {
                    found = read(found, field);
                }
                if (found instanceof HttpServletRequest http) {
                    return http;
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                // not this container's shape
            }
        }
        return null;
    }

    /** {@code frames}: Tyrus's listener of the socket's frames, ours where {@code WEB-INF/web.xml} named it. */
    private static Socket tyrusServlet(Object writer, TyrusServletClose closer, Object frames)
            throws ReflectiveOperationException {
        Collection<?> queue = read(writer, "queue") instanceof Collection<?> q ? q : null;
        return new Socket() {
            /** Found once the upgrade handler gives its {@code WebConnection}. */
            private volatile GrizzlyTcp tcp;
            /** Lookups left: one that never succeeds must not cost every send a reflective call and an exception. */
            private volatile int tries = MAX_TRIES;

            private GrizzlyTcp tcp() {
                GrizzlyTcp t = tcp;
                if (t == null && tries > 0) {
                    tries--;
                    try {
                        Object grizzly = grizzlyConnection(webConnection(writer));
                        t = tcp = grizzly == null ? null : new GrizzlyTcp(grizzly);
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        return null;
                    }
                }
                return t;
            }

            /**
             * GlassFish calls {@code HttpUpgradeHandler.init} (Tyrus: {@code onOpen}) before it commits the 101
             * response, which it does on the request thread once {@code init} returned; a frame that another thread
             * sent meanwhile went through the same unsynchronised output buffer and, on a busy machine, reached the
             * client before the 101 (docs/reliability.md). Flushing here commits the 101 first, on that thread.
             */
            @Override
            public void flushUpgrade() {
                try {
                    if (webConnection(writer) instanceof WebConnection wc) {
                        wc.getOutputStream().flush();
                    }
                    tcp(); // found now, while the upgrade's objects are surely this socket's (Payara recycles them)
                } catch (ReflectiveOperationException | IOException | RuntimeException e) {
                    // the container's own flush writes it later
                }
            }

            @Override
            public boolean closing() {
                return closer != null && closer.closing();
            }

            /**
             * Sends the close frame and leaves the connection to the client's answer ({@link TyrusServletClose}); only where
             * the TCP connection is in reach, so that a client that never answers is ended after a wait
             * ({@code SocketAdapter.closeSession}).
             */
            @Override
            public boolean close(int code, String reason) {
                return closer != null && tcp() != null && closer.close(code, reason);
            }

            @Override
            public void awaitEnd(long deadlineNanos) throws InterruptedException {
                GrizzlyTcp t = tcp();
                if (t != null) {
                    t.awaitClosed(deadlineNanos);
                }
            }

            @Override
            public long pendingBytes() {
                GrizzlyTcp t = tcp();
                long queued = queue == null ? 0 : queue.size() * QUEUED_FRAME_BYTES; // size(): a field, no lock
                return queued + (t == null ? 0 : t.pendingBytes());
            }

            @Override
            public void watchPings(IntPredicate admit) {
                if (frames instanceof PingWatch watch) {
                    watch.watch(admit);
                }
            }

            @Override
            public boolean reachesTcp() {
                return tcp() != null;
            }

            @Override
            public boolean terminate() {
                GrizzlyTcp t = tcp();
                return t != null && t.terminate();
            }

            @Override
            public boolean connected() {
                GrizzlyTcp t = tcp();
                return t == null || t.open();
            }

            @Override
            public String describe() {
                GrizzlyTcp t = tcp();
                return "Tyrus servlet writer: " + (queue == null ? "?" : queue.size())
                        + " frames queued, write listener " + text(() -> read(writer, "isListenerSet"))
                        + "; servlet output ready " + text(() -> read(output(writer), "prevIsReady"))
                        + ", its write handler " + text(() -> read(output(writer), "writeHandler") != null)
                        + "; Grizzly output waits to notify "
                        + text(() -> read(grizzlyOutput(writer), "handler") != null)
                        + ", closed " + text(() -> read(grizzlyOutput(writer), "closed"))
                        + "; TCP " + (t == null ? "not found" : t.pendingBytes() + " bytes queued, open " + t.open());
            }
        };
    }

    /**
     * The servlet upgrade's {@code WebConnection} under Tyrus's writer, by its upgrade handler's getter, not its field:
     * Payara hands Tyrus a CDI proxy of the handler, whose own fields stay empty.
     */
    private static Object webConnection(Object writer) throws ReflectiveOperationException {
        return callDeclared(read(writer, "tyrusHttpUpgradeHandler"), "getWebConnection");
    }

    /**
     * The Grizzly connection under a servlet upgrade's {@code WebConnection} (Payara's {@code WebConnectionImpl}): the
     * one its output stream writes to ({@code CoyoteOutputStream.ob.grizzlyOutputBuffer.connection}), else the request's.
     */
    static Object grizzlyConnection(Object webConnection) throws ReflectiveOperationException {
        Object viaOutput = read(read(read(read(webConnection, "outputStream"), "ob"), "grizzlyOutputBuffer"),
                "connection");
        if (viaOutput != null) {
            return viaOutput;
        }
        Object request = read(webConnection, "request");
        return request == null ? null : call(call(request, "getCoyoteRequest"), "getConnection");
    }

    /** The servlet output buffer under Tyrus's writer (Payara: {@code CoyoteOutputStream.ob}). */
    private static Object output(Object writer) throws ReflectiveOperationException {
        return read(read(writer, "servletOutputStream"), "ob");
    }

    /** Grizzly's output buffer under the servlet one. */
    private static Object grizzlyOutput(Object writer) throws ReflectiveOperationException {
        return read(output(writer), "grizzlyOutputBuffer");
    }

    private static String text(Reading reading) {
        try {
            return String.valueOf(reading.read());
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "?";
        }
    }

    // ----------------------------------------------------------------------------- lookups

    static boolean isA(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** The value of the field {@code name} declared by the class of {@code owner} or a superclass; null owner: null. */
    static Object read(Object owner, String name) throws ReflectiveOperationException {
        if (owner == null) {
            return null;
        }
        Map<String, Field> fields = FIELDS.get(owner.getClass());
        Field field = fields.get(name);
        if (field == null) {
            field = find(owner.getClass(), name);
            fields.put(name, field);
        }
        return field.get(owner);
    }

    /** Sets a field, final ones too (instance fields of ordinary classes: {@link Field#set}). */
    static void write(Object owner, String name, Object value) throws ReflectiveOperationException {
        Map<String, Field> fields = FIELDS.get(owner.getClass());
        Field field = fields.get(name);
        if (field == null) {
            field = find(owner.getClass(), name);
            fields.put(name, field);
        }
        field.set(owner, value);
    }

    private static Field find(Class<?> type, String name) throws NoSuchFieldException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException e) {
                // a superclass may declare it
            }
        }
        throw new NoSuchFieldException(type.getName() + "." + name);
    }

    static Method method(Object owner, String name) throws NoSuchMethodException {
        Method m = owner.getClass().getMethod(name);
        m.setAccessible(true); // a public method of a class that may not be public itself
        return m;
    }

    /** A method without parameters that the class of {@code owner} or a superclass declares, whatever its access. */
    private static Object callDeclared(Object owner, String name) throws ReflectiveOperationException {
        if (owner == null) {
            return null;
        }
        for (Class<?> c = owner.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Method m = c.getDeclaredMethod(name);
                m.setAccessible(true);
                return m.invoke(owner);
            } catch (NoSuchMethodException e) {
                // a superclass may declare it
            }
        }
        throw new NoSuchMethodException(owner.getClass().getName() + "." + name + "()");
    }

    static Object call(Object owner, String name) throws ReflectiveOperationException {
        return owner == null ? null : method(owner, name).invoke(owner);
    }
}

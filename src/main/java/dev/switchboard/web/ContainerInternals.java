package dev.switchboard.web;

import dev.switchboard.core.Outgoing;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;

/**
 * Everything the WAR takes from a container below the WebSocket API, in one place (the runner's twin is
 * {@code standalone/TyrusInternals}). Nothing here is API: each piece is found by name, once per socket, and where a
 * container or version has it otherwise, the socket behaves as without it ({@link #NONE}). Reflection only: the WAR
 * must load in every container, and none of these classes is on its compile path.
 * <ul>
 * <li>Tomcat (10.1, 11): its session's state, pings that do not block and messages encoded once
 *     ({@link TomcatInternals}), and the client's pings shown to the WAR ({@link TomcatPings}).</li>
 * <li>Tyrus in a servlet container (Payara, GlassFish): the servlet writer ({@code TyrusRemoteEndpoint.webSocket} →
 *     {@code TyrusWebSocket.protocolHandler} → {@code ProtocolHandler.writer}, a {@code TyrusServletWriter}) with its
 *     own frame queue, and the Grizzly TCP connection under the upgrade (the writer's upgrade handler →
 *     {@code getWebConnection()} → its output stream's {@code ob.grizzlyOutputBuffer.connection}, else its request's
 *     {@code getCoyoteRequest().getConnection()}), looked up on use until found (by the handler's getter: Payara
 *     hands Tyrus a CDI proxy of the handler, whose own fields stay empty). Tyrus answers pings itself; the pongs a
 *     client does not read queue in Grizzly's write queue or in the writer's, both without bound, and
 *     {@link Socket#pendingBytes} makes them visible to the outbox; the pings themselves it shows through its
 *     monitoring API ({@link TyrusFrameEvents}, {@link Socket#watchPings}). A close does not end such a connection
 *     while a write of it is stuck (the close frame queues behind it, and the servlet connection's close flushes
 *     through it): {@link Socket#terminate} ends the TCP connection at once ({@link TyrusServletSocket}). Its
 *     sessions' idle timer costs no task per message ({@link TyrusIdleTimer}).</li>
 * <li>Jetty 12: pings and closes that do not block, an abort, and the client's pings shown to the WAR
 *     ({@link JettyInternals}).</li>
 * <li>Undertow (WildFly): the client's pings shown to the WAR, and the channel's close ({@link UndertowInternals}).</li>
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

        /**
         * Sends the message as one text frame, its UTF-8 bytes encoded once for all its recipients, without waiting
         * for the write; false where the container offers no way (then the API's {@code sendText}).
         */
        default boolean sendText(Outgoing message, SendHandler handler) {
            return false;
        }

        /**
         * Whether {@link #sendText} never waits, whatever else the container writes to the socket (its pongs, its
         * close): then a small fan-out may write on the delivering thread ({@code Transport.neverBlocks}).
         */
        default boolean sendsWithoutWaiting() {
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
         * container does not show pings.
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

    /**
     * A socket whose TCP connection one method of the container's ends ({@code end}) and another tells ended or not
     * ({@code state}, ended where it answers {@code endedWhen}): Jetty's core session, Undertow's channel.
     */
    abstract static class EndsTcp implements Socket {
        private final Object owner;
        private final Method end;
        private final Method state;
        private final boolean endedWhen;

        EndsTcp(Object owner, Method end, Method state, boolean endedWhen) {
            this.owner = owner;
            this.end = end;
            this.state = state;
            this.endedWhen = endedWhen;
        }

        @Override
        public boolean reachesTcp() {
            return true;
        }

        @Override
        public boolean terminate() {
            return callOr(end, owner, this) != this;
        }

        @Override
        public boolean connected() {
            return (boolean) callOr(state, owner, !endedWhen) != endedWhen;
        }
    }

    /** A container with none of the above. */
    static final Socket NONE = new Socket() {};

    private static final String TYRUS_SERVLET_WRITER = "org.glassfish.tyrus.servlet.TyrusServletWriter";
    /** Fields found so far, by class and name. */
    private static final ClassValue<Map<String, Field>> FIELDS = new ClassValue<>() {
        @Override
        protected Map<String, Field> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    /** Public methods without parameters found so far, by class and name. */
    private static final ClassValue<Map<String, Method>> METHODS = new ClassValue<>() {
        @Override
        protected Map<String, Method> computeValue(Class<?> type) {
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
            Socket undertow = UndertowInternals.of(session);
            if (undertow != null) {
                return undertow;
            }
            Object remote = session.getAsyncRemote();
            Object webSocket = read(remote, "webSocket");
            Object protocolHandler = read(webSocket, "protocolHandler");
            Object writer = read(protocolHandler, "writer");
            if (writer != null && writer.getClass().getName().equals(TYRUS_SERVLET_WRITER)) {
                if (read(session, "service") instanceof java.util.concurrent.ScheduledExecutorService) {
                    write(session, "service", TyrusIdleTimer.SHARED); // no task per message (TyrusIdleTimer)
                }
                return TyrusServletSocket.of(writer, TyrusServletClose.of(webSocket, protocolHandler),
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
        return owner == null ? null : field(owner, name).get(owner);
    }

    /** Sets a field, final ones too (instance fields of ordinary classes: {@link Field#set}). */
    static void write(Object owner, String name, Object value) throws ReflectiveOperationException {
        field(owner, name).set(owner, value);
    }

    /** The field {@code name} of the class of {@code owner} or a superclass, made accessible, found once per class. */
    private static Field field(Object owner, String name) throws NoSuchFieldException {
        Map<String, Field> fields = FIELDS.get(owner.getClass());
        Field field = fields.get(name);
        if (field == null) {
            field = find(owner.getClass(), name);
            fields.put(name, field);
        }
        return field;
    }

    /** Whether {@code type} or a superclass declares a field {@code name}. */
    static boolean declares(Class<?> type, String name) {
        try {
            find(type, name);
            return true;
        } catch (NoSuchFieldException e) {
            return false;
        }
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

    /** The public method {@code name} without parameters of the class of {@code owner}, found once per class. */
    static Method method(Object owner, String name) throws NoSuchMethodException {
        Map<String, Method> methods = METHODS.get(owner.getClass());
        Method m = methods.get(name);
        if (m == null) {
            m = owner.getClass().getMethod(name);
            m.setAccessible(true); // a public method of a class that may not be public itself
            methods.put(name, m);
        }
        return m;
    }

    /** A method without parameters that the class of {@code owner} or a superclass declares, whatever its access. */
    static Object callDeclared(Object owner, String name) throws ReflectiveOperationException {
        if (owner == null) {
            return null;
        }
        Method m = declaredMethod(owner.getClass(), name);
        if (m == null) {
            throw new NoSuchMethodException(owner.getClass().getName() + "." + name + "()");
        }
        return m.invoke(owner);
    }

    /**
     * A method without parameters that {@code type} or a superclass declares, whatever its access, made accessible;
     * null where none is found or it cannot be made accessible.
     */
    static Method declaredMethod(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Method m = c.getDeclaredMethod(name);
                m.setAccessible(true);
                return m;
            } catch (NoSuchMethodException e) {
                // a superclass may declare it
            } catch (RuntimeException e) {
                return null;
            }
        }
        return null;
    }

    /** {@code m} (no parameters) called on {@code owner}: its result, or {@code otherwise} where the call failed. */
    static Object callOr(Method m, Object owner, Object otherwise) {
        try {
            return m.invoke(owner);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return otherwise;
        }
    }

    /**
     * {@code m} called on {@code target} with {@code args}, for a proxy that forwards what it does not watch: the
     * target's own exception reaches the caller as itself, not wrapped in an {@code InvocationTargetException}.
     */
    static Object forward(Method m, Object target, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    static Object call(Object owner, String name) throws ReflectiveOperationException {
        return owner == null ? null : method(owner, name).invoke(owner);
    }
}

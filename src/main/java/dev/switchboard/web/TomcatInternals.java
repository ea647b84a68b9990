package dev.switchboard.web;

import dev.switchboard.core.DeflatedFrames;
import dev.switchboard.core.Outgoing;
import dev.switchboard.core.TextFrames;
import jakarta.websocket.Extension;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.IntPredicate;

/**
 * Tomcat (10.1, 11) below the WebSocket API, for {@link ContainerInternals}: its session's state and its remote
 * endpoint's own frame path.
 * <ul>
 * <li>{@code WsSession.state}: {@code Session.isOpen()} is still true while Tomcat closes the session itself
 *     ({@code CLOSING}, after a protocol error it read: 1002, 1007) or for us ({@code OUTPUT_CLOSING}), and
 *     {@code getAsyncRemote()} still takes messages then; {@link ContainerInternals.Socket#closing} tells, so that
 *     nothing of ours is sent while Tomcat's close frame waits for its send lock (docs/reliability.md).</li>
 * <li>Session properties that only Tomcat reads ({@link #configure}). It writes its pongs, and sent our pings,
 *     blocking within {@code BLOCKING_SEND_TIMEOUT} (20 s by default): a client that floods pings and does not read
 *     stops being read, and held the thread that pinged it that long; 2 s here, after which Tomcat drops the
 *     connection. After its close frame Tomcat waits for the client's for {@code SESSION_CLOSE_TIMEOUT} (30 s by
 *     default), reading and dropping whatever comes, pings included: 2 s here.</li>
 * <li>The end of a connection whose client does not answer our close frame, on time ({@code terminate}).</li>
 * <li>The client's pings, shown to the WAR ({@link TomcatPings}).</li>
 * <li>Message frames made once per message and written to the socket below Tomcat's frame layer
 *     ({@link TomcatFrames}: its own close codes arrive, and no thread hand-off per send).</li>
 * <li>A ping that does not wait: Tomcat's {@code sendPing} is a blocking write (up to its
 *     {@code BLOCKING_SEND_TIMEOUT}, 2 s as set here), which held one of Switchboard's send
 *     threads that long for each client that did not read. {@link TomcatFrames} writes the ping frame below Tomcat's
 *     frame layer; while Tomcat writes a frame of its own, {@code WsRemoteEndpointImplBase.startMessage} (package
 *     private; the path Tomcat's asynchronous sends take) queues it behind that frame and reports on a handler.</li>
 * </ul>
 */
final class TomcatInternals {

    private static final Logger LOG = System.getLogger(TomcatInternals.class.getName());
    private static final String SESSION = "org.apache.tomcat.websocket.WsSession";
    private static final String PACKAGE = "org.apache.tomcat.";
    /** How long Tomcat's own close frame (a code other than 1000) may wait for the send lock (default 50 ms). */
    private static final String CLOSE_SEND_TIMEOUT = "org.apache.tomcat.websocket.ABNORMAL_SESSION_CLOSE_SEND_TIMEOUT";
    /** How long a blocking write of Tomcat's (a pong) may take. */
    private static final String BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";
    /** How long after its close frame Tomcat waits for the client's. */
    private static final String SESSION_CLOSE_TIMEOUT = "org.apache.tomcat.websocket.SESSION_CLOSE_TIMEOUT";
    /** The budget of Tomcat's blocking writes: a pong to a client that reads takes microseconds. */
    static final long BLOCKING_SEND_MS = 2000;
    /** An abort's close must not wait: the write in flight is stuck (the client does not read). */
    private static final long ABORT_CLOSE_WAIT_MS = 1;
    private static final String REMOTE = "org.apache.tomcat.websocket.WsRemoteEndpointImplBase";
    private static final byte PING = 0x9;
    private static final byte TEXT = 0x1;
    private static final String OUTPUT_CLOSED = "OUTPUT_CLOSED";
    private static final String CLOSED = "CLOSED";
    private static final ByteBuffer NO_DATA = ByteBuffer.allocate(0);
    /** A ping's outcome: a failed one is the connection's end, which its reads and writes report. */
    private static final SendHandler IGNORED = result -> {
        if (!result.isOK()) {
            LOG.log(Level.DEBUG, "ping failed: {0}", String.valueOf(result.getException()));
        }
    };

    /** {@code WsSession.closeConnection()}, looked up once per class. */
    private static final ClassValue<Method> CLOSE_CONNECTION = new ClassValue<>() {
        @Override
        protected Method computeValue(Class<?> type) {
            return ContainerInternals.declaredMethod(type, "closeConnection");
        }
    };

    private TomcatInternals() {
    }

    /** Whether {@code session} is Tomcat's. */
    static boolean isTomcat(Session session) {
        return session.getClass().getName().startsWith(PACKAGE);
    }

    /**
     * Sets the budgets of Tomcat's own writes on {@code session} (properties other containers ignore): a close it starts
     * itself (1002, 1007) waits {@code closeWaitMs} for a write in flight, and so long for the client's close frame;
     * a pong may take {@link #BLOCKING_SEND_MS}.
     */
    static void configure(Session session, long closeWaitMs) {
        session.getUserProperties().put(CLOSE_SEND_TIMEOUT, closeWaitMs);
        session.getUserProperties().put(BLOCKING_SEND_TIMEOUT, BLOCKING_SEND_MS);
        session.getUserProperties().put(SESSION_CLOSE_TIMEOUT, closeWaitMs);
    }

    /** The next close frame does not wait for the write in flight (an abort: that write is stuck). */
    static void closeWithoutWaiting(Session session) {
        session.getUserProperties().put(CLOSE_SEND_TIMEOUT, ABORT_CLOSE_WAIT_MS);
    }

    /** Whether the container's installed extensions are Tomcat's (its permessage-deflate). */
    static boolean installs(List<Extension> installed) {
        for (Extension e : installed) {
            if (e.getClass().getName().startsWith(PACKAGE)) {
                return true;
            }
        }
        return false;
    }

    /** The socket of a Tomcat session, or null when {@code session} is not one. */
    static ContainerInternals.Socket of(Session session) throws ReflectiveOperationException {
        if (!ContainerInternals.isA(session.getClass(), SESSION)) {
            return null;
        }
        if (!(ContainerInternals.read(session, "state") instanceof AtomicReference<?> state)) {
            return ContainerInternals.NONE;
        }
        Object remote = ContainerInternals.read(session, "wsRemoteEndpoint");
        MethodHandle start = remote == null ? null : START_MESSAGE.get(remote.getClass());
        Method closeConnection = CLOSE_CONNECTION.get(session.getClass());
        @SuppressWarnings("unchecked")
        AtomicReference<Object> states = (AtomicReference<Object>) state;
        BooleanSupplier closing = () -> state.get() instanceof Enum<?> s && !"OPEN".equals(s.name());
        // permessage-deflate without the server's context: our frames, compressed once per message (DeflateOnce);
        // with any other extension Tomcat must transform each frame itself
        List<Extension> extensions = session.getNegotiatedExtensions();
        boolean deflated = DeflateOnce.negotiated(extensions);
        TomcatFrames frames = start == null || !(extensions.isEmpty() || deflated) ? null
                : TomcatFrames.of(remote, closing);
        // compressed once by us only where our frames are written; elsewhere Tomcat compresses the plain text
        boolean compressOnce = deflated && frames != null;
        if (compressOnce) {
            TomcatDeflate.release(remote); // Tomcat's compressor: our frames are compressed already
        }
        return new ContainerInternals.Socket() {
            @Override
            public boolean closing() {
                return closing.getAsBoolean();
            }

            @Override
            public boolean ping() {
                if (start == null) {
                    return false; // the API's ping
                }
                if (closing()) {
                    return true; // no ping into a closing session
                }
                if (frames != null && frames.ping(IGNORED)) {
                    return true;
                }
                try {
                    startMessage(start, remote, PING, NO_DATA.duplicate(), IGNORED);
                    return true;
                } catch (RuntimeException e) {
                    return false;
                }
            }

            /**
             * The message's frame, made once for all its recipients ({@link Outgoing#prepared}; compressed once on a
             * connection with {@link DeflateOnce}'s permessage-deflate), written to the socket below Tomcat's frame
             * layer ({@link TomcatFrames}: why). While Tomcat writes a frame of its own, and on a connection with
             * another extension, the plain frame's payload goes as one text frame through {@code startMessage},
             * the path of Tomcat's asynchronous sends below its per-send encoding ({@code sendText} encodes the text
             * again for every recipient, through a {@code TextMessageSendHandler} and the API's state machine), which
             * writes it at once or queues it behind the frame in flight. The outbox never has two messages of a
             * session in flight.
             */
            @Override
            public boolean sendText(Outgoing message, SendHandler handler) {
                if (start == null) {
                    return false;
                }
                byte[] frame = message.prepared(compressOnce ? DeflatedFrames.BYTES : TextFrames.BYTES);
                if (frames != null && frames.send(frame, handler)) {
                    return true;
                }
                try { // Tomcat's path: the plain text (Tomcat compresses it only where TomcatDeflate could not step in)
                    byte[] plain = compressOnce ? message.prepared(TextFrames.BYTES) : frame;
                    startMessage(start, remote, TEXT, payload(plain), handler);
                } catch (RuntimeException e) {
                    handler.onResult(new SendResult(e)); // closed meanwhile
                }
                return true;
            }

            /**
             * {@code startMessage} never waits: it takes the endpoint's "message part in progress" permit only if it is
             * free ({@code tryAcquire}) and otherwise queues the frame behind the part in flight (a pong or a close that
             * Tomcat writes blocking, on its own thread, holds that permit); the socket's write then finds no write
             * pending ({@code SEMI_BLOCK} waits only for one) and leaves what the socket does not take to the poller.
             */
            @Override
            public boolean sendsWithoutWaiting() {
                return start != null;
            }

            /** Tomcat's own end of a close the client does not answer, found by name. */
            @Override
            public boolean reachesTcp() {
                return closeConnection != null;
            }

            /**
             * What Tomcat does when the client has not answered our close frame within {@code SESSION_CLOSE_TIMEOUT}
             * ({@code WsSession.checkCloseTimeout}: {@code OUTPUT_CLOSED} to {@code CLOSED}, then
             * {@code closeConnection()}), on time: Tomcat looks only every tenth second of its background thread, and
             * meanwhile reads and drops all the client sends (a ping flooder: 16 MB/s here). False before our close
             * frame is out (then Tomcat's own budgets apply).
             */
            @Override
            public boolean terminate() {
                Object now = states.get();
                if (closeConnection == null || !(now instanceof Enum<?> s) || !OUTPUT_CLOSED.equals(s.name())) {
                    return false;
                }
                try {
                    if (states.compareAndSet(now, Enum.valueOf(s.getDeclaringClass().asSubclass(Enum.class), CLOSED))) {
                        closeConnection.invoke(session);
                    }
                    return true;
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return false;
                }
            }

            @Override
            public boolean connected() {
                return !(states.get() instanceof Enum<?> s && CLOSED.equals(s.name()));
            }

            @Override
            public void watchPings(IntPredicate admit) {
                TomcatPings.watch(session, admit);
            }

            @Override
            public String describe() {
                return "Tomcat session " + state.get();
            }
        };
    }

    /** The payload of a whole frame made by {@link TextFrames}: what follows its 2, 4 or 10 header bytes. */
    static ByteBuffer payload(byte[] frame) {
        int length = frame[1] & 0x7F;
        int header = length < 126 ? 2 : length == 126 ? 4 : 10;
        return ByteBuffer.wrap(frame, header, frame.length - header).slice();
    }

    /**
     * One whole frame of {@code opCode} through {@code startMessage}; what Tomcat throws (the session closed meanwhile)
     * reaches the caller as a {@code RuntimeException}.
     */
    private static void startMessage(MethodHandle start, Object remote, byte opCode, ByteBuffer payload,
                                     SendHandler handler) {
        try {
            start.invokeExact(remote, opCode, payload, true, handler);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e); // startMessage declares no checked exception
        }
    }

    /**
     * {@code startMessage(byte, ByteBuffer, boolean, SendHandler)} of a remote endpoint's class, as a method handle taking
     * the endpoint as an {@code Object} (every message of a Tomcat socket goes through it: no boxing, no argument
     * array, unlike {@code Method.invoke}, which took 7 % of the samples of a fan-out); null where not found.
     */
    private static final ClassValue<MethodHandle> START_MESSAGE = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                if (c.getName().equals(REMOTE)) {
                    try {
                        Method m = c.getDeclaredMethod("startMessage", byte.class, ByteBuffer.class, boolean.class,
                                SendHandler.class);
                        m.setAccessible(true);
                        return MethodHandles.lookup().unreflect(m).asType(MethodType.methodType(void.class,
                                Object.class, byte.class, ByteBuffer.class, boolean.class, SendHandler.class));
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        return null;
                    }
                }
            }
            return null;
        }
    };
}

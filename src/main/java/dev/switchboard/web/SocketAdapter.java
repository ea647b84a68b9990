package dev.switchboard.web;

import dev.switchboard.core.Connection;
import dev.switchboard.auth.Refusal;
import dev.switchboard.core.Hub;
import dev.switchboard.auth.Identity;
import dev.switchboard.core.Outgoing;
import dev.switchboard.settings.Settings;
import dev.switchboard.Switchboard;
import dev.switchboard.core.Transport;
import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.protocol.CloseCode;
import jakarta.websocket.CloseReason;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What both endpoints do with their session: translate between the container and the {@link Hub}. It is the
 * connection's {@link Transport}: sends are asynchronous and, through the hub's outbox, one at a time.
 */
final class SocketAdapter implements Transport {

    private static final Logger LOG = System.getLogger(SocketAdapter.class.getName());
    private static final ByteBuffer NO_DATA = ByteBuffer.allocate(0);
    /** Binary frames are refused anyway; a small buffer keeps a hostile one from costing memory. */
    private static final int MAX_BINARY_BYTES = 1024;
    /**
     * The container's text buffer, in characters. Tomcat keeps one of this size per connection for as long as the
     * connection lives (a {@code char[]}: twice as many bytes) and hands a longer message over in parts, which
     * {@link #text} assembles within {@code maxMessageBytes}. Tyrus, Jetty and Undertow do not use it for partial
     * handlers. Chat and notification frames are far shorter: they arrive whole and are decoded without a copy.
     */
    static final int TEXT_BUFFER_CHARS = 1024;
    /** Decodes client text, whole or assembled (the endpoints' declared decoder; it keeps no state). */
    private static final ClientMessageDecoder DECODER = new ClientMessageDecoder();

    private final Connection.Endpoint kind;
    private Session session;
    private Hub hub;
    private volatile Connection connection;
    /** The container login session this socket belongs to, if any. */
    private volatile HttpSessions.Login login;
    /** Where the server lets us write frames as bytes (the runner), else null: sends go through the session. */
    private FrameChannel frames;
    /** A text message arriving in parts, only while it does; {@link Parts#REFUSED} while an oversize one ends. */
    private Parts parts;

    SocketAdapter(Connection.Endpoint kind) {
        this.kind = kind;
    }

    void open(Session session, EndpointConfig config) {
        this.session = session;
        FrameChannel offered = FrameChannel.take();
        // With an extension (permessage-deflate) the container must transform each frame itself.
        this.frames = offered != null && session.getNegotiatedExtensions().isEmpty() ? offered : null;
        Switchboard sb = Switchboard.running();
        this.hub = sb.hub();
        session.setMaxTextMessageBufferSize(TEXT_BUFFER_CHARS);
        session.setMaxBinaryMessageBufferSize(MAX_BINARY_BYTES);
        // Liveness is the hub's heartbeat, not the container's idle timer. Negative, not 0: Tyrus reschedules its
        // idle timer on every send unless the timeout is negative (JSR 356 reads both as "never").
        session.setMaxIdleTimeout(-1);
        Map<String, Object> props = config.getUserProperties();
        if (props.get(HandshakeConfigurator.REFUSAL) instanceof HandshakeConfigurator.Refusal refusal) {
            LOG.log(Level.INFO, "refused {0} from {1}: {2}", kind, remoteAddress(session), refusal.reason());
            hub.stats().connectionsRefused.increment();
            close(refusal.code(), refusal.reason());
            return;
        }
        Identity identity = (Identity) props.get(HandshakeConfigurator.IDENTITY);
        if (identity == null) {
            close(CloseCode.UNAUTHORIZED, "no identity");
            return;
        }
        try {
            connection = hub.open(identity, remoteAddress(session), kind, this);
            if (props.get(HandshakeConfigurator.HTTP_SESSION) != null) {
                login = HttpSessions.SHARED.track(props.get(HandshakeConfigurator.HTTP_SESSION), connection, hub);
            }
        } catch (Refusal r) {
            close(r.code(), r.getMessage());
        }
    }

    /**
     * A text message, or a part of one: containers hand a message over in parts when it arrived in several frames
     * (Tyrus, Jetty, Undertow and Tomcat: one part per frame) or is longer than their text buffer (Tomcat). A message
     * that arrives whole (the usual case) is decoded as it is. Parts are collected until the last, and the connection
     * is closed with 1009 as soon as they add up to more than {@code maxMessageBytes} bytes of UTF-8 (the same limit
     * the decoder applies to a whole message); the rest of that message is dropped.
     */
    void text(String part, boolean last) {
        if (connection == null) {
            return; // refused at open, being closed
        }
        Parts p = parts;
        if (p == null) {
            if (last) {
                receive(DECODER.decode(part));
                return;
            }
            p = parts = new Parts();
        } else if (p == Parts.REFUSED) {
            if (last) {
                parts = null;
            }
            return;
        }
        int max = Switchboard.running().settings().getInt(Settings.Key.MAX_MESSAGE_BYTES);
        p.bytes += ClientMessageDecoder.utf8Bytes(part, max - p.bytes);
        if (p.bytes > max) {
            parts = last ? null : Parts.REFUSED;
            close(CloseCode.TOO_BIG, "message larger than maxMessageBytes");
            return;
        }
        p.text.append(part);
        if (last) {
            parts = null;
            receive(DECODER.decode(p.text.toString()));
        }
    }

    /** The parts of one text message so far, and their length in UTF-8 bytes. */
    private static final class Parts {
        static final Parts REFUSED = new Parts();
        final StringBuilder text = new StringBuilder();
        long bytes;
    }

    void receive(ClientMessage message) {
        Connection c = connection;
        if (c == null) {
            return;
        }
        if (message == ClientMessageDecoder.TOO_BIG) {
            close(CloseCode.TOO_BIG, "message larger than maxMessageBytes");
            return;
        }
        try {
            hub.receive(c, message);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "unexpected error handling a frame of " + c, e);
            close(CloseCode.SERVER_ERROR, "unexpected server error");
        }
    }

    void binary() {
        close(CloseCode.UNSUPPORTED_DATA, "binary frames are not supported; send JSON text");
    }

    void pong() {
        Connection c = connection;
        if (c != null) {
            hub.pong(c);
        }
    }

    void closed(CloseReason reason) {
        Connection c = connection;
        if (c != null) {
            LOG.log(Level.DEBUG, "{0} closed: {1}", c, reason);
            if (login != null) {
                HttpSessions.SHARED.untrack(login, c);
            }
            hub.closed(c);
        }
    }

    /**
     * Errors the container reports (protocol violations, limits, I/O): caused by the client or the network, so one
     * line with user and address, no stack trace. Our own failures are caught in {@link #receive}.
     */
    void error(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        Level level = root instanceof IOException ? Level.DEBUG : Level.INFO;
        LOG.log(level, "WebSocket error on {0}: {1}", connection, root.toString());
    }

    @Override
    public void send(Outgoing frame, Consumer<Throwable> done) {
        if (frames != null) {
            frames.write(frame.wire(), done); // the same bytes for every member
            return;
        }
        try {
            session.getAsyncRemote().sendText(frame.text(),
                    result -> done.accept(result.isOK() ? null : result.getException()));
        } catch (RuntimeException e) {
            done.accept(e); // session already closed
        }
    }

    @Override
    public void ping() {
        try {
            session.getAsyncRemote().sendPing(NO_DATA.duplicate());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "ping failed on {0}: {1}", connection, e.toString());
        }
    }

    @Override
    public boolean isOpen() {
        return session.isOpen() && (frames == null || frames.isOpen());
    }

    @Override
    public void close(CloseCode code, String reason) {
        try {
            if (session.isOpen()) {
                session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code.code()), fit(reason)));
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "close failed: {0}", e.toString());
        }
    }

    /** A close reason must fit in 123 bytes of UTF-8. */
    private static String fit(String reason) {
        String r = reason == null ? "" : reason;
        while (r.getBytes(StandardCharsets.UTF_8).length > 123) {
            r = r.substring(0, r.length() - 1);
        }
        return r;
    }

    /**
     * The client's IP: from the handshake filter where it ran first (Tomcat has no API for it), else Tyrus's getter
     * (standalone, Payara, GlassFish), else "unknown" (then per-address caps count all such clients together).
     */
    static String remoteAddress(Session session) {
        if (session.getUserProperties().get(HandshakeConfigurator.REMOTE_ADDRESS) instanceof String address) {
            return address;
        }
        try {
            Method getter = session.getClass().getMethod("getRemoteAddr");
            Object value = getter.invoke(session);
            if (value != null) {
                return value.toString();
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // not Tyrus
        }
        return "unknown";
    }
}

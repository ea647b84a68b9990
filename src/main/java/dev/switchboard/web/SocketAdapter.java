package dev.switchboard.web;

import dev.switchboard.auth.Admission;
import dev.switchboard.auth.Refusal;
import dev.switchboard.core.Connection;
import dev.switchboard.core.Hub;
import dev.switchboard.core.LogSafe;
import dev.switchboard.core.Outgoing;
import dev.switchboard.core.Transport;
import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.protocol.CloseCode;
import jakarta.websocket.CloseReason;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;

import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * What the endpoint does with its session: translate between the container and the {@link Hub}. It is the
 * connection's {@link Transport}: sends are asynchronous and, through the hub's outbox, one at a time; how they reach
 * the socket is {@link SocketOutput}'s.
 * <p>
 * Every close the socket itself starts (a refused handshake, a message too big, a binary frame, our own failure)
 * goes through {@link #end}: through the hub once the connection is open (what is queued for it goes first), else
 * straight to the session. The hub's closes arrive at {@link #close}, the one place that closes the session, and
 * only when none of this socket's writes is in flight (the core's {@code Outbox} waits for it).
 * <p>
 * Tomcat (10.1) sends the close frame of a code other than 1000 blocking, within
 * {@code org.apache.tomcat.websocket.ABNORMAL_SESSION_CLOSE_SEND_TIMEOUT} (default 50 ms), and closes the TCP
 * connection without a close frame when its send lock is not free by then. Our own closes never meet a write in
 * flight, but the closes Tomcat starts itself on a protocol error it reads (1002 unmasked frame, 1007 invalid UTF-8)
 * do: {@link #CONTAINER_CLOSE_WAIT_MS} gives those the time of a write to a client that reads. Tomcat also fails the
 * write in flight with an {@link EOFException} before such a close: that failure means "the container is closing",
 * not "the client does not read", and must not start a 4001 close that would race Tomcat's own code
 * (docs/reliability.md). While Tomcat closes, {@code isOpen()} still says open: {@link ContainerInternals} tells, and
 * nothing more of ours is sent then.
 * <p>
 * Tomcat writes its pongs blocking ({@link TomcatInternals}: within 2 s). Tyrus in a servlet container (Payara) queues
 * the pongs it cannot write at once without bound: they count against the outbox ({@link #pendingBytes}), and a close
 * that has not ended such a connection within {@value #CONTAINER_CLOSE_WAIT_MS} ms ends its TCP connection
 * ({@link #closeSession}).
 */
final class SocketAdapter implements Transport {

    private static final Logger LOG = System.getLogger(SocketAdapter.class.getName());
    /** Binary frames are refused anyway; a small buffer keeps a hostile one from costing memory. */
    private static final int MAX_BINARY_BYTES = 1024;
    /**
     * The container's text buffer, in characters. Tomcat keeps one of this size per connection for as long as the
     * connection lives (a {@code char[]}: twice as many bytes) and hands a longer message over in parts, which
     * {@link #text} assembles within {@code maxMessageBytes}. Tyrus, Jetty and Undertow do not use it for partial
     * handlers. Chat and notification frames are far shorter: they arrive whole and are decoded without a copy.
     */
    static final int TEXT_BUFFER_CHARS = 1024;
    /**
     * How long a close waits for a write in flight before the TCP connection is ended: Tomcat's own closes
     * ({@link TomcatInternals#configure}), and ours where the container's connection is in reach ({@link #closeSession}).
     */
    static final long CONTAINER_CLOSE_WAIT_MS = 2000;
    /** How long after {@code onOpen} a container's socket is closed at the earliest ({@link #close}). */
    static final long SETTLE_MS = 200;

    /**
     * What every socket of one endpoint shares: which endpoint it is, the hub, the configuration's codecs, and the
     * login-session registry (null where there are no container logins: the runner).
     */
    record Shared(Connection.Endpoint kind, Hub hub, ClientMessageDecoder decoder, OutgoingEncoder encoder,
                  HttpSessions logins) {}

    private final Shared shared;
    private Session session;
    private volatile Connection connection;
    /** The container login session this socket belongs to, if any, and the handshake's session until it is known. */
    private volatile HttpSessions.Login login;
    private volatile Object httpSession;
    /** The server's own frame path (the runner), else null: sends go through the session. */
    private FrameChannel frames;
    /** A text message arriving in parts (read on the container's one reading thread of this socket). */
    private final TextParts parts;
    /**
     * Closes at once: on the runner (no servlet upgrade request under this socket) and Tomcat; see {@link #close}. Also
     * when its login ends ({@link HttpSessions}): the container closes the socket itself then (Payara's Tyrus with
     * 1008 right after the logout), so the 4401 must go first, on the logging-out thread.
     */
    private volatile boolean closesAtOnce;
    /** When {@code onOpen} began ({@link System#nanoTime}). */
    private long openedNanos;
    /** The container called {@code onClose}, or the connection ended without it ({@link #closeSession}). */
    private final AtomicBoolean closedSeen = new AtomicBoolean();
    /** How frames reach the socket (set in {@link #open}, before the hub knows this socket). */
    private volatile SocketOutput out;
    /** What the container offers below the API for this socket ({@link ContainerInternals}). */
    private volatile ContainerInternals.Socket container = ContainerInternals.NONE;

    SocketAdapter(Shared shared) {
        this.shared = shared;
        this.parts = new TextParts(shared.decoder.maxBytes());
    }

    void open(Session session, EndpointConfig config) {
        this.openedNanos = System.nanoTime();
        this.session = session;
        session.setMaxTextMessageBufferSize(TEXT_BUFFER_CHARS);
        session.setMaxBinaryMessageBufferSize(MAX_BINARY_BYTES);
        // Liveness is the hub's heartbeat, not the container's idle timer. Negative, not 0: Tyrus reschedules its
        // idle timer on every send unless the timeout is negative (JSR 356 reads both as "never").
        session.setMaxIdleTimeout(-1);
        TomcatInternals.configure(session, CONTAINER_CLOSE_WAIT_MS); // properties only Tomcat reads
        // Taken out of the connection's properties (Tomcat copies them into the session too): nothing else reads it.
        Handshake handshake = (Handshake) config.getUserProperties().remove(Handshake.PROPERTY);
        session.getUserProperties().remove(Handshake.PROPERTY);
        if (handshake == null) {
            close(CloseCode.UNAUTHORIZED, "no identity"); // not configured by HandshakeConfigurator
            return;
        }
        Supplier<FrameChannel> offered = handshake.frames();
        closesAtOnce = offered != null || TomcatInternals.isTomcat(session);
        // With an extension (permessage-deflate) the container must transform each frame itself.
        this.frames = offered != null && session.getNegotiatedExtensions().isEmpty() ? offered.get() : null;
        if (offered == null) {
            container = ContainerInternals.of(session);
            container.flushUpgrade(); // before the hub can send anything, from another thread
        }
        out = new SocketOutput(session, frames, container, shared.encoder);
        Admission.Decision decision = handshake.decision();
        String address = handshake.address() == null ? "unknown" : handshake.address();
        if (!decision.admitted()) {
            LOG.log(Level.INFO, "refused {0} from {1}: {2}", shared.kind, LogSafe.text(address),
                    LogSafe.text(decision.reason()));
            shared.hub.stats().refused(decision.closeCode());
            close(decision.closeCode(), decision.reason());
            return;
        }
        try {
            httpSession = shared.logins == null ? null : handshake.httpSession();
            connection = shared.hub.open(decision.identity(), address, shared.kind, this); // calls opened first
            HttpSessions.Login l = login;
            if (l != null) {
                shared.logins.endIfEnded(l); // after the open: its close then goes the usual way
            }
        } catch (Refusal r) {
            close(r.code(), r.getMessage());
        }
    }

    /** Its login ends: it closes at once (the container closes it too), and a logout waits for its connection's end. */
    private HttpSessions.LoginSocket loginSocket() {
        return new HttpSessions.LoginSocket() {
            @Override
            public void closingForLogin() {
                closesAtOnce = true;
            }

            @Override
            public void awaitEnd(long deadlineNanos) throws InterruptedException {
                container.awaitEnd(deadlineNanos);
            }
        };
    }

    /**
     * Closes this socket for a reason of its own: through the hub once there is a connection (the core's close path:
     * what is queued goes first, the first reason stands), else at once.
     */
    private void end(CloseCode code, String reason) {
        Connection c = connection;
        if (c != null) {
            shared.hub.close(c, code, reason);
        } else {
            close(code, reason);
        }
    }

    /**
     * A text message, or a part of one ({@link TextParts}): a message that arrives whole (the usual case) is decoded as
     * it is; one in parts is closed with 1009 as soon as its parts add up to more than {@code maxMessageBytes}.
     */
    void text(String part, boolean last) {
        if (connection == null) {
            return; // refused at open, being closed
        }
        if (last && parts.idle()) {
            receive(shared.decoder.decode(part));
            return;
        }
        switch (parts.add(part, last)) {
            case WHOLE -> receive(shared.decoder.decode(parts.take()));
            case TOO_BIG -> end(CloseCode.TOO_BIG, "message larger than maxMessageBytes");
            default -> { } // more to come, or the rest of a refused message
        }
    }

    void receive(ClientMessage message) {
        Connection c = connection;
        if (c == null) {
            return;
        }
        if (message == ClientMessageDecoder.TOO_BIG) {
            end(CloseCode.TOO_BIG, "message larger than maxMessageBytes");
            return;
        }
        try {
            shared.hub.receive(c, message);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "unexpected error handling a frame of " + c, e);
            end(CloseCode.SERVER_ERROR, "unexpected server error");
        }
    }

    void binary() {
        end(CloseCode.UNSUPPORTED_DATA, "binary frames are not supported; send JSON text");
    }

    void pong() {
        Connection c = connection;
        if (c != null) {
            shared.hub.pong(c);
        }
    }

    void closed(CloseReason reason) {
        if (!closedSeen.compareAndSet(false, true)) {
            return;
        }
        Connection c = connection;
        if (c != null) {
            LOG.log(Level.DEBUG, "{0} closed: {1}", c, reason);
            if (login != null) {
                shared.logins.untrack(login, c);
            }
            shared.hub.closed(c);
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

    /**
     * Before the {@code welcome} goes out: the socket joins its login (a logout right after the welcome closes it), and
     * from here on every ping the client sends counts against its rate limit and its pong against the outbox (the
     * runner, and the containers {@link ContainerInternals} knows; a client may flood as soon as it has seen
     * {@code welcome}, and the runner reads its frames on another thread than this one).
     */
    @Override
    public void opened(Connection opened) {
        connection = opened;
        Object handshakeSession = httpSession;
        if (handshakeSession != null) { // before the welcome: a client that has it and logs out at once gets its 4401
            login = shared.logins.register(handshakeSession, opened, shared.hub, loginSocket());
            httpSession = null; // the login holds it from here on
        }
        IntPredicate pings = bytes -> shared.hub.controlFrame(opened, bytes);
        if (frames != null) {
            frames.watchPings(pings);
        } else {
            ContainerInternals.Socket c = container; // Tomcat, Tyrus, Jetty, Undertow
            c.watchPings(new ClosingPings(pings, c::terminate));
        }
    }

    @Override
    public void send(Outgoing message, Consumer<Throwable> done) {
        out.send(message, done);
    }

    @Override
    public void ping() {
        out.ping(connection);
    }

    @Override
    public boolean isOpen() {
        return out.isOpen();
    }

    /**
     * The client does not read and a write is stuck: the runner drops the TCP connection, and so does a Tyrus-based
     * container (Payara: its close would queue the close frame behind the stuck write, and its connection's close waits
     * for that write); then the session is closed, so that the container releases it. Tomcat closes the session with
     * a close-frame budget of a millisecond, after which it closes the TCP connection.
     */
    @Override
    public void abort(CloseCode code, String reason) {
        if (frames != null) {
            frames.abort();
            return;
        }
        LOG.log(Level.INFO, "{0}: a write is stuck, ending the connection; {1}", connection, container.describe());
        container.terminate();
        TomcatInternals.closeWithoutWaiting(session);
        close(code, reason);
    }

    @Override
    public boolean neverBlocks() {
        return out.neverBlocks();
    }

    @Override
    public long pendingBytes() {
        return out.pendingBytes();
    }

    /**
     * Closes the session: the hub's closes, and {@link #end} before there is a connection. In a container, not within
     * {@value #SETTLE_MS} ms of {@code onOpen} (then later, on the hub's housekeeping thread): a servlet container calls
     * {@code onOpen} from {@code HttpUpgradeHandler.init} while the upgrade request is still being processed, and
     * Payara recycles that request's objects when the connection closes under it, while still in use (a lost 101,
     * another connection no longer read: {@code CloseCodeLoops.refusalsBesideOthers}; docs/reliability.md). Frames
     * from a refused client are dropped meanwhile ({@link #text}: no connection). The runner has no such request, and
     * Tomcat has finished with it when it calls {@code init}: both close at once. Other containers settle, as Payara.
     */
    @Override
    public void close(CloseCode code, String reason) {
        long early = closesAtOnce ? 0 : SETTLE_MS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedNanos);
        if (early > 0) {
            shared.hub.later(() -> closeSession(code, reason), early);
        } else {
            closeSession(code, reason);
        }
    }

    /**
     * Closes the session. Where the container's TCP connection is in reach (Tyrus in a servlet container), the close
     * frame goes out and the client's answer ends the connection ({@link TyrusServletClose}); one still there
     * {@value #CONTAINER_CLOSE_WAIT_MS} ms later is ended (the client does not read or answer, or the close frame is
     * stuck behind a write), and the socket is released as closed if the container has not said so (docs/reliability.md).
     */
    private void closeSession(CloseCode code, String reason) {
        try {
            if (session.isOpen() && !container.close(code.code(), CloseCode.fitReason(reason))) {
                closeQuietly(code, reason);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "close failed: {0}", e.toString());
        }
        ContainerInternals.Socket tcp = container;
        if (tcp.reachesTcp()) {
            shared.hub.later(() -> {
                if (tcp.connected()) {
                    LOG.log(Level.INFO, "{0}: still connected {1} ms after its close, ending it; {2}", connection,
                            CONTAINER_CLOSE_WAIT_MS, tcp.describe());
                    tcp.terminate();
                }
                if (!closedSeen.get()) {
                    // Ended without onClose: Payara may never call it after a terminate, and a close of Tyrus's here,
                    // on this thread, would recycle the upgrade's objects under Payara's own (TyrusServletClose).
                    closed(new CloseReason(CloseReason.CloseCodes.CLOSED_ABNORMALLY, "ended after its close"));
                }
            }, CONTAINER_CLOSE_WAIT_MS);
        }
    }

    private void closeQuietly(CloseCode code, String reason) {
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code.code()), CloseCode.fitReason(reason)));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "close failed: {0}", e.toString());
        }
    }
}

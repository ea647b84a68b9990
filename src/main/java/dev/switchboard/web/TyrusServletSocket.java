package dev.switchboard.web;

import jakarta.servlet.http.WebConnection;

import java.io.IOException;
import java.util.Collection;
import java.util.function.IntPredicate;

/**
 * The socket of Tyrus in a servlet container (Payara, GlassFish), for {@link ContainerInternals}: the servlet writer
 * ({@code TyrusRemoteEndpoint.webSocket} → {@code TyrusWebSocket.protocolHandler} → {@code ProtocolHandler.writer},
 * a {@code TyrusServletWriter}) with its own frame queue, and the Grizzly TCP connection under the upgrade, looked up
 * on use until found (see {@link ContainerInternals} for the whole path).
 */
final class TyrusServletSocket {

    /**
     * What a frame in Tyrus's servlet writer queue counts as: the largest control frame (125 bytes of payload and a
     * 6-byte header); a queued message frame of ours counts in the outbox already (in flight).
     */
    static final long QUEUED_FRAME_BYTES = 131;
    /** How often a socket looks for its TCP connection before it does without (each send and tick may look). */
    private static final int MAX_TRIES = 100;

    /** Something read for {@link ContainerInternals.Socket#describe}, which may fail. */
    private interface Reading {
        Object read() throws ReflectiveOperationException;
    }

    private TyrusServletSocket() {
    }

    /** {@code frames}: Tyrus's listener of the socket's frames, ours where {@code WEB-INF/web.xml} named it. */
    static ContainerInternals.Socket of(Object writer, TyrusServletClose closer, Object frames)
            throws ReflectiveOperationException {
        Collection<?> queue = ContainerInternals.read(writer, "queue") instanceof Collection<?> q ? q : null;
        return new ContainerInternals.Socket() {
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
                        + " frames queued, write listener " + text(() -> ContainerInternals.read(writer, "isListenerSet"))
                        + "; servlet output ready " + text(() -> ContainerInternals.read(output(writer), "prevIsReady"))
                        + ", its write handler " + text(() -> ContainerInternals.read(output(writer), "writeHandler") != null)
                        + "; Grizzly output waits to notify "
                        + text(() -> ContainerInternals.read(grizzlyOutput(writer), "handler") != null)
                        + ", closed " + text(() -> ContainerInternals.read(grizzlyOutput(writer), "closed"))
                        + "; TCP " + (t == null ? "not found" : t.pendingBytes() + " bytes queued, open " + t.open());
            }
        };
    }

    /**
     * The servlet upgrade's {@code WebConnection} under Tyrus's writer, by its upgrade handler's getter, not its field:
     * Payara hands Tyrus a CDI proxy of the handler, whose own fields stay empty.
     */
    private static Object webConnection(Object writer) throws ReflectiveOperationException {
        return ContainerInternals.callDeclared(ContainerInternals.read(writer, "tyrusHttpUpgradeHandler"), "getWebConnection");
    }

    /**
     * The Grizzly connection under a servlet upgrade's {@code WebConnection} (Payara's {@code WebConnectionImpl}): the
     * one its output stream writes to ({@code CoyoteOutputStream.ob.grizzlyOutputBuffer.connection}), else the request's.
     */
    static Object grizzlyConnection(Object webConnection) throws ReflectiveOperationException {
        Object viaOutput = ContainerInternals.read(ContainerInternals.read(ContainerInternals.read(ContainerInternals.read(webConnection, "outputStream"), "ob"), "grizzlyOutputBuffer"),
                "connection");
        if (viaOutput != null) {
            return viaOutput;
        }
        Object request = ContainerInternals.read(webConnection, "request");
        return request == null ? null : ContainerInternals.call(ContainerInternals.call(request, "getCoyoteRequest"), "getConnection");
    }

    /** The servlet output buffer under Tyrus's writer (Payara: {@code CoyoteOutputStream.ob}). */
    private static Object output(Object writer) throws ReflectiveOperationException {
        return ContainerInternals.read(ContainerInternals.read(writer, "servletOutputStream"), "ob");
    }

    /** Grizzly's output buffer under the servlet one. */
    private static Object grizzlyOutput(Object writer) throws ReflectiveOperationException {
        return ContainerInternals.read(output(writer), "grizzlyOutputBuffer");
    }

    private static String text(Reading reading) {
        try {
            return String.valueOf(reading.read());
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "?";
        }
    }
}

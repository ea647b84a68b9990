package dev.switchboard.web;

import dev.switchboard.core.Outgoing;

import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * A server's own path for a socket's messages, below the container's JSR 356 API: the standalone runner writes
 * ready-made frames (made once per message, {@link Outgoing#prepared}) straight to the connection. A server that has
 * one hands it to the endpoint with the handshake ({@link Handshake#frames()}); elsewhere sockets send through
 * {@code RemoteEndpoint.Async}.
 * <p>
 * An implementation writes the container's own frames (pings, pongs, the close frame) through the same ordered
 * path, and refuses messages after a close frame.
 */
public interface FrameChannel {

    /** Writes one message as a complete text frame, asynchronously; {@code done} gets null, or the failure. */
    void send(Outgoing message, Consumer<Throwable> done);

    /** False once a close frame was written or the connection ended. */
    boolean isOpen();

    /** Ends the connection at once, without a close frame (the client does not read: a write is stuck). */
    void abort();

    /**
     * Bytes of the server's own frames (pongs above all) accepted for the socket and not written yet; not our message
     * frames, which the outbox counts itself. The outbox counts these against {@code outboxMaxBytes}
     * ({@link dev.switchboard.core.Transport#pendingBytes}).
     */
    default long pendingBytes() {
        return 0;
    }

    /**
     * Asks {@code admit} before the server answers a client's ping by itself, with the size of the pong: the endpoint
     * counts it against the rate limit and the outbox ({@link dev.switchboard.core.Hub#controlFrame}). A channel that
     * cannot see pings ignores this.
     */
    default void watchPings(IntPredicate admit) {
    }
}

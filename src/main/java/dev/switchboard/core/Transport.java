package dev.switchboard.core;

import dev.switchboard.protocol.CloseCode;

import java.util.function.Consumer;

/**
 * One client socket as the core sees it; the endpoint adapter implements it over a container session. The core
 * calls {@link #send}, {@link #ping} and {@link #close} one at a time per connection (the {@link Outbox} guarantees
 * it), so an implementation may rely on having at most one write in flight, and on no close while one is.
 */
public interface Transport {

    /**
     * Sends one text frame asynchronously; {@code done} receives null on success or the failure. The same
     * {@link Outgoing} may be in flight to many connections at once.
     */
    void send(Outgoing frame, Consumer<Throwable> done);

    /**
     * The connection this transport belongs to now exists; called once, before anything is sent on it (the
     * {@code welcome} goes out right after). An adapter that watches frames the container answers by itself (pings)
     * starts counting them here: a client may send them as soon as it sees {@code welcome}.
     */
    default void opened(Connection connection) {
    }

    /** Sends a WebSocket ping frame (heartbeat). Failures are ignored: a dead socket shows up as a missing pong. */
    void ping();

    /** Whether the socket is still open (a failed send on an open socket means the client is not reading). */
    boolean isOpen();

    /**
     * Closes the socket with a code; the reason is short, human readable, and never carries internals. The core calls
     * it only when none of this connection's writes is in flight ({@link Outbox}).
     */
    void close(CloseCode code, String reason);

    /**
     * Whether {@link #send} never waits, whatever the socket and the server hold (it queues what the socket does not
     * take at once): then a small fan-out writes on the delivering thread ({@link Starts#INLINE}). False by default:
     * a container's asynchronous send may wait (Tyrus in a servlet container writes through the servlet's blocking
     * output stream), which must not hold a room's delivery.
     */
    default boolean neverBlocks() {
        return false;
    }

    /**
     * Ends a connection whose client does not read: a write is stuck in flight, so no close frame can reach it. The
     * TCP connection must end soon (the client sees 1006); a container may still try the close frame briefly. By
     * default, {@link #close}: for containers whose close gives up on a stuck write by itself.
     */
    default void abort(CloseCode code, String reason) {
        close(code, reason);
    }

    /**
     * Bytes the transport accepted for the socket by itself and has not written yet (pongs, pings, a close frame):
     * the {@link Outbox} counts them against its byte limit. 0 where the server does not tell (containers answer pings
     * themselves, out of sight of the JSR 356 API).
     */
    default long pendingBytes() {
        return 0;
    }
}

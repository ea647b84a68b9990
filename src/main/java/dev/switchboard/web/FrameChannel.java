package dev.switchboard.web;

import java.util.function.Consumer;

/**
 * A socket that takes complete WebSocket frames as bytes, below the container's JSR 356 API, so that a message going
 * to many members is framed once and the same bytes are written to each ({@link dev.switchboard.core.Outgoing#wire}).
 * A server that can offer one (the standalone runner) {@link #offer offers} it on the thread that opens the endpoint;
 * elsewhere sockets send through {@code RemoteEndpoint.Async}.
 * <p>
 * An implementation writes the container's own frames (pings, pongs, the close frame) through the same ordered
 * path, and refuses frames after a close frame.
 */
public interface FrameChannel {

    /** Writes one complete frame asynchronously; {@code done} gets null, or the failure. */
    void write(byte[] frame, Consumer<Throwable> done);

    /** False once a close frame was written or the connection ended. */
    boolean isOpen();

    /** Offers {@code channel} to the endpoint opened next on this thread (call {@link #clear} after). */
    static void offer(FrameChannel channel) {
        Opening.CURRENT.set(channel);
    }

    static void clear() {
        Opening.CURRENT.remove();
    }

    /** The channel offered for the endpoint being opened on this thread, taken once; null when none was. */
    static FrameChannel take() {
        FrameChannel channel = Opening.CURRENT.get();
        Opening.CURRENT.remove();
        return channel;
    }

    /** Holder of the thread's offer (interfaces cannot have private static fields). */
    final class Opening {
        private static final ThreadLocal<FrameChannel> CURRENT = new ThreadLocal<>();

        private Opening() {
        }
    }
}

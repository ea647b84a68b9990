package dev.switchboard.standalone;

import dev.switchboard.web.FrameChannel;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.asyncqueue.AsyncQueueWriter;
import org.glassfish.grizzly.asyncqueue.WritableMessage;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.nio.NIOTransport;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * The runner's writer under Tyrus: Tyrus writes its frames (pings, pongs, close) through it, and the endpoints write
 * messages through it as ready-made frames ({@link FrameChannel}), so a message fanned out to many members is
 * UTF-8-encoded and framed once instead of once per member, and skips Tyrus's per-send frame objects. On a plain
 * (not TLS) connection, message frames also skip Grizzly's filter chain (HTTP codec, idle-timeout and WebSocket
 * filters, which pass a frame through unchanged) and go straight to the connection's async write queue, the same
 * queue at the end of that chain, so they stay in order with Tyrus's frames.
 * <p>
 * After a close frame, frames are refused, so no data follows it on the wire.
 */
final class DirectWriter extends Writer implements FrameChannel {

    private static final int CLOSE_OPCODE = 0x8;
    /** {@code GrizzlyWriter.connection} (package-private in Tyrus); null if this Tyrus has no such field. */
    private static final Field GRIZZLY_CONNECTION = grizzlyConnectionField();

    private final Writer grizzly;
    /** The plain socket's Grizzly connection and its async write queue; null: write through {@link #grizzly}. */
    private final org.glassfish.grizzly.Connection<SocketAddress> socket;
    private final AsyncQueueWriter<SocketAddress> queue;
    /** A close frame was written: nothing may follow it. */
    private boolean closing;

    /**
     * @param grizzly Tyrus's writer for the connection
     * @param socket  its Grizzly connection when frames may skip the filter chain (no TLS), else null
     */
    @SuppressWarnings("unchecked")
    DirectWriter(Writer grizzly, org.glassfish.grizzly.Connection<?> socket) {
        this.grizzly = grizzly;
        AsyncQueueWriter<SocketAddress> writer = null;
        if (socket != null && socket.getTransport() instanceof NIOTransport nio) {
            writer = (AsyncQueueWriter<SocketAddress>) nio.getAsyncQueueIO().getWriter();
        }
        this.queue = writer;
        this.socket = writer == null ? null : (org.glassfish.grizzly.Connection<SocketAddress>) socket;
    }

    /** The Grizzly connection under Tyrus's writer, or null when it cannot be found (another Tyrus version). */
    static org.glassfish.grizzly.Connection<?> socketOf(Writer writer) {
        if (GRIZZLY_CONNECTION == null || !GRIZZLY_CONNECTION.getDeclaringClass().isInstance(writer)) {
            return null;
        }
        try {
            return (org.glassfish.grizzly.Connection<?>) GRIZZLY_CONNECTION.get(writer);
        } catch (IllegalAccessException | ClassCastException e) {
            return null;
        }
    }

    private static Field grizzlyConnectionField() {
        try {
            Field f = Class.forName("org.glassfish.tyrus.container.grizzly.client.GrizzlyWriter")
                    .getDeclaredField("connection");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Tyrus's frames, one whole frame per call. */
    @Override
    public synchronized void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> handler) {
        if (buffer.hasRemaining() && (buffer.get(buffer.position()) & 0x0F) == CLOSE_OPCODE) {
            closing = true;
        }
        grizzly.write(buffer, handler);
    }

    @Override
    public void write(byte[] frame, Consumer<Throwable> done) {
        synchronized (this) {
            if (!closing) {
                if (queue != null) {
                    queue.write(socket, Buffers.wrap(socket.getMemoryManager(), ByteBuffer.wrap(frame)),
                            new EmptyCompletionHandler<WriteResult<WritableMessage, SocketAddress>>() {
                                @Override
                                public void completed(WriteResult<WritableMessage, SocketAddress> result) {
                                    done.accept(null);
                                }

                                @Override
                                public void failed(Throwable throwable) {
                                    done.accept(throwable);
                                }

                                @Override
                                public void cancelled() {
                                    done.accept(new IOException("write cancelled"));
                                }
                            });
                } else {
                    grizzly.write(ByteBuffer.wrap(frame), new CompletionHandler<>() {
                        @Override
                        public void completed(ByteBuffer result) {
                            done.accept(null);
                        }

                        @Override
                        public void failed(Throwable throwable) {
                            done.accept(throwable);
                        }

                        @Override
                        public void cancelled() {
                            done.accept(new IOException("write cancelled"));
                        }
                    });
                }
                return;
            }
        }
        done.accept(new IOException("the WebSocket is closing"));
    }

    @Override
    public synchronized boolean isOpen() {
        return !closing;
    }

    @Override
    public void close() throws IOException {
        synchronized (this) {
            closing = true;
        }
        grizzly.close();
    }
}

package dev.switchboard.standalone;

import dev.switchboard.core.Hub;
import dev.switchboard.core.Outgoing;
import dev.switchboard.core.TextFrames;
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
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * The runner's writer under Tyrus: Tyrus writes its frames (pings, pongs, close) through it, and the endpoint sends
 * messages through it ({@link FrameChannel}, handed to the endpoint with its handshake by {@link RunnerEngine}) as
 * ready-made frames. The frame is the message's {@link Outgoing#prepared prepared} form ({@link TextFrames#BYTES},
 * made once per message and shared by every connection it goes to), so a message fanned out to many members is
 * UTF-8-encoded and framed once instead of once per member, and skips Tyrus's per-send frame objects. On a plain (not
 * TLS) connection, message frames also skip Grizzly's filter chain (HTTP codec, idle-timeout and WebSocket filters,
 * which pass a frame through unchanged) and go straight to the connection's async write queue, the same queue at the
 * end of that chain, so they stay in order with Tyrus's frames.
 * <p>
 * After a close frame, frames are refused, so no data follows it on the wire, and the connection lingers
 * ({@link #close}).
 */
final class DirectWriter extends Writer implements FrameChannel {

    private static final int CLOSE_OPCODE = 0x8;
    /** How long a closed connection's input is still read, and dropped, after its close frame ({@link #close}). */
    static final long LINGER_MS = 2000;

    private final Writer grizzly;
    /** The plain socket's Grizzly connection and its async write queue; null: write through {@link #grizzly}. */
    private final org.glassfish.grizzly.Connection<SocketAddress> socket;
    private final AsyncQueueWriter<SocketAddress> queue;
    /** A close frame was written: nothing may follow it. */
    private boolean closing;
    /**
     * Bytes of Tyrus's own frames (pongs, pings, a close) handed to its writer and not written yet ({@link #pendingBytes}).
     * Counted here, not read off Grizzly's write queue: that queue's byte count ({@code TaskQueue.spaceInBytes}) includes
     * our message frames, which the outbox counts already, and while Grizzly drains a backlog it releases the bytes it
     * wrote only after the whole run, after their completions: a replay whose pages follow each other from those
     * completions saw it grow past the outbox's limit, and a client that read was closed with 4001 (CI run c35).
     */
    private final AtomicLong tyrusBytes = new AtomicLong();
    /** Asked before each pong ({@link #watchPings}); null: pongs unlimited (no endpoint watching yet). */
    private volatile IntPredicate pings;
    /** Ends lingering connections ({@link #close}); null: no lingering. */
    private final ScheduledExecutorService timer;
    /** The output is shut down after the close frame; what the client still sends is dropped ({@link FrameGuard}). */
    private volatile boolean lingering;

    /**
     * @param grizzly Tyrus's writer for the connection
     * @param socket  its Grizzly connection when frames may skip the filter chain (no TLS), else null
     * @param timer   ends a lingering connection ({@link #close}); null: closed at once
     */
    @SuppressWarnings("unchecked")
    DirectWriter(Writer grizzly, org.glassfish.grizzly.Connection<?> socket, ScheduledExecutorService timer) {
        this.grizzly = grizzly;
        this.timer = timer;
        AsyncQueueWriter<SocketAddress> writer = null;
        if (socket != null && socket.getTransport() instanceof NIOTransport nio) {
            writer = (AsyncQueueWriter<SocketAddress>) nio.getAsyncQueueIO().getWriter();
        }
        this.queue = writer;
        this.socket = writer == null ? null : (org.glassfish.grizzly.Connection<SocketAddress>) socket;
    }

    /** Bytes of Tyrus's frames (pongs above all) accepted and not yet written to the socket ({@link #tyrusBytes}). */
    @Override
    public long pendingBytes() {
        return tyrusBytes.get();
    }

    @Override
    public void watchPings(IntPredicate admit) {
        pings = admit;
    }

    /**
     * A client's ping with {@code payload} bytes arrived ({@link FrameGuard}, before Tyrus answers it): whether the
     * endpoint admits its pong. False means the connection is being closed for it.
     */
    boolean pingArrived(long payload) {
        IntPredicate p = pings;
        return p == null || p.test(Hub.pongBytes(payload));
    }

    /** Tyrus's frames, one whole frame per call. */
    @Override
    public synchronized void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> handler) {
        if (buffer.hasRemaining() && (buffer.get(buffer.position()) & 0x0F) == CLOSE_OPCODE) {
            closing = true;
        }
        int bytes = buffer.remaining();
        tyrusBytes.addAndGet(bytes);
        grizzly.write(buffer, new Counted(handler, bytes));
    }

    /** Tyrus's completion handler of one of its frames, which first takes the frame's bytes off {@link #tyrusBytes}. */
    private final class Counted extends CompletionHandler<ByteBuffer> {

        private final CompletionHandler<ByteBuffer> handler;
        private int bytes;

        Counted(CompletionHandler<ByteBuffer> handler, int bytes) {
            this.handler = handler;
            this.bytes = bytes;
        }

        /** Once, whichever way the write ends (Grizzly reports it once; the guard costs nothing). */
        private synchronized void written() {
            tyrusBytes.addAndGet(-bytes);
            bytes = 0;
        }

        @Override
        public void completed(ByteBuffer result) {
            written();
            if (handler != null) {
                handler.completed(result);
            }
        }

        @Override
        public void failed(Throwable throwable) {
            written();
            if (handler != null) {
                handler.failed(throwable);
            }
        }

        @Override
        public void cancelled() {
            written();
            if (handler != null) {
                handler.cancelled();
            }
        }

        @Override
        public void updated(ByteBuffer result) {
            if (handler != null) {
                handler.updated(result);
            }
        }
    }

    @Override
    public void send(Outgoing message, Consumer<Throwable> done) {
        byte[] frame = message.prepared(TextFrames.BYTES); // the same bytes for every member
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

    /**
     * Ends the TCP connection at once. Not {@link #close}: Grizzly's close is graceful, it queues behind the stuck write
     * and would keep the connection (and its queued bytes) as long as the client does not read.
     */
    @Override
    public void abort() {
        synchronized (this) {
            closing = true;
        }
        if (socket != null) {
            socket.terminateSilently();
            return;
        }
        try {
            grizzly.close(); // TLS: Tyrus's writer is all there is
        } catch (IOException e) {
            // the connection is gone either way
        }
    }

    /**
     * Tyrus closes the TCP connection as soon as its close frame is written. A client that is still sending then (its
     * frames unread in the server's receive buffer) gets a TCP reset instead of the end of the stream, and on a reset
     * the client's kernel drops what the client has not read yet: the close frame, and the code in it (1 in 1500
     * sustained floods, {@code CloseCodeLoops}; a chat client whose token expires while it sends is the same case).
     * So, as HTTP servers do (a "lingering close"), the connection's output is shut down instead, which sends the end
     * of the stream after the close frame, and its input is still read and dropped until the client ends its side
     * (Grizzly then closes the connection) or {@link #LINGER_MS} have passed.
     */
    @Override
    public void close() throws IOException {
        synchronized (this) {
            closing = true;
        }
        if (!linger()) {
            grizzly.close();
        }
    }

    /** Whether the output was shut down to linger (no TLS, nothing left to write, a timer to end it). */
    private boolean linger() {
        if (timer == null || socket == null || pendingBytes() > 0
                || !(socket instanceof org.glassfish.grizzly.nio.NIOConnection nio)
                || nio.getAsyncWriteQueue().spaceInBytes() > 0 // anything at all still queued: a graceful close flushes it
                || !(nio.getChannel() instanceof SocketChannel channel)) {
            return false;
        }
        try {
            lingering = true;
            channel.shutdownOutput();
            timer.schedule(socket::closeSilently, LINGER_MS, TimeUnit.MILLISECONDS);
            return true;
        } catch (IOException | RuntimeException e) {
            return false; // closed already, or the timer has stopped: close as before
        }
    }

    /** True once the output is shut down after the close frame: the client's frames are no longer for Tyrus. */
    boolean lingering() {
        return lingering;
    }
}

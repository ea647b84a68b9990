package dev.switchboard.web;

import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;

import java.io.EOFException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * A Tomcat (10.1, 11) session's message frames written to its socket as whole, ready-made frames
 * ({@link dev.switchboard.core.TextFrames}), below Tomcat's WebSocket frame layer, the way Tomcat writes its own
 * asynchronous sends ({@code SocketWrapperBase.write} in {@code SEMI_BLOCK} mode, no timeout of its own, completion
 * when every byte is written), while holding the endpoint's "message part in progress" permit as Tomcat's own sends do.
 * Two reasons:
 * <ul>
 * <li><b>Every close code arrives.</b> Tomcat's own close (1002, 1007: a bad frame it read) wrote its close frame's
 *     header into the endpoint's one header buffer while an asynchronous send that still referenced that buffer was
 *     being written, and the client got a corrupt frame instead of the code (docs/upstream.md, about 1 in 100 while
 *     the server streams). A frame written here has its own header, and the permit is held until the socket has
 *     taken the frame: Tomcat's close frame waits for it ({@code ABNORMAL_SESSION_CLOSE_SEND_TIMEOUT}) and follows it.</li>
 * <li><b>No thread hand-off per send.</b> Tomcat hands the completion of every asynchronous send to its executor
 *     ({@code clearHandler(…, true)}: a task and a wake-up per recipient of every message); here a write that the
 *     socket takes at once completes on the writing thread, and the frame is made once per message, not a header,
 *     message part, handler and state per recipient.</li>
 * </ul>
 * Our pings are written the same way, and on a connection with {@link DeflateOnce}'s permessage-deflate our message
 * frames are compressed once per message ({@link dev.switchboard.core.DeflatedFrames}). Closes keep Tomcat's own path,
 * and so does a message while Tomcat writes a frame of its own (a pong: the permit is taken) or on a connection with any
 * other extension (Tomcat transforms its frames). Found by name; where anything differs, {@link #of} returns null and
 * Tomcat's path is used.
 */
final class TomcatFrames {

    private static final String BASE = "org.apache.tomcat.websocket.WsRemoteEndpointImplBase";
    private static final String SOCKET = "org.apache.tomcat.util.net.SocketWrapperBase";

    /** What a remote endpoint's class offers, null where this Tomcat differs. */
    private static final ClassValue<Endpoint> ENDPOINTS = new ClassValue<>() {
        @Override
        protected Endpoint computeValue(Class<?> type) {
            return Endpoint.of(type);
        }
    };
    /** What a socket wrapper's class offers, null where this Tomcat differs. */
    private static final ClassValue<Writer> WRITERS = new ClassValue<>() {
        @Override
        protected Writer computeValue(Class<?> type) {
            return Writer.of(type);
        }
    };

    /** A server's ping frame without payload (RFC 6455 5.5.2). */
    private static final byte[] PING = {(byte) 0x89, 0};

    private final Object remote;
    private final Object socket;
    private final Semaphore permit;
    private final Endpoint endpoint;
    private final Writer writer;
    private final BooleanSupplier closing;

    private TomcatFrames(Object remote, Object socket, Semaphore permit, Endpoint endpoint, Writer writer,
                         BooleanSupplier closing) {
        this.remote = remote;
        this.socket = socket;
        this.permit = permit;
        this.endpoint = endpoint;
        this.writer = writer;
        this.closing = closing;
    }

    /**
     * The frame writer of Tomcat's remote endpoint {@code remote}, or null where its classes differ from what this knows
     * or its socket has no asynchronous I/O ({@code useAsyncIO="false"}). {@code closing}: the session is no longer open.
     */
    static TomcatFrames of(Object remote, BooleanSupplier closing) {
        try {
            Endpoint endpoint = remote == null ? null : ENDPOINTS.get(remote.getClass());
            Object socket = endpoint == null ? null : ContainerInternals.read(remote, "socketWrapper");
            Writer writer = socket == null ? null : WRITERS.get(socket.getClass());
            if (writer == null || !(boolean) writer.hasAsyncIO.invokeExact(socket)
                    || !(ContainerInternals.read(remote, "messagePartInProgress") instanceof Semaphore permit)) {
                return null;
            }
            return new TomcatFrames(remote, socket, permit, endpoint, writer, closing);
        } catch (Throwable e) {
            return null;
        }
    }

    /**
     * Writes {@code frame} (a whole text frame) and tells {@code handler} when the socket took all of it or failed.
     * False, and nothing done, while Tomcat writes a frame of its own: then send it Tomcat's way, which queues it.
     */
    boolean send(byte[] frame, SendHandler handler) {
        if (!permit.tryAcquire()) {
            return false;
        }
        Completion completion = new Completion(handler);
        if (closing.getAsBoolean()) { // checked with the permit held: a close that starts later waits for this frame
            completion.failed(new EOFException("the container is closing the session"), null);
            return true;
        }
        try {
            Object ignored = writer.write.invokeExact(socket, writer.semiBlock, -1L, TimeUnit.MILLISECONDS,
                    (Object) null, writer.completeWrite, (CompletionHandler<Long, Object>) completion,
                    new ByteBuffer[] {ByteBuffer.wrap(frame)});
        } catch (Throwable e) {
            completion.failed(e, null);
        }
        return true;
    }

    /**
     * Writes a ping frame the same way: it never shares Tomcat's header buffer with a close Tomcat makes, and a ping
     * that the socket takes at once gives the permit back on this thread, so the message sent right after it takes
     * this path too (through Tomcat's, the permit was still held until Tomcat's executor ran the ping's completion).
     * {@code done} is told the outcome, as by {@link #send}. False, and nothing done, while Tomcat writes a frame of
     * its own.
     */
    boolean ping(SendHandler done) {
        return send(PING, done);
    }

    /** Gives the permit back the way Tomcat ends a message part: the next part Tomcat queued meanwhile goes out. */
    private void release() {
        try {
            endpoint.endMessage.invokeExact(remote, (SendHandler) null, (SendResult) null);
        } catch (Throwable e) {
            permit.release(); // not expected: endMessage takes no lock of ours and throws nothing checked
        }
    }

    /** The outcome of one frame, told once. */
    private final class Completion extends AtomicBoolean implements CompletionHandler<Long, Object> {

        private final SendHandler handler;

        Completion(SendHandler handler) {
            this.handler = handler;
        }

        @Override
        public void completed(Long written, Object attachment) {
            if (compareAndSet(false, true)) {
                release();
                handler.onResult(new SendResult());
            }
        }

        @Override
        public void failed(Throwable failure, Object attachment) {
            if (compareAndSet(false, true)) {
                release();
                handler.onResult(new SendResult(failure));
            }
        }
    }

    /** {@code WsRemoteEndpointImplBase.endMessage(SendHandler, SendResult)}, which gives the permit back. */
    private record Endpoint(MethodHandle endMessage) {

        static Endpoint of(Class<?> type) {
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                if (c.getName().equals(BASE)) {
                    try {
                        Method end = c.getDeclaredMethod("endMessage", SendHandler.class, SendResult.class);
                        end.setAccessible(true);
                        return new Endpoint(MethodHandles.lookup().unreflect(end).asType(MethodType.methodType(
                                void.class, Object.class, SendHandler.class, SendResult.class)));
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        return null;
                    }
                }
            }
            return null;
        }
    }

    /**
     * {@code SocketWrapperBase.write(BlockingMode, long, TimeUnit, A, CompletionCheck, CompletionHandler, ByteBuffer...)}
     * with {@code BlockingMode.SEMI_BLOCK} and {@code COMPLETE_WRITE_WITH_COMPLETION}, and {@code hasAsyncIO()}.
     */
    private record Writer(MethodHandle write, MethodHandle hasAsyncIO, Object semiBlock, Object completeWrite) {

        static Writer of(Class<?> type) {
            try {
                Class<?> base = type;
                while (base != null && !base.getName().equals(SOCKET)) {
                    base = base.getSuperclass();
                }
                if (base == null) {
                    return null;
                }
                Method write = null;
                for (Method m : base.getMethods()) {
                    Class<?>[] p = m.getParameterTypes();
                    if (m.getName().equals("write") && p.length == 7 && p[0].isEnum() && p[1] == long.class
                            && p[2] == TimeUnit.class && p[5] == CompletionHandler.class && p[6] == ByteBuffer[].class) {
                        write = m;
                    }
                }
                if (write == null) {
                    return null;
                }
                Object semiBlock = enumConstant(write.getParameterTypes()[0], "SEMI_BLOCK");
                Field check = base.getField("COMPLETE_WRITE_WITH_COMPLETION");
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                MethodHandle writeHandle = lookup.unreflect(write).asFixedArity().asType(MethodType.methodType(
                        Object.class, Object.class, Object.class, long.class, TimeUnit.class, Object.class,
                        Object.class, CompletionHandler.class, ByteBuffer[].class));
                MethodHandle hasAsyncIO = lookup.unreflect(base.getMethod("hasAsyncIO"))
                        .asType(MethodType.methodType(boolean.class, Object.class));
                return new Writer(writeHandle, hasAsyncIO, semiBlock, check.get(null));
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }

        private static Object enumConstant(Class<?> type, String name) {
            for (Object constant : type.getEnumConstants()) {
                if (((Enum<?>) constant).name().equals(name)) {
                    return constant;
                }
            }
            throw new IllegalStateException("no " + name + " in " + type.getName());
        }
    }
}

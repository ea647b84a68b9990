package dev.switchboard.web;

import dev.switchboard.core.Outgoing;
import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;

import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * How one socket's frames reach the client, the outgoing half of {@link SocketAdapter}'s {@code Transport}: through
 * the server's own frame path where it offered one (the runner's {@link FrameChannel}), else through the container
 * below its API where {@link ContainerInternals} found a way (Tomcat: the text's UTF-8 bytes, encoded once for all
 * recipients), else the encoded text through the session's asynchronous API. Nothing of ours is sent once the
 * container closes the session itself: its close frame must not wait behind ours (Tomcat fails the write in flight
 * with an {@link EOFException} then, and {@code isOpen()} still says open).
 */
final class SocketOutput {

    private static final Logger LOG = System.getLogger(SocketOutput.class.getName());
    private static final ByteBuffer NO_DATA = ByteBuffer.allocate(0);

    private final Session session;
    /** The server's own frame path (the runner), else null: sends go through the session. */
    private final FrameChannel frames;
    private final ContainerInternals.Socket container;
    private final OutgoingEncoder encoder;
    /** The container failed a write because it is closing the session itself (Tomcat: EOFException). */
    private volatile boolean containerClosing;
    /** Sends handed to the container whose completion has not come yet ({@link #awaitSent}). */
    private final AtomicInteger inFlight = new AtomicInteger();

    SocketOutput(Session session, FrameChannel frames, ContainerInternals.Socket container, OutgoingEncoder encoder) {
        this.session = session;
        this.frames = frames;
        this.container = container;
        this.encoder = encoder;
    }

    void send(Outgoing message, Consumer<Throwable> done) {
        if (frames != null) {
            frames.send(message, done);
            return;
        }
        if (container.closing()) {
            containerClosing = true;
            done.accept(new EOFException("the container is closing the session"));
            return;
        }
        SendHandler sent = result -> {
            inFlight.decrementAndGet();
            if (!result.isOK() && result.getException() instanceof EOFException) {
                containerClosing = true; // set before the outbox asks isOpen()
            }
            done.accept(result.isOK() ? null : result.getException());
        };
        inFlight.incrementAndGet();
        try {
            if (!container.sendText(message, sent)) {
                session.getAsyncRemote().sendText(encoder.encode(message), sent);
            }
        } catch (RuntimeException e) {
            inFlight.decrementAndGet();
            done.accept(e); // session already closed
        }
    }

    /**
     * Waits until no send of ours is in the container's hands, at most until {@code deadlineNanos}; true if none is.
     * For the end of a socket in a Tyrus servlet container: its writer keeps the servlet's output stream, whose
     * objects the container recycles for the next request once the socket has ended, so a write of ours still in
     * there could reach another connection (docs/reliability.md, "Payara: a 101 lost to a response packet left
     * committed"). The runner's frame path and Tomcat's do not recycle a socket's objects.
     */
    boolean awaitSent(long deadlineNanos) throws InterruptedException {
        while (inFlight.get() > 0) {
            if (System.nanoTime() - deadlineNanos >= 0) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(1);
        }
        return true;
    }

    /** A ping that does not wait for its write where the container offers one, else the API's. */
    void ping(Object connection) {
        if (container.ping()) {
            return;
        }
        try {
            session.getAsyncRemote().sendPing(NO_DATA.duplicate());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "ping failed on {0}: {1}", connection, e.toString());
        }
    }

    boolean isOpen() {
        return !containerClosing && !container.closing() && session.isOpen() && (frames == null || frames.isOpen());
    }

    /**
     * The runner's own frame path queues what the socket does not take, and so does Tomcat's below its API
     * ({@link ContainerInternals.Socket#sendsWithoutWaiting}); the API's asynchronous send may wait in a container.
     */
    boolean neverBlocks() {
        return frames != null || container.sendsWithoutWaiting();
    }

    /**
     * What the server holds for the socket unwritten: the runner's writer; in Tyrus-based containers the frames Tyrus
     * queued (its pongs) and the TCP connection's write queue; 0 in Tomcat (it writes pongs blocking).
     */
    long pendingBytes() {
        return frames != null ? frames.pendingBytes() : container.pendingBytes();
    }
}

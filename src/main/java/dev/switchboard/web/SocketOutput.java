package dev.switchboard.web;

import dev.switchboard.core.Outgoing;
import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;

import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
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
            if (!result.isOK() && result.getException() instanceof EOFException) {
                containerClosing = true; // set before the outbox asks isOpen()
            }
            done.accept(result.isOK() ? null : result.getException());
        };
        try {
            if (!container.sendText(message, sent)) {
                session.getAsyncRemote().sendText(encoder.encode(message), sent);
            }
        } catch (RuntimeException e) {
            done.accept(e); // session already closed
        }
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

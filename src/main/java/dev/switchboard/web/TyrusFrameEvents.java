package dev.switchboard.web;

import dev.switchboard.core.Hub;
import org.glassfish.tyrus.core.frame.TyrusFrame;
import org.glassfish.tyrus.core.monitoring.ApplicationEventListener;
import org.glassfish.tyrus.core.monitoring.EndpointEventListener;
import org.glassfish.tyrus.core.monitoring.MessageEventListener;

import java.util.function.IntPredicate;

/**
 * Shows the WAR the pings that Tyrus answers by itself in a servlet container (Payara, GlassFish), so that they count
 * against the connection's rate limit (1008 past it) as they do on the runner (issue 13, item 6). Tyrus's servlet
 * initialiser instantiates the class named by the context parameter {@value ApplicationEventListener#APPLICATION_EVENT_LISTENER}
 * ({@code WEB-INF/web.xml}, from {@code src/main/war}) and gives every socket the {@link MessageEventListener} this returns before the endpoint's
 * {@code onOpen}; the socket then finds it on its {@code TyrusWebSocket} ({@link ContainerInternals}) and hands it
 * the hub's check ({@link PingWatch}). Tyrus reports a ping after it has queued the pong; a ping past the limit closes
 * the connection, and Tyrus answers no ping after the close frame.
 * <p>
 * Tyrus's public monitoring API, not an internal: it is on the compile path only (the containers bring Tyrus), and
 * no other container loads this class (they do not read the parameter).
 */
public final class TyrusFrameEvents implements ApplicationEventListener {

    /** The context parameter's value: this class. */
    static final String NAME = TyrusFrameEvents.class.getName();

    private static final EndpointEventListener SOCKETS = new EndpointEventListener() {
        @Override
        public MessageEventListener onSessionOpened(String sessionId) {
            return new Socket();
        }

        @Override
        public void onSessionClosed(String sessionId) {
        }

        @Override
        public void onError(String sessionId, Throwable t) {
        }
    };

    /** Instantiated by Tyrus (a public no-argument constructor). */
    public TyrusFrameEvents() {
    }

    @Override
    public void onApplicationInitialized(String applicationName) {
    }

    @Override
    public void onApplicationDestroyed() {
    }

    @Override
    public EndpointEventListener onEndpointRegistered(String endpointPath, Class<?> endpointClass) {
        return SOCKETS;
    }

    @Override
    public void onEndpointUnregistered(String endpointPath) {
    }

    /** One socket's frames: pings go to the socket's check once it has handed one over. */
    static final class Socket implements MessageEventListener, PingWatch {
        /** Null until the endpoint's {@code onOpen} (pings before it are Tyrus's alone: it awaits the open). */
        private volatile IntPredicate admit;

        @Override
        public void watch(IntPredicate admit) {
            this.admit = admit;
        }

        /** Tyrus's reading thread of this socket, one frame at a time. */
        @Override
        public void onFrameReceived(TyrusFrame.FrameType frameType, long payloadLength) {
            IntPredicate a = admit;
            if (a != null && frameType == TyrusFrame.FrameType.PING) {
                a.test(Hub.pongBytes(payloadLength)); // the pong's bytes; false: closing
            }
        }

        @Override
        public void onFrameSent(TyrusFrame.FrameType frameType, long payloadLength) {
        }
    }
}

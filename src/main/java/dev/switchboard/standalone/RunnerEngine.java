package dev.switchboard.standalone;

import dev.switchboard.web.Handshake;
import dev.switchboard.web.Handshakes;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import org.glassfish.tyrus.spi.Connection;
import org.glassfish.tyrus.spi.UpgradeRequest;
import org.glassfish.tyrus.spi.UpgradeResponse;
import org.glassfish.tyrus.spi.WebSocketEngine;
import org.glassfish.tyrus.spi.Writer;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.LongAdder;

/**
 * Tyrus's engine as the runner runs it: every upgraded connection is read through a {@link FrameGuard} and written
 * through a {@link DirectWriter}, which reaches the endpoint explicitly. The {@link HandshakeGate} held the
 * handshake's decision ({@link Handshakes}) with an empty {@link WriterSlot}; the engine finds it by the id in the
 * request's {@value Handshakes#HEADER} header, fills the slot when Tyrus makes the connection (before Tyrus opens the
 * endpoint, which takes the writer from it), and releases the held decision when the upgrade returns. A handshake
 * without a held decision (the gate held none: too many at once) gets a connection whose endpoint sends through its
 * session instead.
 */
final class RunnerEngine implements WebSocketEngine {

    private final WebSocketEngine tyrus;
    private final Handshakes handshakes;
    private final int incomingBufferSize;
    private final boolean plain;
    private final LongAdder handedOver = new LongAdder();
    /** Ends lingering connections ({@link DirectWriter#close}). */
    private final ScheduledExecutorService timer;

    /**
     * @param incomingBufferSize Tyrus's incoming buffer (for the {@link FrameGuard})
     * @param plain              no TLS: message frames may skip the filter chain ({@link DirectWriter})
     * @param timer              ends lingering connections ({@link DirectWriter#close})
     */
    RunnerEngine(WebSocketEngine tyrus, Handshakes handshakes, int incomingBufferSize, boolean plain,
                 ScheduledExecutorService timer) {
        this.timer = timer;
        this.tyrus = tyrus;
        this.handshakes = handshakes;
        this.incomingBufferSize = incomingBufferSize;
        this.plain = plain;
    }

    /** Connections whose endpoint took its {@link DirectWriter} when it opened, since the start. */
    long writersHandedOver() {
        return handedOver.sum();
    }

    @Override
    public UpgradeInfo upgrade(UpgradeRequest request, UpgradeResponse response) {
        String id = request.getHeader(Handshakes.HEADER);
        Handshake held = handshakes.peek(id);
        UpgradeInfo info;
        try {
            info = tyrus.upgrade(request, response); // the configurator takes the held decision in here
        } finally {
            handshakes.release(id);
        }
        if (info.getStatus() != UpgradeStatus.SUCCESS) {
            return info;
        }
        WriterSlot slot = held != null && held.frames() instanceof WriterSlot s ? s : null;
        return new UpgradeInfo() {
            @Override
            public UpgradeStatus getStatus() {
                return info.getStatus();
            }

            @Override
            public Connection createConnection(Writer writer, Connection.CloseListener closeListener) {
                DirectWriter direct = new DirectWriter(writer, plain ? TyrusInternals.grizzlyConnection(writer) : null,
                        timer);
                if (slot != null) {
                    slot.fill(direct);
                }
                Connection connection = info.createConnection(direct, closeListener); // opens the endpoint
                if (slot != null && slot.taken()) {
                    handedOver.increment();
                }
                return connection == null ? null : new FrameGuard(connection, direct, incomingBufferSize);
            }
        };
    }

    @Override
    public void register(Class<?> endpointClass, String contextPath) throws DeploymentException {
        tyrus.register(endpointClass, contextPath);
    }

    @Override
    public void register(ServerEndpointConfig serverConfig, String contextPath) throws DeploymentException {
        tyrus.register(serverConfig, contextPath);
    }
}

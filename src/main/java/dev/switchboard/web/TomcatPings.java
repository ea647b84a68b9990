package dev.switchboard.web;

import dev.switchboard.core.Hub;
import jakarta.websocket.EncodeException;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.util.function.IntPredicate;

/**
 * Shows the WAR the pings that Tomcat (10.1, 11) answers by itself, so that they count against the connection's rate
 * limit (1008 past it) as on the runner and in Tyrus ({@link TyrusFrameEvents}; issue 13, item 6). Tomcat's frame
 * reader answers a ping with {@code wsSession.getBasicRemote().sendPong(payload)} on the thread that reads the
 * connection ({@code WsFrameBase.processDataControl}); its {@code WsSession.remoteEndpointBasic} is a field typed
 * {@link RemoteEndpoint.Basic}. At the open it is replaced by this, which asks the hub before each pong and passes
 * everything else on unchanged: a pong past the limit is not sent (the connection is being closed for it). Only the
 * frame reader sends pongs; Switchboard sends nothing through the basic remote endpoint.
 */
final class TomcatPings implements RemoteEndpoint.Basic {

    private static final String FIELD = "remoteEndpointBasic";

    private final RemoteEndpoint.Basic tomcat;
    private final IntPredicate admit;

    TomcatPings(RemoteEndpoint.Basic tomcat, IntPredicate admit) {
        this.tomcat = tomcat;
        this.admit = admit;
    }

    /**
     * Puts the check in front of {@code session}'s pongs; false where Tomcat's session has another shape (its pings
     * then stay out of sight). Called from {@code onOpen}, before Tomcat reads the connection's first frame.
     */
    static boolean watch(Session session, IntPredicate admit) {
        try {
            if (ContainerInternals.read(session, FIELD) instanceof RemoteEndpoint.Basic basic
                    && !(basic instanceof TomcatPings)) {
                ContainerInternals.write(session, FIELD, new TomcatPings(basic, admit));
                return true;
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // another Tomcat: nothing watched
        }
        return false;
    }

    /** A client's ping, answered on Tomcat's reading thread of this connection. */
    @Override
    public void sendPong(ByteBuffer applicationData) throws IOException {
        if (admit.test(Hub.pongBytes(applicationData.remaining()))) {
            tomcat.sendPong(applicationData);
        }
    }

    @Override
    public void sendPing(ByteBuffer applicationData) throws IOException {
        tomcat.sendPing(applicationData);
    }

    @Override
    public void sendText(String text) throws IOException {
        tomcat.sendText(text);
    }

    @Override
    public void sendBinary(ByteBuffer data) throws IOException {
        tomcat.sendBinary(data);
    }

    @Override
    public void sendText(String partialMessage, boolean isLast) throws IOException {
        tomcat.sendText(partialMessage, isLast);
    }

    @Override
    public void sendBinary(ByteBuffer partialByte, boolean isLast) throws IOException {
        tomcat.sendBinary(partialByte, isLast);
    }

    @Override
    public OutputStream getSendStream() throws IOException {
        return tomcat.getSendStream();
    }

    @Override
    public Writer getSendWriter() throws IOException {
        return tomcat.getSendWriter();
    }

    @Override
    public void sendObject(Object data) throws IOException, EncodeException {
        tomcat.sendObject(data);
    }

    @Override
    public void setBatchingAllowed(boolean allowed) throws IOException {
        tomcat.setBatchingAllowed(allowed);
    }

    @Override
    public boolean getBatchingAllowed() {
        return tomcat.getBatchingAllowed();
    }

    @Override
    public void flushBatch() throws IOException {
        tomcat.flushBatch();
    }
}

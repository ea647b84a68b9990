package dev.switchboard.testing;

import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Test-only echo endpoint for RFC 6455 conformance runs (Autobahn cases 1-7, 10 expect text and binary
 * messages echoed back unchanged). Message size limits are raised to {@link #MAX_MESSAGE_BYTES} in
 * {@code @OnOpen}: Tomcat's default (8 KiB) would otherwise close 1009 on the 64 KiB cases (1.1.6-8,
 * 1.2.6-8, 10.1.1). Not more: Tomcat allocates both buffers at full size per connection (the text one
 * as a CharBuffer, 2 bytes a char), and 16 MiB limits made case 6.16.1 miss its 0.5 s deadline under GC.
 * Never deploy it in production code: it echoes anything.
 */
@ServerEndpoint("/test/echo")
public class EchoEndpoint {

    public static final int MAX_MESSAGE_BYTES = 1024 * 1024;

    @OnOpen
    public void open(Session session) {
        session.setMaxTextMessageBufferSize(MAX_MESSAGE_BYTES);
        session.setMaxBinaryMessageBufferSize(MAX_MESSAGE_BYTES);
    }

    @OnMessage
    public void text(Session session, String message) throws IOException {
        session.getBasicRemote().sendText(message);
    }

    @OnMessage
    public void binary(Session session, ByteBuffer message) throws IOException {
        session.getBasicRemote().sendBinary(message);
    }
}

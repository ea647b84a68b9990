package dev.switchboard.web;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A server-initiated close in Tyrus's servlet upgrade (Payara, GlassFish) that does not end the connection from the
 * closing thread. Tyrus's own close writes the close frame and at once closes the servlet's {@code WebConnection}
 * on the calling thread, and Payara's {@code WebConnectionImpl.close} then finishes and recycles the upgrade
 * request's objects ({@code Response.resume()}, Grizzly's {@code afterService}) on that thread, while the
 * connection's own worker may be reading the client's answer. The recycled objects were handed to other requests
 * while still in use: requests failed with NullPointerExceptions (no context, no connection), an upgrade lost its
 * 101, and a FORM login page came back as an empty 200, "Cannot create a session after the response has been
 * committed" ({@code CloseCodeLoops.closesBesideRequests}; docs/reliability.md). Here the socket's state goes from
 * {@code CONNECTED} to {@code CLOSING} as Tyrus's own close does (so Tyrus sends nothing more and closes nothing
 * itself), and the close frame is sent as a raw frame; the client's close frame then completes the handshake on the
 * connection's own thread, the way a client-initiated close does (Tyrus: {@code TyrusWebSocket.onClose} in
 * {@code CLOSING} calls {@code doClose}). A client that does not answer is ended after a wait, and released as closed
 * without a close of Tyrus's on another thread ({@code SocketAdapter.closeSession}).
 */
final class TyrusServletClose {
    private final AtomicReference<Object> state;
    private final Object connected;
    private final Object closing;
    private final Object protocolHandler;
    private final Method sendRawFrame;

    private TyrusServletClose(AtomicReference<Object> state, Object connected, Object closing,
                      Object protocolHandler, Method sendRawFrame) {
        this.state = state;
        this.connected = connected;
        this.closing = closing;
        this.protocolHandler = protocolHandler;
        this.sendRawFrame = sendRawFrame;
    }

    /** Null where Tyrus has another shape (then the API's close). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static TyrusServletClose of(Object webSocket, Object protocolHandler) {
        try {
            if (!(ContainerInternals.read(webSocket, "state") instanceof AtomicReference ref)
                    || !(ref.get() instanceof Enum<?> now)) {
                return null;
            }
            Class<? extends Enum> states = now.getDeclaringClass();
            Method send = protocolHandler.getClass().getMethod("sendRawFrame", ByteBuffer.class);
            return new TyrusServletClose(ref, Enum.valueOf(states, "CONNECTED"), Enum.valueOf(states, "CLOSING"),
                    protocolHandler, send);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Past {@code CONNECTED}: closing (by us, by the client, or by the container) or closed. */
    boolean closing() {
        return state.get() != connected;
    }

    /** Sends the close frame once; true also when the socket was closing already (nothing is left to do then). */
    boolean close(int code, String reason) {
        if (!state.compareAndSet(connected, closing)) {
            return true;
        }
        try {
            sendRawFrame.invoke(protocolHandler, ByteBuffer.wrap(closeFrame(code, reason)));
        } catch (ReflectiveOperationException | RuntimeException e) {
            // not sent: the connection is ended after the wait, as for a client that does not answer
        }
        return true;
    }

    /** An unmasked close frame: FIN and opcode 8, the code, the reason (at most 123 bytes of UTF-8). */
    static byte[] closeFrame(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(text.length, 123);
        byte[] frame = new byte[4 + length];
        frame[0] = (byte) 0x88;
        frame[1] = (byte) (2 + length);
        frame[2] = (byte) (code >> 8);
        frame[3] = (byte) code;
        System.arraycopy(text, 0, frame, 4, length);
        return frame;
    }
}

package dev.switchboard.web;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TyrusServletClose} on objects of Tyrus's shape (its {@code TyrusWebSocket.state} and
 * {@code ProtocolHandler.sendRawFrame}); Payara's and GlassFish's own are exercised by {@code CloseCodeLoopIT}
 * ({@code closesBesideRequests}).
 */
class TyrusServletCloseTest {

    enum State { NEW, CONNECTED, CLOSING, CLOSED }

    static final class WebSocket {
        final AtomicReference<State> state = new AtomicReference<>(State.CONNECTED);
    }

    public static final class Handler {
        final List<byte[]> sent = new ArrayList<>();

        public void sendRawFrame(ByteBuffer frame) {
            byte[] bytes = new byte[frame.remaining()];
            frame.get(bytes);
            sent.add(bytes);
        }
    }

    @Test
    void theCloseFrameIsSentOnceAndTheStateIsTyrusOwnClosing() {
        WebSocket socket = new WebSocket();
        Handler handler = new Handler();
        TyrusServletClose close = TyrusServletClose.of(socket, handler);
        assertFalse(close.closing());
        assertTrue(close.close(4401, "token expired"));
        assertEquals(State.CLOSING, socket.state.get(), "Tyrus then closes nothing itself and completes on the answer");
        assertTrue(close.closing());
        assertTrue(close.close(1008, "again"), "closing already: nothing left to do");
        assertEquals(1, handler.sent.size(), "one close frame");
        byte[] reason = "token expired".getBytes(StandardCharsets.UTF_8);
        byte[] expected = new byte[4 + reason.length];
        expected[0] = (byte) 0x88;
        expected[1] = (byte) (2 + reason.length);
        expected[2] = (byte) (4401 >> 8);
        expected[3] = (byte) (4401 & 0xFF);
        System.arraycopy(reason, 0, expected, 4, reason.length);
        assertArrayEquals(expected, handler.sent.get(0));
    }

    @Test
    void aSocketThatTheClientOrTheContainerIsClosingGetsNoSecondCloseFrame() {
        WebSocket socket = new WebSocket();
        socket.state.set(State.CLOSING);
        Handler handler = new Handler();
        TyrusServletClose close = TyrusServletClose.of(socket, handler);
        assertTrue(close.closing());
        assertTrue(close.close(1003, "binary"));
        assertEquals(List.of(), handler.sent);
    }

    @Test
    void aReasonLongerThanAControlFrameAllowsIsCutAt123Bytes() {
        byte[] frame = TyrusServletClose.closeFrame(1000, "x".repeat(300));
        assertEquals(127, frame.length);
        assertEquals(125, frame[1]);
        assertTrue(Arrays.equals("x".repeat(123).getBytes(StandardCharsets.UTF_8), Arrays.copyOfRange(frame, 4, 127)));
    }

    @Test
    void anotherShapeGivesNothingAndTheApiCloses() {
        assertNull(TyrusServletClose.of(new Object(), new Handler()));
        assertNull(TyrusServletClose.of(new WebSocket(), new Object()));
    }
}

package dev.switchboard.web;

import org.glassfish.tyrus.core.frame.TyrusFrame.FrameType;
import org.glassfish.tyrus.core.monitoring.MessageEventListener;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;

/** The listener Tyrus gives each socket (Payara, GlassFish): its pings reach the socket's check, nothing else does. */
class TyrusFrameEventsTest {

    private static MessageEventListener socket() {
        return new TyrusFrameEvents().onEndpointRegistered("/ws/chat", Object.class).onSessionOpened("s1");
    }

    @Test
    void eachSocketGetsItsOwnListenerThatTheSocketCanFind() {
        MessageEventListener one = socket();
        assertInstanceOf(PingWatch.class, one, "the socket finds it on its TyrusWebSocket (ContainerInternals)");
        assertNotSame(one, socket());
    }

    @Test
    void pingsAreAskedWithThePongsSizeOtherFramesAreNot() {
        MessageEventListener socket = socket();
        List<Integer> asked = new ArrayList<>();
        socket.onFrameReceived(FrameType.PING, 4); // before the open: Tyrus's alone
        ((PingWatch) socket).watch(bytes -> asked.add(bytes));
        socket.onFrameReceived(FrameType.TEXT, 40);
        socket.onFrameReceived(FrameType.PONG, 4);
        socket.onFrameReceived(FrameType.PING, 4);
        socket.onFrameReceived(FrameType.PING, 0);
        socket.onFrameReceived(FrameType.PING, 1L << 40); // a control frame's payload is at most 125 bytes
        socket.onFrameSent(FrameType.PONG, 4);
        assertEquals(List.of(6, 2, 127), asked);
    }
}

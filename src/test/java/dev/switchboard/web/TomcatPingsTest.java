package dev.switchboard.web;

import jakarta.websocket.RemoteEndpoint;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What Tomcat's frame reader gets in place of its basic remote endpoint: a pong goes out only when the hub admits it,
 * and everything else passes on unchanged. (Its installation in a real Tomcat: {@code PingFloodIT}.)
 */
class TomcatPingsTest {

    private final List<String> tomcat = new ArrayList<>();
    private final RemoteEndpoint.Basic recording = (RemoteEndpoint.Basic) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {RemoteEndpoint.Basic.class}, (proxy, method, args) -> {
                tomcat.add(method.getName() + (args == null ? "" : ":" + args.length));
                return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
            });

    @Test
    void aPongGoesOutOnlyWhenTheHubAdmitsItsPing() throws Exception {
        List<Integer> asked = new ArrayList<>();
        boolean[] admit = {true};
        TomcatPings pings = new TomcatPings(recording, bytes -> {
            asked.add(bytes);
            return admit[0];
        });
        pings.sendPong(ByteBuffer.allocate(4));
        admit[0] = false; // past the limit: the connection is being closed for it
        pings.sendPong(ByteBuffer.allocate(125));
        assertEquals(List.of(6, 127), asked, "each ping is asked for with its pong's size");
        assertEquals(List.of("sendPong:1"), tomcat, "only the admitted pong reached Tomcat");
    }

    @Test
    void everythingElsePassesOnUnchanged() throws Exception {
        TomcatPings pings = new TomcatPings(recording, bytes -> {
            throw new AssertionError("only pongs are asked for");
        });
        pings.sendText("a");
        pings.sendText("a", true);
        pings.sendBinary(ByteBuffer.allocate(1));
        pings.sendBinary(ByteBuffer.allocate(1), false);
        pings.sendPing(ByteBuffer.allocate(0));
        pings.sendObject("o");
        pings.setBatchingAllowed(true);
        pings.getBatchingAllowed();
        pings.flushBatch();
        pings.getSendStream();
        pings.getSendWriter();
        assertEquals(List.of("sendText:1", "sendText:2", "sendBinary:1", "sendBinary:2", "sendPing:1", "sendObject:1",
                "setBatchingAllowed:1", "getBatchingAllowed", "flushBatch", "getSendStream", "getSendWriter"), tomcat);
    }
}

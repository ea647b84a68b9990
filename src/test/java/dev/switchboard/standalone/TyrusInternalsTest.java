package dev.switchboard.standalone;

import dev.switchboard.settings.Settings;
import dev.switchboard.testing.WsClient;
import org.glassfish.grizzly.filterchain.Filter;
import org.glassfish.grizzly.nio.transport.TCPNIOConnection;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;
import org.glassfish.grizzly.nio.transport.TCPNIOTransportBuilder;
import org.glassfish.tyrus.container.grizzly.client.GrizzlyWriter;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** {@link TyrusInternals}: this Tyrus has everything the runner takes from it, and a Tyrus that differs falls back. */
class TyrusInternalsTest {

    @Test
    void thisTyrusHasEverythingTheRunnerReachesInto() throws Exception {
        assertEquals(List.of(), TyrusInternals.missing());
        TCPNIOTransport transport = TCPNIOTransportBuilder.newInstance().build();
        TCPNIOConnection socket = new TCPNIOConnection(transport, null);
        assertSame(socket, TyrusInternals.grizzlyConnection(new GrizzlyWriter(socket)));
        assertNull(TyrusInternals.tyrusConnection(socket), "not upgraded");
        assertNull(TyrusInternals.taskProcessor(socket));
    }

    @Test
    void whereTyrusDiffersTheLookupsFindNothingAndTheWriterKeepsToTyrus() {
        assertNull(TyrusInternals.field(GrizzlyWriter.class.getName(), "renamed"));
        assertNull(TyrusInternals.type("org.glassfish.tyrus.container.grizzly.server.Renamed", Filter.class));
        assertNull(TyrusInternals.constructor(WebSocketAddOn.class, String.class));
        Writer another = new Writer() {
            @Override
            public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> completionHandler) {
            }

            @Override
            public void close() {
            }
        };
        assertNull(TyrusInternals.grizzlyConnection(another), "then DirectWriter writes through Tyrus's writer");
    }

    @Test
    void everyConnectionGetsItsWriterWithItsHandshakeAndNothingStaysHeld() throws Exception {
        try (Runner runner = Runner.start(Settings.of(Map.of("statsIntervalMs", "0", "demoIntervalMs", "0")),
                "127.0.0.1", 0, null)) {
            URI chat = URI.create("ws://127.0.0.1:" + runner.port() + "/ws/chat");
            try (WsClient ann = WsClient.connect(URI.create(chat + "?name=ann"));
                 WsClient bob = WsClient.connect(URI.create(chat + "?name=bob"))) {
                ann.send("type", "join", "room", "w").expect("joined");
                bob.send("type", "join", "room", "w").expect("joined");
                ann.send("type", "say", "room", "w", "text", "framed once");
                assertEquals("framed once", bob.await("message").getString("text"));
                assertEquals(2, runner.directWritersHandedOver());
                assertEquals(0, runner.handshakes().held());
            }
        }
    }
}

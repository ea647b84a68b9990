package dev.switchboard.standalone;

import dev.switchboard.settings.Settings;
import dev.switchboard.testing.RawHandshake;
import dev.switchboard.testing.Scenarios;
import dev.switchboard.testing.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link UpgradedConnections}: a WebSocket connection drops the HTTP request it was opened with, its frames reach
 * Tyrus past the HTTP filters, and plain HTTP on the same listener (and on the same TCP connection before an
 * upgrade) is as before.
 */
class UpgradedConnectionsTest {

    static Runner runner;

    @BeforeAll
    static void start() throws IOException {
        runner = Runner.start(Settings.of(Map.of("statsIntervalMs", "0", "demoIntervalMs", "0")),
                "127.0.0.1", 0, null);
    }

    @AfterAll
    static void stop() {
        if (runner != null) {
            runner.close();
        }
    }

    @Test
    void everyUpgradedConnectionDropsItsRequestAndStillTalks() {
        long before = runner.upgradedConnectionsReleased();
        String room = "up-" + System.nanoTime();
        List<WsClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                WsClient c = WsClient.connect(URI.create("ws://127.0.0.1:" + runner.port() + "/ws/chat?name=up" + i));
                clients.add(c);
                c.send("type", "join", "room", room).expect("joined");
                c.send("type", "ping");
                c.await("pong"); // read after the upgrade: the request was dropped before it
            }
            assertEquals(3, runner.upgradedConnectionsReleased() - before);
            clients.get(0).send("type", "say", "room", room, "text", "after the upgrade");
            for (WsClient c : clients) {
                assertEquals("after the upgrade", c.await("message").getString("text"));
            }
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    @Test
    void aBrowsersDeflateOfferGetsPlainFrames() {
        Scenarios.deflateOfferDeclined(URI.create("http://127.0.0.1:" + runner.port() + "/"));
    }

    @Test
    void aKeepAliveConnectionServesHttpThenUpgrades() throws IOException {
        long before = runner.upgradedConnectionsReleased();
        try (Socket socket = new Socket("127.0.0.1", runner.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            String host = "Host: 127.0.0.1:" + runner.port() + "\r\n";
            for (int i = 0; i < 2; i++) {
                out.write(("GET /api/health HTTP/1.1\r\n" + host + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String status = RawHandshake.readLine(in);
                assertTrue(status.startsWith("HTTP/1.1 200"), status);
                int length = -1;
                for (String header = RawHandshake.readLine(in); !header.isEmpty(); header = RawHandshake.readLine(in)) {
                    if (header.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(header.substring(15).trim());
                    }
                }
                assertTrue(length > 0, "health answers with a Content-Length");
                in.readFully(new byte[length]);
            }
            out.write(("GET /ws/chat?name=kept HTTP/1.1\r\n" + host + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = RawHandshake.readLine(in);
            assertTrue(status.startsWith("HTTP/1.1 101"), status);
            while (!RawHandshake.readLine(in).isEmpty()) {
                // headers
            }
            assertTrue(readText(in).contains("\"welcome\""));
            // a ping split over two writes: Tyrus gets it in pieces, past the HTTP filters
            byte[] ping = frame("{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
            out.write(ping, 0, 5);
            out.flush();
            out.write(ping, 5, ping.length - 5);
            out.flush();
            assertTrue(readText(in).contains("\"pong\""));
        }
        assertEquals(1, runner.upgradedConnectionsReleased() - before);
    }

    /** A masked text frame (mask 0). */
    private static byte[] frame(byte[] payload) {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(0x81);
        f.write(0x80 | payload.length); // < 126 here
        f.writeBytes(new byte[4]);
        f.writeBytes(payload);
        return f.toByteArray();
    }

    /** The next text frame's payload (unfragmented, < 64 KiB). */
    private static String readText(DataInputStream in) throws IOException {
        int b0 = in.readUnsignedByte();
        int length = in.readUnsignedByte() & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        }
        assertEquals(0x81, b0, "a final text frame");
        byte[] payload = new byte[length];
        in.readFully(payload);
        return new String(payload, StandardCharsets.UTF_8);
    }
}

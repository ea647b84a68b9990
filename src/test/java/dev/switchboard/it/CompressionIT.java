package dev.switchboard.it;

import dev.switchboard.testing.Inflating;
import dev.switchboard.testing.RawFrame;
import dev.switchboard.testing.RawWebSocket;
import dev.switchboard.testing.Scenarios;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code compression=true}: where the container implements permessage-deflate (Tomcat), a browser's offer is taken and
 * chat works compressed both ways, each message compressed once for all its recipients ({@code web/DeflateOnce}); a
 * deflate bomb (a 16 KB frame that inflates to 16 MiB) closes with 1009 and costs the other users nothing. Where it
 * does not (Payara: Tyrus has no deflate), the offer gets no extension, and a frame that claims to be compressed anyway
 * closes with 1002.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class CompressionIT {

    private static final Duration T = Duration.ofSeconds(10);
    private static final String OFFER = "permessage-deflate; client_max_window_bits"; // Chromium's
    private static final int RSV1 = 4;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.shippedWar(Map.of("compression", "true", "statsIntervalMs", "0", "demoIntervalMs", "0"));
    }

    @ArquillianResource
    private URL url;

    @Test
    void chatWorksCompressedBothWaysWhereTheContainerCompresses() throws Exception {
        String room = "deflate-" + System.nanoTime();
        try (Peer ann = Peer.open(url, "ann", OFFER); Peer bob = Peer.open(url, "bob", null);
             Peer carl = Peer.open(url, "carl", OFFER); Peer dave = Peer.open(url, "dave", OFFER)) {
            assertNull(bob.socket.handshake().extensions(), "nothing offered, nothing negotiated");
            boolean tomcat = Deployments.container().equals("tomcat");
            if (tomcat) {
                assertTrue(ann.compressed, "Tomcat takes the offer: " + ann.socket.handshake().extensions());
                // so that a message is compressed once for all its recipients (DeflateOnce)
                assertTrue(ann.socket.handshake().extensions().contains("server_no_context_takeover"),
                        ann.socket.handshake().extensions());
            }
            assertEquals("welcome", ann.expect("welcome").getString("type"));
            for (Peer p : List.of(ann, bob, carl, dave)) {
                if (p != ann) {
                    p.expect("welcome");
                }
                p.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
                p.expect("joined");
            }
            String text = "compressed both ways ".repeat(20);
            ann.send("{\"type\":\"say\",\"room\":\"" + room + "\",\"text\":\"" + text + "\",\"ref\":\"a1\"}");
            assertEquals(text, bob.expect("message").getString("text"));
            assertEquals(text, carl.expect("message").getString("text"));
            assertEquals(text, dave.expect("message").getString("text"));
            if (tomcat) {
                assertEquals(RSV1, carl.lastRsv, "compressed");
                assertArrayEquals(carl.lastPayload, dave.lastPayload, "the same compressed bytes for every recipient");
                assertEquals(text, Scenarios.json(Inflating.alone(dave.lastPayload)).getString("text"),
                        "compressed from a fresh context: it inflates on its own");
            }
            JsonObject own = ann.expect("message");
            assertEquals("a1", own.getString("ref"));
            ann.send("{\"type\":\"ping\",\"ref\":\"p1\"}");
            assertEquals("p1", ann.expect("pong").getString("ref"));
            if (tomcat) { // Tomcat's own path would compress it too: these frames are Switchboard's (TomcatFrames)
                assertEquals(0, ann.lastRsv, "a message that would not get shorter goes plain");
            }
            bob.send("{\"type\":\"say\",\"room\":\"" + room + "\",\"text\":\"" + text + "!\"}");
            assertEquals(text + "!", ann.expect("message").getString("text"), "inflated with the context kept");
            assertEquals(text + "!", carl.expect("message").getString("text"));
        }
    }

    @Test
    void aDeflateBombClosesWith1009AndCostsTheOthersNothing() throws Exception {
        String room = "bomb-" + System.nanoTime();
        try (Peer bob = Peer.open(url, "bob", null); Peer mallory = Peer.open(url, "mallory", OFFER)) {
            bob.expect("welcome");
            bob.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
            bob.expect("joined");
            // where nothing was negotiated, a small frame (its payload read whole before the close: no TCP reset)
            byte[] bomb = mallory.compressed ? bomb(16 << 20) : Scenarios.deflated("{\"type\":\"ping\"}");
            assertTrue(bomb.length < 20_000, "a small frame: " + bomb.length);
            mallory.socket.send(RawWebSocket.frame(RawWebSocket.OP_TEXT).rsv(RSV1).payload(bomb));
            assertEquals(mallory.compressed ? 1009 : 1002, mallory.socket.awaitClose(T).code(),
                    mallory.compressed ? "larger than maxMessageBytes once inflated" : "RSV1 without an extension");
            bob.send("{\"type\":\"say\",\"room\":\"" + room + "\",\"text\":\"still here\"}");
            assertEquals("still here", bob.expect("message").getString("text"));
        }
    }

    /** A say whose text is {@code bytes} of 'a' (whole MiB), deflated as one message (the trailing 00 00 ff ff removed). */
    private static byte[] bomb(int bytes) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[65_536];
        byte[] chunk = new byte[1 << 20];
        Arrays.fill(chunk, (byte) 'a');
        feed(deflater, "{\"type\":\"say\",\"room\":\"x\",\"text\":\"".getBytes(StandardCharsets.US_ASCII), buf, out);
        for (int sent = 0; sent < bytes; sent += chunk.length) {
            feed(deflater, chunk, buf, out);
        }
        feed(deflater, "\"}".getBytes(StandardCharsets.US_ASCII), buf, out);
        int n;
        do {
            n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            out.write(buf, 0, n);
        } while (n == buf.length);
        deflater.end();
        byte[] all = out.toByteArray();
        return Arrays.copyOf(all, all.length - 4);
    }

    private static void feed(Deflater deflater, byte[] input, byte[] buf, ByteArrayOutputStream out) {
        deflater.setInput(input);
        while (!deflater.needsInput()) {
            out.write(buf, 0, deflater.deflate(buf));
        }
    }

    /**
     * One client that offers permessage-deflate (or not), and keeps one compression context each way as a browser
     * does: what it sends is compressed when the extension was negotiated, what comes with RSV1 is inflated.
     */
    private static final class Peer implements AutoCloseable {
        final RawWebSocket socket;
        final boolean compressed;
        private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        private final Inflating inflating = new Inflating();
        /** The last data frame {@link #expect} read: its RSV bits and payload as they came. */
        int lastRsv;
        byte[] lastPayload;

        private Peer(RawWebSocket socket) {
            this.socket = socket;
            String extensions = socket.handshake().extensions();
            this.compressed = extensions != null && extensions.startsWith("permessage-deflate");
        }

        static Peer open(URL url, String name, String offer) throws IOException {
            URI base = Deployments.base(url);
            URI chat = URI.create(Scenarios.ws(base, "ws/chat") + "?name=" + name + System.nanoTime());
            Map<String, String> headers = offer == null ? Map.of("Origin", Scenarios.origin(base))
                    : Map.of("Origin", Scenarios.origin(base), "Sec-WebSocket-Extensions", offer);
            return new Peer(RawWebSocket.connect(chat, headers, T).open());
        }

        void send(String json) throws IOException {
            byte[] plain = json.getBytes(StandardCharsets.UTF_8);
            if (!compressed) {
                socket.sendTextBytes(plain);
                return;
            }
            byte[] buf = new byte[plain.length + 1024];
            deflater.setInput(plain);
            int n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            socket.send(RawWebSocket.frame(RawWebSocket.OP_TEXT).rsv(RSV1).payload(Arrays.copyOf(buf, n - 4)));
        }

        /** The next object of this type (others skipped); compressed frames inflated. */
        JsonObject expect(String type) throws Exception {
            long deadline = System.nanoTime() + T.toNanos();
            while (System.nanoTime() < deadline) {
                RawFrame frame = socket.nextFrame(Duration.ofNanos(deadline - System.nanoTime()));
                assertNotNull(frame, "waiting for " + type + ": " + socket.endKind());
                if (frame.isControl()) {
                    continue;
                }
                assertTrue(frame.fin(), "whole frames: " + frame);
                // compressed only where negotiated; there a message that would not shrink may go plain (RFC 7692 6)
                assertEquals(0, compressed ? frame.rsv() & ~RSV1 : frame.rsv(), "RSV1 only where negotiated");
                String text = frame.rsv() == RSV1 ? inflating.inflate(frame.payload()) : frame.text();
                lastRsv = frame.rsv();
                lastPayload = frame.payload();
                for (String line : text.split("\n")) {
                    JsonObject o = Scenarios.json(line);
                    if (o.getString("type").equals(type)) {
                        return o;
                    }
                }
            }
            throw new AssertionError("no " + type + " within " + T);
        }

        @Override
        public void close() {
            socket.close();
            deflater.end();
            inflating.close();
        }
    }
}

package switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hostile fault's client ({@link RawWs}, {@link Hostile}) against a server that answers as docs/protocol.md says. */
class HostileTest {
    /** Closes as documented (1003, 1007, 1009 past 1000 bytes, 1008 past 250 pings, bad_json); {@code binaryCode} is what a binary frame gets. */
    static final class FakeServer implements AutoCloseable {
        final ServerSocket ss;
        volatile int binaryCode = 1003;

        FakeServer() throws IOException {
            ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!ss.isClosed()) {
                    try {
                        Socket s = ss.accept();
                        Thread c = new Thread(() -> serve(s));
                        c.setDaemon(true);
                        c.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                StringBuilder head = new StringBuilder();
                while (!head.toString().endsWith("\r\n\r\n")) head.append((char) in.read());
                String key = head.toString().replaceAll("(?s).*Sec-WebSocket-Key: ([^\r]+)\r.*", "$1");
                String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest((key + Loop.GUID).getBytes(StandardCharsets.US_ASCII)));
                out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                send(out, 1, "{\"type\":\"welcome\",\"user\":\"h\",\"limits\":{\"maxMessageBytes\":1000,\"maxTextChars\":400}}".getBytes(StandardCharsets.UTF_8));
                ByteArrayOutputStream msg = new ByteArrayOutputStream();
                int pings = 0;
                while (true) {
                    int b0 = in.read(), b1 = in.read();
                    if (b0 < 0 || b1 < 0) return;
                    long n = b1 & 0x7f;
                    if (n == 126) n = (in.read() << 8) | in.read();
                    else if (n == 127) { n = 0; for (int i = 0; i < 8; i++) n = (n << 8) | in.read(); }
                    byte[] mask = in.readNBytes(4), p = in.readNBytes((int) n);
                    for (int i = 0; i < p.length; i++) p[i] ^= mask[i & 3];
                    int op = b0 & 0x0f;
                    if (op == 8) { send(out, 8, p); return; }
                    if (op == 2) { close(in, out, binaryCode); return; }
                    msg.write(p);
                    if (msg.size() > 1000) { close(in, out, 1009); return; }
                    if ((b0 & 0x80) == 0) continue;
                    byte[] m = msg.toByteArray();
                    msg.reset();
                    try {
                        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(m));
                    } catch (CharacterCodingException e) {
                        close(in, out, 1007);
                        return;
                    }
                    String text = new String(m, StandardCharsets.UTF_8);
                    if (text.contains("\"ping\"")) {
                        if (++pings > 250) { close(in, out, 1008); return; }
                        send(out, 1, (pings > 200 ? "{\"type\":\"error\",\"code\":\"rate_limited\"}" : "{\"type\":\"pong\"}").getBytes(StandardCharsets.UTF_8));
                    } else {
                        send(out, 1, "{\"type\":\"error\",\"code\":\"bad_json\",\"message\":\"x\"}".getBytes(StandardCharsets.UTF_8));
                    }
                }
            } catch (Exception e) {
                // the client went away
            }
        }

        /** Sends the close, then reads (dropping) until the client's close or the end, as a server does. */
        private static void close(InputStream in, OutputStream out, int code) throws IOException {
            send(out, 8, new byte[] {(byte) (code >> 8), (byte) code});
            s:
            while (true) {
                int b0 = in.read(), b1 = in.read();
                if (b0 < 0 || b1 < 0) break s;
                long n = b1 & 0x7f;
                if (n == 126) n = (in.read() << 8) | in.read();
                else if (n == 127) { n = 0; for (int i = 0; i < 8; i++) n = (n << 8) | in.read(); }
                in.readNBytes((int) n + 4);
                if ((b0 & 0x0f) == 8) break;
            }
        }

        private static void send(OutputStream out, int op, byte[] p) throws IOException {
            out.write(0x80 | op);
            if (p.length < 126) out.write(p.length);
            else { out.write(126); out.write(p.length >> 8); out.write(p.length & 0xff); }
            out.write(p);
            out.flush();
        }

        Bench bench() {
            Bench b = new Bench(URI.create("ws://127.0.0.1:" + ss.getLocalPort()), new InetAddress[0], 20, "t");
            b.secondNode(URI.create("ws://127.0.0.1:" + ss.getLocalPort() + "/switchboard"));
            return b;
        }

        @Override
        public void close() throws IOException {
            ss.close();
        }
    }

    @Test
    void everyKindGetsItsDocumentedAnswerOnBothNodes() throws Exception {
        try (FakeServer srv = new FakeServer()) {
            List<Hostile.Outcome> got = new Hostile(srv.bench(), "secret").run(2, 0.2);
            assertEquals(20, got.size());
            for (Hostile.Outcome o : got) assertTrue(o.ok(), o.toString());
            assertTrue(got.stream().anyMatch(o -> o.kind() == Hostile.Kind.FLOOD && o.detail().contains("50 errors rate_limited")), got.toString());
            assertEquals("A binary: 2 x close 1003", Hostile.summarize(got).get(0));
        }
    }

    @Test
    void anotherCodeIsAFinding() throws Exception {
        try (FakeServer srv = new FakeServer()) {
            srv.binaryCode = 1000;
            List<Hostile.Outcome> got = new Hostile(srv.bench(), "").run(1, 0);
            for (Hostile.Outcome o : got) assertEquals(o.kind() != Hostile.Kind.BINARY, o.ok(), o.toString());
            assertFalse(got.isEmpty());
            assertEquals("A binary: 1 x close 1000 (FINDING)", Hostile.summarize(got).get(0));
        }
    }
}

package switchboard.bench;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A minimal blocking WebSocket client (RFC 6455) for the soak's hostile connections: it writes any frame a client
 * may send (masked, any opcode, fragmented or not, any bytes: also invalid UTF-8) and reads the server's frames one
 * at a time, with a deadline. The handshake is the one {@link Loop} sends. Not for load: one thread per connection.
 */
final class RawWs implements Closeable {
    static final int OP_CONT = 0x0, OP_TEXT = 0x1, OP_BINARY = 0x2, OP_CLOSE = 0x8, OP_PING = 0x9, OP_PONG = 0xA;
    /** Pseudo opcodes of {@link #next}: the server ended the TCP connection; nothing arrived in time. */
    static final int EOF = -1, TIMEOUT = -2;
    private static final int MAX_FRAME = 1 << 20; // the server's frames here are small: welcome, pong, error, close

    /** A whole frame from the server (unmasked), or {@link #EOF} / {@link #TIMEOUT} with an empty payload. */
    record Frame(int op, boolean fin, byte[] payload) {
        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private byte[] buf = new byte[8192];
    private int len;

    private RawWs(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects to {@code addr} and upgrades {@code path} (with its query); throws when the answer is not a 101 with the right accept. */
    static RawWs open(InetSocketAddress addr, String host, String path, int timeoutMs) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(addr, timeoutMs);
            RawWs ws = new RawWs(s);
            ws.handshake(host, path, timeoutMs);
            return ws;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void handshake(String host, String path, int timeoutMs) throws IOException {
        byte[] k = new byte[16];
        ThreadLocalRandom.current().nextBytes(k);
        String key = Base64.getEncoder().encodeToString(k);
        String req = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: switchboard.v1\r\n\r\n";
        out.write(req.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        int end;
        while ((end = headEnd()) < 0) {
            if (len > 16384) throw new IOException("handshake response too long");
            if (!fill(deadline)) throw new IOException("no handshake response within " + timeoutMs + " ms (read " + len + " bytes)");
            if (len < 0) throw new IOException("connection closed during the handshake");
        }
        String head = new String(buf, 0, end, StandardCharsets.ISO_8859_1);
        String accept = null;
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Sec-WebSocket-Accept")) accept = line.substring(colon + 1).trim();
        }
        String expect = Base64.getEncoder().encodeToString(sha1((key + Loop.GUID).getBytes(StandardCharsets.US_ASCII)));
        if (!head.startsWith("HTTP/1.1 101") || !expect.equals(accept))
            throw new IOException("upgrade refused: " + head.substring(0, Math.min(head.length(), 60)).replace("\r\n", " | "));
        consume(end);
    }

    private int headEnd() {
        for (int i = 3; i < len; i++) if (buf[i] == '\n' && buf[i - 1] == '\r' && buf[i - 2] == '\n' && buf[i - 3] == '\r') return i + 1;
        return -1;
    }

    /** Sends one masked frame. */
    void send(int op, boolean fin, byte[] p) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream(p.length + 14);
        f.write((fin ? 0x80 : 0) | op);
        if (p.length < 126) f.write(0x80 | p.length);
        else if (p.length < 65536) { f.write(0x80 | 126); f.write(p.length >> 8); f.write(p.length & 0xff); }
        else { f.write(0x80 | 127); for (int s = 56; s >= 0; s -= 8) f.write((int) ((long) p.length >>> s) & 0xff); }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        f.write(mask, 0, 4);
        byte[] masked = new byte[p.length];
        for (int i = 0; i < p.length; i++) masked[i] = (byte) (p[i] ^ mask[i & 3]);
        f.write(masked, 0, masked.length);
        out.write(f.toByteArray());
        out.flush();
    }

    void sendText(String s) throws IOException {
        send(OP_TEXT, true, s.getBytes(StandardCharsets.UTF_8));
    }

    /** A close frame with {@code code} (the client's half of the closing handshake). */
    void sendClose(int code) throws IOException {
        send(OP_CLOSE, true, new byte[] {(byte) (code >> 8), (byte) code});
    }

    /** The next whole frame, {@link #EOF} when the server ended the connection, {@link #TIMEOUT} when nothing came by {@code deadline} (nanoTime). */
    Frame next(long deadline) throws IOException {
        while (true) {
            Frame f = parse();
            if (f != null) return f;
            try {
                if (!fill(deadline)) return new Frame(TIMEOUT, true, new byte[0]);
            } catch (SocketTimeoutException e) {
                return new Frame(TIMEOUT, true, new byte[0]);
            } catch (IOException e) { // reset by the server: as good as an end without a close frame
                return new Frame(EOF, true, new byte[0]);
            }
            if (len < 0) { len = 0; return new Frame(EOF, true, new byte[0]); }
        }
    }

    /** A frame parsed from the buffer, or null while it is incomplete. */
    private Frame parse() throws IOException {
        if (len < 2) return null;
        int b0 = buf[0] & 0xff, b1 = buf[1] & 0xff, h = 2;
        if ((b1 & 0x80) != 0) throw new IOException("masked frame from the server");
        long n = b1 & 0x7f;
        if (n == 126) {
            if (len < 4) return null;
            n = ((buf[2] & 0xff) << 8) | (buf[3] & 0xff);
            h = 4;
        } else if (n == 127) {
            if (len < 10) return null;
            n = 0;
            for (int i = 2; i < 10; i++) n = (n << 8) | (buf[i] & 0xff);
            h = 10;
        }
        if (n > MAX_FRAME) throw new IOException("server frame of " + n + " bytes");
        if (len < h + n) return null;
        byte[] p = java.util.Arrays.copyOfRange(buf, h, h + (int) n);
        consume(h + (int) n);
        return new Frame(b0 & 0x0f, (b0 & 0x80) != 0, p);
    }

    /** Reads what is there (waiting until {@code deadline}); false when the time ran out; len = -1 at the end of the stream. */
    private boolean fill(long deadline) throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) return false;
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
        if (buf.length - len < 4096) buf = java.util.Arrays.copyOf(buf, buf.length * 2);
        int r;
        try {
            r = in.read(buf, len, buf.length - len);
        } catch (SocketTimeoutException e) {
            return false;
        }
        if (r < 0) { len = -1; return true; }
        len += r;
        return true;
    }

    private void consume(int n) {
        System.arraycopy(buf, n, buf, 0, len - n);
        len -= n;
    }

    private static byte[] sha1(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try { socket.close(); } catch (IOException ignored) { }
    }
}

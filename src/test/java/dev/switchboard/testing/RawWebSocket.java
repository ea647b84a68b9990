package dev.switchboard.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * A WebSocket client on a plain {@link Socket}, for tests that must send what browsers cannot:
 * unmasked frames, bogus opcodes, invalid UTF-8, declared-huge lengths, half frames followed by a TCP
 * reset, pings and pongs, close frames with any code.
 *
 * <p>Opening is two steps so that a refused handshake is an ordinary result, not an exception:
 * <pre>{@code
 * RawHandshake hs = RawWebSocket.connect(uri, Map.of("Origin", "https://evil.example"), Duration.ofSeconds(5));
 * assertEquals(403, hs.status());
 * try (RawWebSocket ws = RawWebSocket.connect(uri, Map.of(), Duration.ofSeconds(5)).open()) {
 *     ws.sendText("{\"type\":\"ping\"}");
 *     List<String> objects = ws.awaitText(Duration.ofSeconds(5)); // one server frame, split on '\n'
 *     CloseResult c = ws.awaitClose(Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * <p>A daemon reader thread reads every server frame into a queue as soon as it arrives and, by default,
 * answers pings with pongs at once (see {@link RawOptions#autoPong}) and answers a close frame with a close
 * frame (see {@link RawOptions#autoCloseReply}). {@link #pauseReading()} stops the reader after the frame
 * in flight, so the server's writes back up (slow-consumer tests). One reader and any number of writer
 * threads may use one instance: frame writes are serialised.
 *
 * <p>Only the JDK is used. Server frames with RSV bits are reported as they are (no extension is ever
 * negotiated unless the test adds a {@code Sec-WebSocket-Extensions} header itself).
 */
public final class RawWebSocket implements AutoCloseable {

    public static final int OP_CONTINUATION = 0x0;
    public static final int OP_TEXT = 0x1;
    public static final int OP_BINARY = 0x2;
    public static final int OP_CLOSE = 0x8;
    public static final int OP_PING = 0x9;
    public static final int OP_PONG = 0xA;

    static final SecureRandom RANDOM = new SecureRandom();

    // ------------------------------------------------------------------------------------------------
    // Handshake ({@link RawHandshake})
    // ------------------------------------------------------------------------------------------------

    /**
     * Opens a TCP connection and performs the opening handshake ({@link RawHandshake#connect}).
     *
     * @param extraHeaders added to the request (e.g. {@code Origin}, {@code Sec-WebSocket-Protocol},
     *                     {@code Authorization}); a name equal (ignoring case) to one of the default
     *                     headers replaces it, and a {@code null} value removes it
     * @param timeout bounds the TCP connect and the reading of the response head, separately
     * @return the handshake result; {@link RawHandshake#open()} gives the connection when status is 101
     */
    public static RawHandshake connect(URI uri, Map<String, String> extraHeaders, Duration timeout) throws IOException {
        return RawHandshake.connect(uri, extraHeaders, timeout);
    }

    public static RawHandshake connect(URI uri, Map<String, String> extraHeaders, Duration timeout, RawOptions options)
            throws IOException {
        return RawHandshake.connect(uri, extraHeaders, timeout, options);
    }

    /** Connects and opens, failing with an {@link IOException} when the handshake is refused. */
    public static RawWebSocket open(URI uri, Duration timeout) throws IOException {
        return connect(uri, Map.of(), timeout).open();
    }

    // ------------------------------------------------------------------------------------------------
    // Messages and ends (frames: RawFrame; closes: CloseResult)
    // ------------------------------------------------------------------------------------------------

    /** A complete (reassembled) data message. */
    public record Message(int opcode, byte[] payload, int frames) {
        public boolean isText() { return opcode == OP_TEXT; }
        public String text() { return new String(payload, StandardCharsets.UTF_8); }
        @Override
        public String toString() {
            return "Message[" + opcodeName(opcode) + " " + (isText() ? abbreviate(text()) : payload.length + " bytes")
                    + (frames > 1 ? " in " + frames + " frames" : "") + "]";
        }
    }

    /** How the connection ended (or didn't, within the wait). */
    public enum EndKind {
        /** a close frame arrived from the server */
        CLOSE_FRAME,
        /** the TCP stream ended (FIN) without a close frame */
        EOF,
        /** the TCP connection was reset (RST) without a close frame */
        RESET,
        /** the client side closed or reset its own socket */
        LOCAL,
        /** the server sent something this client cannot parse (e.g. a length over maxFramePayload) */
        PROTOCOL_ERROR,
        /** nothing ended within the wait */
        TIMEOUT
    }

    // ------------------------------------------------------------------------------------------------
    // Connection state
    // ------------------------------------------------------------------------------------------------

    private final URI uri;
    private final Socket socket;
    private final OutputStream out;
    private final RawHandshake handshake;
    private final RawOptions options;
    private final Object writeLock = new Object();
    private final RawInbox inbox;
    private final RawFrameReader reader;
    private volatile boolean closeSent;
    private volatile boolean localEnd;

    RawWebSocket(URI uri, Socket socket, InputStream in, RawHandshake handshake, RawOptions options)
            throws IOException {
        this.uri = uri;
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.handshake = handshake;
        this.options = options;
        this.inbox = new RawInbox(uri);
        this.reader = new RawFrameReader(this, in, inbox);
        this.reader.start();
    }

    public URI uri() { return uri; }
    public RawHandshake handshake() { return handshake; }
    public Socket socket() { return socket; }
    RawOptions options() { return options; }
    /** Server pings seen so far. */
    public int pingsReceived() { return reader.pingsReceived(); }
    /** Pongs sent automatically in answer to pings. */
    public int pongsSent() { return reader.pongsSent(); }
    /** True while no close frame was received, the TCP connection did not end and the client did not close. */
    public boolean isOpen() {
        return inbox.endKind() == null && inbox.closeFrame() == null && !localEnd && !socket.isClosed();
    }
    boolean closeSent() { return closeSent; }
    boolean localEnd() { return localEnd; }

    // ------------------------------------------------------------------------------------------------
    // Sending
    // ------------------------------------------------------------------------------------------------

    /** Sends a text message in one masked frame. */
    public void sendText(String text) throws IOException {
        sendRaw(frame(OP_TEXT).payload(text).encode());
    }

    /**
     * Sends a text message split into {@code fragments} frames (text, continuation..., FIN on the last).
     * The split is by bytes, so a fragment may end inside a UTF-8 sequence, as the RFC allows.
     */
    public void sendText(String text, int fragments) throws IOException {
        sendFragmented(OP_TEXT, text.getBytes(StandardCharsets.UTF_8), fragments);
    }

    public void sendBinary(byte[] data) throws IOException {
        sendRaw(frame(OP_BINARY).payload(data).encode());
    }

    public void sendBinary(byte[] data, int fragments) throws IOException {
        sendFragmented(OP_BINARY, data, fragments);
    }

    /** Sends a text frame whose payload is the given bytes, e.g. invalid UTF-8. */
    public void sendTextBytes(byte[] payload) throws IOException {
        sendRaw(frame(OP_TEXT).payload(payload).encode());
    }

    public void sendPing(byte[] payload) throws IOException {
        sendRaw(frame(OP_PING).payload(payload).encode());
    }

    public void sendPong(byte[] payload) throws IOException {
        sendRaw(frame(OP_PONG).payload(payload).encode());
    }

    /** Sends a close frame with a code and reason (the reason is not truncated: over-long ones test the server). */
    public void sendClose(int code, String reason) throws IOException {
        byte[] r = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        closeSent = true;
        sendRaw(frame(OP_CLOSE).payload(p).encode());
    }

    /** Sends a close frame with no status code. */
    public void sendCloseEmpty() throws IOException {
        closeSent = true;
        sendRaw(frame(OP_CLOSE).encode());
    }

    /** Writes bytes as they are, e.g. {@code frame(0x3).encode()} or a hand-made frame. */
    public void sendRaw(byte[] bytes) throws IOException {
        synchronized (writeLock) {
            out.write(bytes);
            out.flush();
        }
    }

    /** Writes the encoded frame. */
    public void send(RawFrameBuilder frame) throws IOException {
        sendRaw(frame.encode());
    }

    private void sendFragmented(int opcode, byte[] data, int fragments) throws IOException {
        if (fragments < 1) {
            throw new IllegalArgumentException("fragments >= 1");
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int n = fragments; // more fragments than bytes gives empty fragments, which the RFC allows
        int pos = 0;
        for (int i = 0; i < n; i++) {
            int len = (data.length - pos) / (n - i);
            byte[] part = Arrays.copyOfRange(data, pos, pos + len);
            pos += len;
            all.write(frame(i == 0 ? opcode : OP_CONTINUATION).fin(i == n - 1).payload(part).encode());
        }
        sendRaw(all.toByteArray());
    }

    /**
     * Closes the socket with SO_LINGER 0, which makes the OS send a TCP RST instead of a FIN.
     */
    public void resetAbruptly() {
        resetAbruptly(null);
    }

    /**
     * Writes {@code bytesFirst} (e.g. {@link RawFrameBuilder#encodeHalf()}) and then resets the connection.
     */
    public void resetAbruptly(byte[] bytesFirst) {
        localEnd = true;
        try {
            if (bytesFirst != null && bytesFirst.length > 0) {
                synchronized (writeLock) {
                    out.write(bytesFirst);
                    out.flush();
                }
            }
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // the point is to end it abruptly
        }
        closeQuietly(socket);
        reader.join();
    }

    /** Sends close 1000 (when no close was sent yet) and closes the socket without waiting. */
    @Override
    public void close() {
        if (!localEnd) {
            localEnd = true;
            if (!closeSent && inbox.endKind() == null) {
                try {
                    sendClose(1000, "");
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            closeQuietly(socket);
        }
        reader.join();
    }

    /**
     * Sends close with the given code, waits for the server's close frame and the end of the TCP connection.
     */
    public CloseResult closeGracefully(int code, Duration timeout) throws IOException, InterruptedException {
        sendClose(code, "");
        return awaitClose(timeout);
    }

    // ------------------------------------------------------------------------------------------------
    // Receiving
    // ------------------------------------------------------------------------------------------------

    /** Stops reading from the socket after the frame in flight, so the server's sends back up. */
    public void pauseReading() {
        reader.pause();
    }

    public void resumeReading() {
        reader.resume();
    }

    /**
     * The next frame of any kind, including pings, pongs and continuation frames.
     *
     * @return the frame, or null when none arrived within the timeout or the connection ended
     *         (see {@link #endKind()})
     */
    public RawFrame nextFrame(Duration timeout) throws InterruptedException {
        return inbox.nextFrame(timeout);
    }

    /** How the connection ended as seen by the reader so far, or null while it is still being read. */
    public EndKind endKind() {
        return inbox.endKind();
    }

    /**
     * The next complete data message (fragments reassembled); pings and pongs are skipped.
     *
     * @throws ConnectionEndedException when a close frame arrives or the connection ends first
     * @throws IOException when nothing arrives in time
     */
    public Message awaitMessage(Duration timeout) throws IOException, InterruptedException {
        return inbox.awaitMessage(timeout);
    }

    /**
     * The JSON objects of the next server text message: the message split on {@code '\n'} (a server frame
     * may carry several objects), empty lines dropped. Lines left over by {@link #awaitLine} come first.
     *
     * @throws IOException when a binary message arrives instead, nothing arrives in time, or the
     *                     connection ends ({@link ConnectionEndedException}, carrying the close code)
     */
    public List<String> awaitText(Duration timeout) throws IOException, InterruptedException {
        return inbox.awaitText(timeout);
    }

    /** The next single JSON object (line) from the server, buffering the rest of a multi-object frame. */
    public String awaitLine(Duration timeout) throws IOException, InterruptedException {
        return inbox.awaitLine(timeout);
    }

    /**
     * Waits for the end of the connection, skipping data frames (returned in {@code skipped}). When a
     * close frame arrives (answered with a close frame unless {@link RawOptions#autoCloseReply} is off),
     * it then waits, within the same timeout, for the server to end the TCP connection.
     */
    public CloseResult awaitClose(Duration timeout) throws InterruptedException {
        return inbox.awaitClose(timeout);
    }

    // ------------------------------------------------------------------------------------------------
    // RawFrame builder ({@link RawFrameBuilder})
    // ------------------------------------------------------------------------------------------------

    /** Starts a client frame: masked, FIN set, empty payload, random mask key. */
    public static RawFrameBuilder frame(int opcode) {
        return new RawFrameBuilder(opcode);
    }

    // ------------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------------

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    static String opcodeName(int op) {
        return switch (op) {
            case OP_CONTINUATION -> "CONT";
            case OP_TEXT -> "TEXT";
            case OP_BINARY -> "BINARY";
            case OP_CLOSE -> "CLOSE";
            case OP_PING -> "PING";
            case OP_PONG -> "PONG";
            default -> "OP" + op;
        };
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? '"' + s + '"' : '"' + s.substring(0, 77) + "...\" (" + s.length() + " chars)";
    }

    @Override
    public String toString() {
        return "RawWebSocket[" + uri + (isOpen() ? " open" : " ended " + endKind()) + "]";
    }

    /** Convenience for tests that cannot throw checked exceptions. */
    public static RawWebSocket openUnchecked(URI uri, Duration timeout) {
        try {
            return open(uri, timeout);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

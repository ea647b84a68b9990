package dev.switchboard.testing;


import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 *     RawWebSocket.CloseResult c = ws.awaitClose(Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * <p>A daemon reader thread reads every server frame into a queue as soon as it arrives and, by default,
 * answers pings with pongs at once (see {@link Options#autoPong}) and answers a close frame with a close
 * frame (see {@link Options#autoCloseReply}). {@link #pauseReading()} stops the reader after the frame
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
    private static final AtomicInteger THREADS = new AtomicInteger();

    // ------------------------------------------------------------------------------------------------
    // Options
    // ------------------------------------------------------------------------------------------------

    /**
     * Connection options; immutable, use the {@code with...} methods.
     *
     * @param autoPong answer every server ping with a pong carrying the same payload (default true;
     *                 switch off for heartbeat-timeout tests)
     * @param autoCloseReply answer a server close frame with a close frame echoing its code (default true)
     * @param maxFramePayload largest server frame payload accepted; a bigger declared length ends the
     *                        connection with {@link EndKind#PROTOCOL_ERROR} (default 64 MiB)
     * @param receiveBufferBytes SO_RCVBUF set before connecting, 0 = OS default (small values make
     *                           slow-consumer tests fill up sooner)
     * @param socketFactory used for {@code ws:}; {@code wss:} uses {@link SSLSocketFactory#getDefault()}
     *                      unless this is an {@link SSLSocketFactory}
     * @param keepRefused keep the TCP connection of a refused handshake open, so that
     *                    {@link RawHandshake#openIgnoringStatus()} can test whether the server really refused
     *                    (default false: a refused handshake's socket is closed at once)
     */
    public record Options(boolean autoPong, boolean autoCloseReply, int maxFramePayload,
                          int receiveBufferBytes, SocketFactory socketFactory, boolean keepRefused) {
        public static Options defaults() {
            return new Options(true, true, 64 << 20, 0, null, false);
        }
        public Options withAutoPong(boolean on) {
            return new Options(on, autoCloseReply, maxFramePayload, receiveBufferBytes, socketFactory, keepRefused);
        }
        public Options withAutoCloseReply(boolean on) {
            return new Options(autoPong, on, maxFramePayload, receiveBufferBytes, socketFactory, keepRefused);
        }
        public Options withMaxFramePayload(int bytes) {
            return new Options(autoPong, autoCloseReply, bytes, receiveBufferBytes, socketFactory, keepRefused);
        }
        public Options withReceiveBufferBytes(int bytes) {
            return new Options(autoPong, autoCloseReply, maxFramePayload, bytes, socketFactory, keepRefused);
        }
        public Options withSocketFactory(SocketFactory f) {
            return new Options(autoPong, autoCloseReply, maxFramePayload, receiveBufferBytes, f, keepRefused);
        }
        public Options withKeepRefused(boolean on) {
            return new Options(autoPong, autoCloseReply, maxFramePayload, receiveBufferBytes, socketFactory, on);
        }
    }

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

    public static RawHandshake connect(URI uri, Map<String, String> extraHeaders, Duration timeout, Options options)
            throws IOException {
        return RawHandshake.connect(uri, extraHeaders, timeout, options);
    }

    /** Connects and opens, failing with an {@link IOException} when the handshake is refused. */
    public static RawWebSocket open(URI uri, Duration timeout) throws IOException {
        return connect(uri, Map.of(), timeout).open();
    }

    // ------------------------------------------------------------------------------------------------
    // Frames, messages, events
    // ------------------------------------------------------------------------------------------------

    /** One frame as read from the server. {@code rsv} holds RSV1..RSV3 as bits 4,2,1. */
    public record Frame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) {
        public boolean isControl() { return (opcode & 0x8) != 0; }
        public String text() { return new String(payload, StandardCharsets.UTF_8); }
        /** For close frames: the status code, or 1005 when the frame has none. */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }
        public String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }
        @Override
        public String toString() {
            String p = opcode == OP_TEXT || opcode == OP_CONTINUATION
                    ? abbreviate(text()) : opcode == OP_CLOSE ? closeCode() + " " + closeReason() : payload.length + " bytes";
            return "Frame[" + opcodeName(opcode) + (fin ? "" : " !fin") + (rsv != 0 ? " rsv=" + rsv : "")
                    + (masked ? " masked" : "") + " " + p + "]";
        }
    }

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

    /**
     * The outcome of {@link #awaitClose}.
     *
     * @param kind what happened
     * @param code close code of the server's close frame (1005 when it had no code, -1 without a frame)
     * @param reason close reason of the server's close frame; without one, what ended the connection (e.g.
     *               "end of stream inside a frame": the server stopped in the middle of a frame)
     * @param tcpAfterClose for {@code CLOSE_FRAME}: how the TCP connection then ended within the wait
     *                      ({@code EOF}, {@code RESET}, or {@code TIMEOUT} when the server kept it open)
     * @param skipped data messages and frames that arrived before the close and were skipped
     */
    public record CloseResult(EndKind kind, int code, String reason, EndKind tcpAfterClose, List<Object> skipped) {
        /** A close frame arrived. */
        public boolean closeFrame() { return kind == EndKind.CLOSE_FRAME; }
        @Override
        public String toString() {
            return kind == EndKind.CLOSE_FRAME
                    ? "CloseResult[close frame " + code + (reason.isEmpty() ? "" : " \"" + reason + "\"")
                      + ", then TCP " + tcpAfterClose + (skipped.isEmpty() ? "" : ", skipped " + skipped) + "]"
                    : "CloseResult[" + kind + " without close frame" + (reason.isEmpty() ? "" : " (" + reason + ")")
                      + (skipped.isEmpty() ? "" : ", skipped " + skipped) + "]";
        }
    }

    /** Thrown by the await methods when the connection ended instead of delivering a message. */
    public static final class ConnectionEndedException extends IOException {
        private final transient CloseResult close;
        ConnectionEndedException(String what, CloseResult close) {
            super(what + ": connection ended: " + close);
            this.close = close;
        }
        public CloseResult close() { return close; }
    }

    private sealed interface Event permits FrameEvent, EndEvent {}
    private record FrameEvent(Frame frame) implements Event {}
    private record EndEvent(EndKind kind, Exception cause) implements Event {}

    // ------------------------------------------------------------------------------------------------
    // Connection state
    // ------------------------------------------------------------------------------------------------

    private final URI uri;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final RawHandshake handshake;
    private final Options options;
    private final Object writeLock = new Object();
    private final Object readGate = new Object();
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final ArrayDeque<String> pendingLines = new ArrayDeque<>();
    private final Thread reader;
    private volatile boolean paused;
    private volatile boolean closeSent;
    private volatile boolean closeReceived;
    private volatile boolean localEnd;
    private final AtomicInteger pingsReceived = new AtomicInteger();
    private final AtomicInteger pongsSent = new AtomicInteger();
    private volatile EndEvent end;             // sticky: set once the reader has seen the end
    private volatile Frame closeFrame;         // the server's close frame, once seen

    RawWebSocket(URI uri, Socket socket, InputStream in, RawHandshake handshake, Options options)
            throws IOException {
        this.uri = uri;
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.handshake = handshake;
        this.options = options;
        this.reader = new Thread(this::readLoop, "raw-ws-reader-" + THREADS.incrementAndGet());
        this.reader.setDaemon(true);
        this.reader.start();
    }

    public URI uri() { return uri; }
    public RawHandshake handshake() { return handshake; }
    public Socket socket() { return socket; }
    /** Server pings seen so far. */
    public int pingsReceived() { return pingsReceived.get(); }
    /** Pongs sent automatically in answer to pings. */
    public int pongsSent() { return pongsSent.get(); }
    /** True while no close frame was received, the TCP connection did not end and the client did not close. */
    public boolean isOpen() { return end == null && !closeReceived && !localEnd && !socket.isClosed(); }

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
        joinReader();
    }

    /** Sends close 1000 (when no close was sent yet) and closes the socket without waiting. */
    @Override
    public void close() {
        if (!localEnd) {
            localEnd = true;
            if (!closeSent && end == null) {
                try {
                    sendClose(1000, "");
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            closeQuietly(socket);
        }
        joinReader();
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
        paused = true;
    }

    public void resumeReading() {
        synchronized (readGate) {
            paused = false;
            readGate.notifyAll();
        }
    }

    /**
     * The next frame of any kind, including pings, pongs and continuation frames.
     *
     * @return the frame, or null when none arrived within the timeout or the connection ended
     *         (see {@link #endKind()})
     */
    public Frame nextFrame(Duration timeout) throws InterruptedException {
        Event e = poll(timeout);
        return e instanceof FrameEvent f ? f.frame() : null;
    }

    /** How the connection ended as seen by the reader so far, or null while it is still being read. */
    public EndKind endKind() {
        EndEvent e = end;
        return e == null ? null : e.kind();
    }

    /**
     * The next complete data message (fragments reassembled); pings and pongs are skipped.
     *
     * @throws ConnectionEndedException when a close frame arrives or the connection ends first
     * @throws IOException when nothing arrives in time
     */
    public Message awaitMessage(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteArrayOutputStream buf = null;
        int opcode = -1;
        int frames = 0;
        List<Object> skipped = new ArrayList<>();
        while (true) {
            Event e = poll(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (e == null) {
                throw new IOException("no message from " + uri + " within " + timeout
                        + (frames > 0 ? " (got " + frames + " fragment(s) without FIN)" : ""));
            }
            if (e instanceof EndEvent end) {
                throw new ConnectionEndedException("awaiting a message", closeResultFor(end, skipped, EndKind.TIMEOUT));
            }
            Frame f = ((FrameEvent) e).frame();
            if (f.opcode() == OP_PING || f.opcode() == OP_PONG) {
                continue;
            }
            if (f.opcode() == OP_CLOSE) {
                CloseResult r = afterCloseFrame(f, deadline, skipped);
                throw new ConnectionEndedException("awaiting a message", r);
            }
            if (buf == null) {
                buf = new ByteArrayOutputStream();
                opcode = f.opcode();
            }
            buf.writeBytes(f.payload());
            frames++;
            if (f.fin()) {
                return new Message(opcode, buf.toByteArray(), frames);
            }
        }
    }

    /**
     * The JSON objects of the next server text message: the message split on {@code '\n'} (a server frame
     * may carry several objects), empty lines dropped. Lines left over by {@link #awaitLine} come first.
     *
     * @throws IOException when a binary message arrives instead, nothing arrives in time, or the
     *                     connection ends ({@link ConnectionEndedException}, carrying the close code)
     */
    public List<String> awaitText(Duration timeout) throws IOException, InterruptedException {
        synchronized (pendingLines) {
            if (!pendingLines.isEmpty()) {
                List<String> l = new ArrayList<>(pendingLines);
                pendingLines.clear();
                return l;
            }
        }
        Message m = awaitMessage(timeout);
        if (!m.isText()) {
            throw new IOException("expected a text message from " + uri + ", got " + m);
        }
        return splitLines(m.text());
    }

    /** The next single JSON object (line) from the server, buffering the rest of a multi-object frame. */
    public String awaitLine(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            synchronized (pendingLines) {
                if (!pendingLines.isEmpty()) {
                    return pendingLines.poll();
                }
            }
            Message m = awaitMessage(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (!m.isText()) {
                throw new IOException("expected a text message from " + uri + ", got " + m);
            }
            synchronized (pendingLines) {
                pendingLines.addAll(splitLines(m.text()));
            }
        }
    }

    /**
     * Waits for the end of the connection, skipping data frames (returned in {@code skipped}). When a
     * close frame arrives (answered with a close frame unless {@link Options#autoCloseReply} is off),
     * it then waits, within the same timeout, for the server to end the TCP connection.
     */
    public CloseResult awaitClose(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Object> skipped = new ArrayList<>();
        synchronized (pendingLines) {
            skipped.addAll(pendingLines);
            pendingLines.clear();
        }
        while (true) {
            Event e = poll(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (e == null) {
                return new CloseResult(EndKind.TIMEOUT, -1, "", EndKind.TIMEOUT, List.copyOf(skipped));
            }
            if (e instanceof EndEvent end) {
                return closeResultFor(end, skipped, EndKind.TIMEOUT);
            }
            Frame f = ((FrameEvent) e).frame();
            if (f.opcode() == OP_CLOSE) {
                return afterCloseFrame(f, deadline, skipped);
            }
            if (f.opcode() != OP_PING && f.opcode() != OP_PONG) {
                skipped.add(f);
            }
        }
    }

    private CloseResult afterCloseFrame(Frame close, long deadline, List<Object> skipped) throws InterruptedException {
        EndKind tcp = EndKind.TIMEOUT;
        while (true) {
            Event e = poll(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (e == null) {
                break;
            }
            if (e instanceof EndEvent end) {
                tcp = end.kind();
                break;
            }
        }
        return new CloseResult(EndKind.CLOSE_FRAME, close.closeCode(), close.closeReason(), tcp, List.copyOf(skipped));
    }

    private CloseResult closeResultFor(EndEvent end, List<Object> skipped, EndKind tcp) {
        Frame cf = closeFrame;
        if (cf != null) {
            return new CloseResult(EndKind.CLOSE_FRAME, cf.closeCode(), cf.closeReason(), end.kind(), List.copyOf(skipped));
        }
        return new CloseResult(end.kind(), -1, end.cause() == null ? "" : String.valueOf(end.cause().getMessage()), tcp,
                List.copyOf(skipped));
    }

    private Event poll(Duration timeout) throws InterruptedException {
        Event e = events.poll(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        if (e == null && events.isEmpty() && end != null) {
            return end; // sticky end
        }
        return e;
    }

    private static List<String> splitLines(String text) {
        List<String> lines = new ArrayList<>();
        for (String l : text.split("\n")) {
            if (!l.isBlank()) {
                lines.add(l);
            }
        }
        return lines;
    }

    // ------------------------------------------------------------------------------------------------
    // Reader thread
    // ------------------------------------------------------------------------------------------------

    private void readLoop() {
        EndEvent result;
        try {
            while (true) {
                synchronized (readGate) {
                    while (paused && !localEnd) {
                        readGate.wait();
                    }
                }
                Frame f = readFrame();
                if (f.opcode() == OP_PING) {
                    pingsReceived.incrementAndGet();
                    if (options.autoPong() && !closeSent) {
                        try {
                            sendRaw(frame(OP_PONG).payload(f.payload()).encode());
                            pongsSent.incrementAndGet();
                        } catch (IOException ignored) {
                            // the read side will see the end
                        }
                    }
                } else if (f.opcode() == OP_CLOSE && !closeReceived) {
                    closeFrame = f;
                    closeReceived = true;
                    if (options.autoCloseReply() && !closeSent) {
                        try {
                            int code = f.closeCode();
                            if (code == 1005 || code == 1006 || code == 1015) {
                                sendCloseEmpty();
                            } else {
                                sendClose(code, "");
                            }
                        } catch (IOException ignored) {
                            // server may already have closed
                        }
                    }
                }
                events.add(new FrameEvent(f));
            }
        } catch (EOFException e) {
            result = new EndEvent(localEnd ? EndKind.LOCAL : EndKind.EOF, e);
        } catch (ProtocolException e) {
            result = new EndEvent(EndKind.PROTOCOL_ERROR, e);
            closeQuietly(socket);
        } catch (SocketException e) {
            String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            boolean reset = m.contains("reset") || m.contains("broken pipe");
            result = new EndEvent(localEnd ? EndKind.LOCAL : reset ? EndKind.RESET : EndKind.EOF, e);
        } catch (IOException e) {
            result = new EndEvent(localEnd ? EndKind.LOCAL : EndKind.RESET, e);
        } catch (InterruptedException e) {
            result = new EndEvent(EndKind.LOCAL, e);
        }
        end = result;
        events.add(result);
    }

    private static final class ProtocolException extends IOException {
        ProtocolException(String m) { super(m); }
    }

    private Frame readFrame() throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            throw new EOFException("end of stream");
        }
        int b1 = readByte();
        boolean fin = (b0 & 0x80) != 0;
        int rsv = (b0 >> 4) & 0x7;
        int opcode = b0 & 0x0F;
        boolean masked = (b1 & 0x80) != 0;
        long len = b1 & 0x7F;
        if (len == 126) {
            len = ((long) readByte() << 8) | readByte();
        } else if (len == 127) {
            len = 0;
            for (int i = 0; i < 8; i++) {
                len = (len << 8) | readByte();
            }
        }
        if (len < 0 || len > options.maxFramePayload()) {
            throw new ProtocolException("server frame declares " + len + " bytes (limit " + options.maxFramePayload() + ")");
        }
        byte[] mask = null;
        if (masked) {
            mask = readFully(4);
        }
        byte[] payload = readFully((int) len);
        if (mask != null) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
        }
        return new Frame(fin, rsv, opcode, masked, payload);
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("end of stream inside a frame");
        }
        return b;
    }

    private byte[] readFully(int n) throws IOException {
        byte[] b = new byte[n];
        int off = 0;
        while (off < n) {
            int r = in.read(b, off, n - off);
            if (r < 0) {
                throw new EOFException("end of stream inside a frame");
            }
            off += r;
        }
        return b;
    }

    private void joinReader() {
        synchronized (readGate) {
            readGate.notifyAll();
        }
        if (Thread.currentThread() != reader) {
            try {
                reader.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Frame builder ({@link RawFrameBuilder})
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

    private static String abbreviate(String s) {
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

package switchboard.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * One selector thread: owns its connections, does their I/O, parses the server's frames, paces its
 * senders. The hot path (read, parse, count, record latency, send) allocates nothing.
 *
 * <p>Threading rule: only this thread touches its connections and counters. The driver talks to it
 * through {@link #submit} (tasks run on this thread) and reads the counters after reading
 * {@link #pub}, which this thread writes once per loop iteration after updating them.
 */
final class Loop extends Thread {
    // counters
    static final int OPENED = 0, READY = 1, CONNECT_FAIL = 2, HANDSHAKE_FAIL = 3, DROPPED = 4, SENT = 5,
            EXPECTED = 6, RECV = 7, RECV_WIN = 8, DUPS = 9, GAPS = 10, OFF_GAPS = 11, STALE = 12, FOREIGN = 13,
            ERRORS = 14, PONGS = 15, FRAMES = 16, BYTES = 17, REC_TRUE = 18, REC_FALSE = 19, REC_DONE = 20,
            LAG_SKIPS = 21, REPLAYED = 22, RETRIES = 23, BAD = 24, SEND_DONE = 25,
            // soak: whispers sent, duplicated, skipped; own messages not yet echoed when the connection dropped; reconnects
            W_SENT = 26, W_DUPS = 27, W_GAPS = 28, UNACKED = 29, RECONNECTS = 30,
            // --deflate: connections that negotiated permessage-deflate, messages that came compressed
            DEFLATED = 31, INFLATED = 32, N = 33;

    static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    static final long MAX_FRAME = 64L << 20;
    static final long MAX_LATENCY_US = 3_600_000_000L;

    private static final byte[] SAY_A = Json.b("{\"type\":\"say\",\"room\":\""), SAY_B = Json.b("\",\"text\":\""),
            SAY_C = Json.b("\",\"ref\":\""), END = Json.b("\"}"), PING = Json.b("{\"type\":\"ping\"}"),
            READ_A = Json.b("{\"type\":\"read\",\"room\":\""), READ_B = Json.b("\",\"offset\":"), READ_END = Json.b("}"),
            WHISPER_A = Json.b("{\"type\":\"whisper\",\"to\":\"u");

    final Bench bench;
    final int idx;
    final Selector sel;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    final List<Conn> conns = new ArrayList<>();
    private final List<Conn> senders = new ArrayList<>();
    private final ArrayDeque<Conn> connectQueue = new ArrayDeque<>();
    private final List<Conn> retries = new ArrayList<>();
    private final List<Conn> paused = new ArrayList<>();
    private int inflight;

    private final long[] ctr = new long[N];
    volatile long pub;
    volatile boolean stop;

    final SingleWriterRecorder latency = new SingleWriterRecorder(3);   // µs, end-to-end
    final SingleWriterRecorder sendLag = new SingleWriterRecorder(3);   // µs, actual send - scheduled
    final SingleWriterRecorder recovery = new SingleWriterRecorder(3);  // µs, storm start - recovered

    // pacing
    private boolean sending;
    private long period, sendEnd, plan;
    private boolean skipBacklog;

    // scratch, reused
    private final ByteBuffer rbuf = ByteBuffer.allocate(1 << 16);
    private final byte[] ra = rbuf.array();
    private final ByteBuffer wbuf = ByteBuffer.allocateDirect(1 << 16);
    private byte[] pay = new byte[4096];
    private byte[] frame = new byte[4096 + 14];
    private final Json.Fields f = new Json.Fields(), f2 = new Json.Fields();
    private final Tag tag = new Tag();
    private long rnd;
    private final MessageDigest sha1;
    private final Consumer<SelectionKey> onKey = this::onKey;

    Loop(Bench bench, int idx) throws IOException {
        super("loop-" + idx);
        setDaemon(true);
        this.bench = bench;
        this.idx = idx;
        this.sel = Selector.open();
        this.rnd = System.nanoTime() ^ (0x9E3779B97F4A7C15L * (idx + 1));
        try {
            this.sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code r} on this loop's thread. */
    void submit(Runnable r) {
        tasks.add(r);
        sel.wakeup();
    }

    long get(int counter) {
        return ctr[counter];
    }

    void add(Conn c) {
        conns.add(c);
        if (c.senderLocal >= 0) senders.add(c);
    }

    @Override
    public void run() {
        try {
            while (!stop) {
                Runnable t;
                while ((t = tasks.poll()) != null) t.run();
                long now = System.nanoTime();
                if (!retries.isEmpty()) runRetries(now);
                pumpConnects();
                long wait = 100_000_000L;
                if (sending) wait = Math.min(wait, doSends(now) - System.nanoTime());
                if (!retries.isEmpty()) wait = Math.min(wait, 5_000_000L);
                if (!paused.isEmpty()) wait = Math.min(wait, resumeReading(now) - now);
                pub = pub + 1; // publishes the counters written so far
                if (wait <= 0) sel.selectNow(onKey);
                else sel.select(onKey, Math.max(1, (wait + 999_999) / 1_000_000));
            }
        } catch (Throwable e) {
            bench.fatal = e;
        } finally {
            for (Conn c : conns) closeQuietly(c);
            try { sel.close(); } catch (IOException ignored) { }
        }
    }

    // ---------------------------------------------------------------- connecting

    void enqueueConnect(List<Conn> list) {
        connectQueue.addAll(list);
    }

    private void pumpConnects() {
        int window = bench.connectWindow;
        while (inflight < window && !connectQueue.isEmpty()) startConnect(connectQueue.poll());
    }

    private void runRetries(long now) {
        for (int i = retries.size() - 1; i >= 0; i--) {
            Conn c = retries.get(i);
            if (c.retryAt <= now) {
                retries.remove(i);
                connectQueue.addFirst(c);
            }
        }
    }

    private void startConnect(Conn c) {
        c.inflight = true;
        inflight++;
        try {
            SocketChannel ch = SocketChannel.open();
            c.ch = ch;
            c.state = Conn.CONNECTING;
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (c.slow) ch.setOption(StandardSocketOptions.SO_RCVBUF, 4096); // a small window: its pipe fills soon
            if (bench.srcAddrs.length > 0) {
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                ch.bind(new InetSocketAddress(bench.srcAddrs[c.id % bench.srcAddrs.length], 0));
            }
            if (ch.connect(c.onB ? bench.addrB : bench.addr)) {
                c.key = ch.register(sel, SelectionKey.OP_READ, c);
                onConnected(c);
            } else {
                c.key = ch.register(sel, SelectionKey.OP_CONNECT, c);
            }
        } catch (IOException e) {
            fail(c, CONNECT_FAIL);
        }
    }

    private void onConnected(Conn c) throws IOException {
        c.key.interestOps(SelectionKey.OP_READ);
        c.state = Conn.HANDSHAKE;
        byte[] k = new byte[16];
        for (int i = 0; i < 16; i++) k[i] = (byte) next();
        String key = Base64.getEncoder().encodeToString(k);
        c.expectAccept = Base64.getEncoder().encodeToString(sha1.digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
        String path = (c.onB ? bench.basePathB : bench.basePath) + (c.chat ? "/ws/chat" : "/ws/notifications") + "?" + (c.query != null ? c.query : "name=b" + c.id);
        String req = "GET " + path + " HTTP/1.1\r\nHost: " + (c.onB ? bench.hostB : bench.host) + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: switchboard.v1\r\n"
                + (bench.deflate ? Inflating.OFFER : "") + "\r\n";
        byte[] r = req.getBytes(StandardCharsets.US_ASCII);
        write(c, r, 0, r.length);
    }

    /** Handshake response in c.in: returns false while incomplete or when it failed. */
    private boolean handshake(Conn c) throws IOException {
        int end = -1;
        for (int i = 3; i < c.inLen; i++) {
            if (c.in[i] == '\n' && c.in[i - 1] == '\r' && c.in[i - 2] == '\n' && c.in[i - 3] == '\r') { end = i + 1; break; }
        }
        if (end < 0) {
            if (c.inLen > 16384) fail(c, HANDSHAKE_FAIL);
            return false;
        }
        String head = new String(c.in, 0, end, StandardCharsets.ISO_8859_1);
        boolean ok = head.startsWith("HTTP/1.1 101");
        String accept = null, extensions = null;
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) continue;
            String name = line.substring(0, colon).trim();
            if (name.equalsIgnoreCase("Sec-WebSocket-Accept")) accept = line.substring(colon + 1).trim();
            else if (name.equalsIgnoreCase("Sec-WebSocket-Extensions")) extensions = line.substring(colon + 1).trim();
        }
        if (!ok || !c.expectAccept.equals(accept)) {
            if (!ok) bench.countError("http:" + head.substring(0, Math.min(head.length(), 12)).trim());
            fail(c, HANDSHAKE_FAIL);
            return false;
        }
        c.inflating = Inflating.negotiated(extensions, bench.deflate);
        if (c.inflating == null && extensions != null) {
            bench.countError("extension:" + extensions);
            fail(c, HANDSHAKE_FAIL);
            return false;
        }
        if (c.inflating != null) ctr[DEFLATED]++;
        c.consume(end);
        c.state = Conn.OPEN;
        ctr[OPENED]++;
        sendOpen(c);
        return true;
    }

    private void sendOpen(Conn c) {
        String s;
        String head = c.chat ? "{\"type\":\"join\",\"room\":\"r" + c.room
                : "{\"type\":\"subscribe\",\"topic\":\"" + (bench.topicNames.length > 0 ? bench.topicNames[c.room] : bench.topic);
        if (c.rejoining && c.sinceOffset >= 0 && c.epoch != null)
            s = head + "\",\"since\":{\"offset\":" + c.sinceOffset + ",\"epoch\":\"" + new String(c.epoch, StandardCharsets.UTF_8) + "\"}}";
        else s = head + "\"}";
        byte[] p = s.getBytes(StandardCharsets.UTF_8);
        sendFrame(c, 0x81, p, 0, p.length);
    }

    private void ready(Conn c) {
        if (c.ready) return;
        c.ready = true;
        c.readyAt = System.nanoTime();
        ctr[READY]++;
        if (c.inflight) {
            c.inflight = false;
            inflight--;
        }
    }

    /** A connection that failed before it was ready: counted, and retried when the driver allows it. */
    private void fail(Conn c, int counter) {
        ctr[counter]++;
        closeQuietly(c);
        if (c.inflight) {
            c.inflight = false;
            inflight--;
        }
        long now = System.nanoTime();
        if (c.rejoining && now < bench.retryDeadline) {
            ctr[RETRIES]++;
            retryLater(c, now);
        }
    }

    /** Reconnects {@code c} after a jittered backoff (100 ms doubling to 2 s), joining with since = its last offset. */
    private void retryLater(Conn c, long now) {
        c.attempts++;
        long backoff = Math.min(2_000_000_000L, 50_000_000L << Math.min(6, c.attempts));
        int keepAttempts = c.attempts;
        c.resetForReconnect();
        c.attempts = keepAttempts;
        c.retryAt = now + backoff / 2 + (next() & Long.MAX_VALUE) % (backoff / 2);
        retries.add(c);
    }

    /** The server closed or the socket broke. */
    private void drop(Conn c, int code) {
        if (c.state == Conn.CLOSED) return;
        if (!c.ready) {
            fail(c, c.state == Conn.CONNECTING ? CONNECT_FAIL : HANDSHAKE_FAIL);
            return;
        }
        bench.countClose(code);
        ctr[DROPPED]++;
        c.drops++;
        lose(c);
    }

    /** Closes the socket; in the soak the connection then comes back with since, as a client would. */
    private void lose(Conn c) {
        closeQuietly(c);
        if (!bench.reconnect) return;
        if (c.chat && c.senderLocal >= 0) ctr[UNACKED] += c.seq - c.lastSeq[c.senderLocal];
        ctr[RECONNECTS]++;
        retryLater(c, System.nanoTime());
    }

    private void closeQuietly(Conn c) {
        if (c.inflating != null) { c.inflating.end(); c.inflating = null; }
        c.state = Conn.CLOSED;
        if (c.key != null) c.key.cancel();
        if (c.ch != null) {
            try { c.ch.close(); } catch (IOException ignored) { }
        }
    }

    // ---------------------------------------------------------------- driver tasks (run on this thread)

    /** Closes every non-feeder connection at once, without a close handshake, as a network drop would. */
    void dropAll(boolean rst) {
        for (Conn c : conns) {
            if (c.feeder || c.state == Conn.CLOSED) continue;
            if (rst && c.ch != null) {
                try { c.ch.setOption(StandardSocketOptions.SO_LINGER, 0); } catch (IOException ignored) { }
            }
            closeQuietly(c);
        }
    }

    /** Reconnects every dropped connection, each joining with since = its last offset. */
    void rejoinAll() {
        List<Conn> list = new ArrayList<>();
        for (Conn c : conns) {
            if (c.feeder) continue;
            c.resetForReconnect();
            list.add(c);
        }
        connectQueue.addAll(list);
        pumpConnects();
    }

    /** Soak: drops {@code c} as a network would (no close frame), then it reconnects like any dropped connection. */
    void cut(Conn c) {
        if (c.state == Conn.OPEN && c.ready) lose(c);
    }

    /** Soak: stops reading {@code c} until {@code until} (nanoTime): a consumer that does not keep up. */
    void pauseReading(Conn c, long until) {
        if (c.state != Conn.OPEN || c.key == null || !c.key.isValid()) return;
        c.pausedUntil = until;
        c.key.interestOps(c.out != null ? SelectionKey.OP_WRITE : 0);
        paused.add(c);
    }

    /** Resumes the paused connections that are due; returns when the next one is due. */
    private long resumeReading(long now) {
        long next = now + 100_000_000L;
        for (int i = paused.size() - 1; i >= 0; i--) {
            Conn c = paused.get(i);
            if (c.pausedUntil == 0 || c.state != Conn.OPEN) { paused.remove(i); continue; }
            if (c.pausedUntil > now) { next = Math.min(next, c.pausedUntil); continue; }
            paused.remove(i);
            c.pausedUntil = 0;
            try {
                c.key.interestOps(SelectionKey.OP_READ | (c.out != null ? SelectionKey.OP_WRITE : 0));
            } catch (CancelledKeyException e) {
                drop(c, -1);
            }
        }
        return next;
    }

    void pingAll() {
        for (Conn c : conns) if (c.state == Conn.OPEN && c.ready) sendFrame(c, 0x81, PING, 0, PING.length);
    }

    void closeAll() {
        for (Conn c : conns) closeQuietly(c);
        connectQueue.clear();
        retries.clear();
        inflight = 0;
    }

    long lastOffsetOfFeeder(int room) {
        for (Conn c : senders) if (c.feeder && c.room == room) return c.lastOffset;
        return -1;
    }

    /**
     * Every sender sends one message per {@code periodNs} from {@code start} (staggered) until {@code end}.
     * With {@code skipBacklog}, a sender more than 100 ms behind skips what it missed (open-loop load);
     * without, it catches up (an exact number of messages).
     */
    void planSends(long planId, long periodNs, long start, long end, int totalSenders, boolean skipBacklog) {
        plan = planId;
        this.skipBacklog = skipBacklog;
        period = periodNs;
        sendEnd = end;
        for (Conn c : senders) {
            int g = c.id % Math.max(1, totalSenders);
            c.nextSendAt = start + periodNs * g / Math.max(1, totalSenders);
        }
        sending = !senders.isEmpty();
        if (!sending) ctr[SEND_DONE] = planId;
    }

    /** Sends what is due; returns when the next send is due. */
    private long doSends(long now) {
        long next = Long.MAX_VALUE;
        boolean any = false;
        long ms = bench.measureStart;
        for (int i = 0, n = senders.size(); i < n; i++) {
            Conn c = senders.get(i);
            if (c.nextSendAt >= sendEnd) continue;
            any = true;
            if (c.nextSendAt <= now) {
                long behind = now - c.nextSendAt;
                if (skipBacklog && behind > 100_000_000L) { // more than 100 ms behind: skip the backlog rather than burst
                    long skipped = behind / period;
                    ctr[LAG_SKIPS] += skipped;
                    c.nextSendAt += skipped * period;
                    behind = now - c.nextSendAt;
                }
                sendLag.recordValue(Math.min(MAX_LATENCY_US, behind / 1000));
                if (c.state == Conn.OPEN && c.ready) {
                    sendSay(c, now, now >= ms);
                    if (c.whisperTo >= 0 && c.seq % bench.whisperEvery == 0) sendWhisper(c, now);
                }
                c.nextSendAt += period / c.speed;
            }
            if (c.nextSendAt < sendEnd && c.nextSendAt < next) next = c.nextSendAt;
        }
        if (!any || next == Long.MAX_VALUE) {
            sending = false;
            ctr[SEND_DONE] = plan;
            return now + 100_000_000L;
        }
        return next;
    }

    private void sendSay(Conn c, long now, boolean measured) {
        long seq = ++c.seq;
        byte[] p = pay;
        int n = Tag.put(p, 0, SAY_A);
        n = Tag.put(p, n, bench.roomNames[c.room]);
        n = textAndRef(p, n, measured ? (byte) 'M' : (byte) 'W', c.senderLocal, seq, now, c.textChars > 0 ? c.textChars : bench.textChars,
                "", c.id);
        ctr[SENT]++;
        ctr[EXPECTED] += bench.roomMembers[c.room];
        sendFrame(c, 0x81, p, 0, n);
    }

    /**
     * Writes {@code ","text":"<marker>","ref":"<run>-<kind><conn>-<seq>"}} at {@code n} (the end of a say or a whisper);
     * returns the new end. The ref is unique in the run: a resent one would be taken for the same message.
     */
    private int textAndRef(byte[] p, int n, byte phase, int sender, long seq, long now, int chars, String kind, int id) {
        n = Tag.put(p, n, SAY_B);
        n = Tag.write(p, n, bench.step, phase, sender, seq, now - bench.base, chars);
        n = Tag.put(p, n, SAY_C);
        n = Tag.put(p, n, bench.nonce);
        p[n++] = '-';
        for (int i = 0; i < kind.length(); i++) p[n++] = (byte) kind.charAt(i);
        n = Tag.putLong(p, n, id);
        p[n++] = '-';
        n = Tag.putLong(p, n, seq);
        return Tag.put(p, n, END);
    }

    /** Soak: a whisper to user u&lt;whisperTo&gt;, its marker's sender = this connection's whisperer slot. */
    private void sendWhisper(Conn c, long now) {
        long seq = ++c.wSeq;
        byte[] p = pay;
        int n = Tag.put(p, 0, WHISPER_A);
        n = Tag.putLong(p, n, c.whisperTo);
        n = textAndRef(p, n, (byte) 'M', c.whisperSlot, seq, now, bench.textChars, "w", c.id);
        ctr[W_SENT]++;
        sendFrame(c, 0x81, p, 0, n);
    }

    /** Chat 1.1: the member has read up to {@code offset} (what a page sends as its user reads; --read-every). */
    private void sendRead(Conn c, long offset) {
        byte[] p = pay;
        int n = Tag.put(p, 0, READ_A);
        n = Tag.put(p, n, bench.roomNames[c.room]);
        n = Tag.put(p, n, READ_B);
        n = Tag.putLong(p, n, offset);
        n = Tag.put(p, n, READ_END);
        sendFrame(c, 0x81, p, 0, n);
    }

    // ---------------------------------------------------------------- I/O

    private void onKey(SelectionKey k) {
        Conn c = (Conn) k.attachment();
        try {
            if (!k.isValid()) return;
            int ops = k.readyOps();
            if ((ops & SelectionKey.OP_CONNECT) != 0) {
                if (c.ch.finishConnect()) onConnected(c);
                return;
            }
            if ((ops & SelectionKey.OP_WRITE) != 0) flush(c);
            if ((ops & SelectionKey.OP_READ) != 0 && c.state != Conn.CLOSED) onRead(c);
        } catch (IOException | CancelledKeyException e) {
            drop(c, -1);
        }
    }

    private void onRead(Conn c) throws IOException {
        for (int round = 0; round < 4; round++) {
            rbuf.clear();
            int n = c.ch.read(rbuf);
            if (n < 0) { drop(c, -1); return; }
            if (n == 0) return;
            ctr[BYTES] += n;
            long now = System.nanoTime();
            if (c.state == Conn.OPEN && c.inLen == 0) {
                int p = parseFrames(c, ra, 0, n, now);
                if (c.state != Conn.OPEN) return;
                if (p < n) c.append(ra, p, n - p);
            } else {
                c.append(ra, 0, n);
                if (c.state == Conn.HANDSHAKE && !handshake(c)) return;
                if (c.state == Conn.OPEN && c.inLen > 0) {
                    int p = parseFrames(c, c.in, 0, c.inLen, now);
                    if (c.state != Conn.OPEN) return;
                    c.consume(p);
                }
            }
            if (n < rbuf.capacity()) return;
        }
    }

    /** Parses whole frames in [off, end); returns where the first incomplete frame starts. */
    int parseFrames(Conn c, byte[] b, int off, int end, long now) {
        int p = off;
        while (end - p >= 2) {
            int b0 = b[p] & 0xff, b1 = b[p + 1] & 0xff;
            boolean fin = (b0 & 0x80) != 0;
            boolean rsv1 = (b0 & 0x40) != 0;
            int op = b0 & 0x0f;
            if ((b0 & 0x30) != 0 || rsv1 && (c.inflating == null || op == 0 || op >= 8)) { protocolError(c); return end; }
            if ((b1 & 0x80) != 0) { protocolError(c); return end; } // servers never mask
            long len = b1 & 0x7f;
            int h = 2;
            if (len == 126) {
                if (end - p < 4) break;
                len = ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
                h = 4;
            } else if (len == 127) {
                if (end - p < 10) break;
                len = 0;
                for (int k = 2; k < 10; k++) len = (len << 8) | (b[p + k] & 0xff);
                h = 10;
                if (len > MAX_FRAME) { protocolError(c); return end; }
            }
            if (end - p - h < len) break;
            int ps = p + h, pe = (int) (ps + len);
            ctr[FRAMES]++;
            switch (op) {
                case 0x0:
                    if (!c.fragging) { protocolError(c); return end; }
                    c.appendFrag(b, ps, pe);
                    if (fin) {
                        c.fragging = false;
                        if (c.fragCompressed) { if (!inflated(c, c.frag, 0, c.fragLen, now)) return end; }
                        else onMessage(c, c.frag, 0, c.fragLen, now);
                        c.fragLen = 0;
                        if (c.frag.length > 65536) c.frag = Conn.EMPTY;
                    }
                    break;
                case 0x1:
                case 0x2:
                    if (c.fragging) { protocolError(c); return end; }
                    if (fin && rsv1) { if (!inflated(c, b, ps, pe, now)) return end; }
                    else if (fin) onMessage(c, b, ps, pe, now);
                    else { c.fragging = true; c.fragCompressed = rsv1; c.fragLen = 0; c.appendFrag(b, ps, pe); }
                    break;
                case 0x8:
                    int code = pe - ps >= 2 ? ((b[ps] & 0xff) << 8) | (b[ps + 1] & 0xff) : 1005;
                    drop(c, code);
                    return end;
                case 0x9:
                    sendFrame(c, 0x8A, b, ps, pe); // pong with the ping's payload
                    break;
                case 0xA:
                    break;
                default:
                    protocolError(c);
                    return end;
            }
            if (c.state != Conn.OPEN) return end;
            p = pe;
        }
        return p;
    }

    /** A compressed message: inflated into this loop's scratch buffer, then read like any other. */
    private boolean inflated(Conn c, byte[] b, int s, int e, long now) {
        int n = c.inflating.inflate(b, s, e, this);
        if (n < 0) { protocolError(c); return false; }
        ctr[INFLATED]++;
        onMessage(c, inflatedBytes, 0, n, now);
        return true;
    }

    /** Scratch output of {@link Inflating#inflate}, grown as needed (loop thread only). */
    byte[] inflatedBytes = new byte[1 << 16];

    private void protocolError(Conn c) {
        ctr[BAD]++;
        drop(c, 1002);
    }

    /** A whole text message: one JSON object, or several separated by '\n'. */
    void onMessage(Conn c, byte[] b, int s, int e, long now) {
        int i = s;
        while (i < e) {
            int j = i;
            while (j < e && b[j] != '\n') j++;
            if (j > i) onObject(c, b, i, j, now);
            i = j + 1;
        }
    }

    private void onObject(Conn c, byte[] b, int s, int e, long now) {
        Json.Fields f = this.f;
        if (!Json.scan(b, s, e, f) || f.typeS < 0) {
            ctr[BAD]++;
            return;
        }
        int ts = f.typeS, te = f.typeE;
        if (deliver(c, b, f, now, false)) {
            return;
        } else if (Json.eq(b, ts, te, Json.T_WHISPER)) {
            onWhisper(c, b, f.textS, f.textE, now);
        } else if (Json.eq(b, ts, te, Json.T_JOINED) || Json.eq(b, ts, te, Json.T_SUBSCRIBED)) {
            onJoined(c, b, f, now);
        } else if (Json.eq(b, ts, te, Json.T_PONG)) {
            ctr[PONGS]++;
        } else if (Json.eq(b, ts, te, Json.T_ERROR)) {
            ctr[ERRORS]++;
            bench.countError(Json.str(b, f.codeS, f.codeE));
        }
        // welcome, presence, typing, left ...: nothing to check
    }

    /** A message or a notification (live, or replayed in joined/subscribed history); false for any other type. */
    private boolean deliver(Conn c, byte[] b, Json.Fields f, long now, boolean replay) {
        int ts = f.typeS, te = f.typeE;
        if (Json.eq(b, ts, te, Json.T_MESSAGE)) {
            onDelivery(c, b, f.textS, f.textE, f.hasOffset, f.offset, now, replay);
        } else if (Json.eq(b, ts, te, Json.T_NOTIFICATION)) {
            long v = f.dataS < 0 ? -1 : Json.findString(b, f.dataS, f.dataE, Json.B);
            if (v < 0 && f.dataS >= 0) { // a database change: the marker is a column of data.row
                long row = Json.findValue(b, f.dataS, f.dataE, Json.ROW);
                if (row >= 0) v = Json.findString(b, (int) (row >>> 32), (int) row, Json.B);
            }
            if (v < 0) ctr[FOREIGN]++;
            else onDelivery(c, b, (int) (v >>> 32), (int) v, f.hasOffset, f.offset, now, replay);
        } else {
            return false;
        }
        return true;
    }

    /** Soak: every whisper (and the sender's own copy) arrives once, in order per whisperer. */
    private void onWhisper(Conn c, byte[] b, int ts, int te, long now) {
        Tag t = tag;
        if (ts < 0 || !t.parse(b, ts, te) || c.wLast == null || t.sender < 0 || t.sender >= c.wLast.length) {
            ctr[FOREIGN]++;
            return;
        }
        int si = t.sender;
        if (t.seq <= c.wLast[si]) {
            if (ctr[W_DUPS]++ < 20) Driver.log("duplicate whisper: connection %d (on %s%s) got whisperer %d's %d again, sent %.3f s after start",
                    c.id, c.onB ? "B" : "A", c.whisperSlot == si ? ", its own copy" : "", si, t.seq, t.t / 1e9);
            return;
        }
        if (t.seq != c.wLast[si] + 1) {
            if (ctr[W_GAPS] < 40) Driver.log("whisper gap: connection %d (on %s%s) missed whisperer %d's %d..%d; got %d, sent %.3f s after start; connected since %.3f s",
                    c.id, c.onB ? "B" : "A", c.whisperSlot == si ? ", its own copies" : "", si, c.wLast[si] + 1, t.seq - 1, t.seq, t.t / 1e9,
                    (c.readyAt - bench.base) / 1e9);
            ctr[W_GAPS] += t.seq - c.wLast[si] - 1;
        }
        c.wLast[si] = t.seq;
        c.wCount[si]++;
        c.wSum[si] += t.seq;
        if (live(c, t)) recordLatency(now, t);
    }

    /**
     * Whether a delivery counts for latency: not to a connection told to stop reading (soak), not one sent before the
     * connection (re)joined (catch-up after a reconnect: its "latency" is the outage).
     */
    private boolean live(Conn c, Tag t) {
        return !c.slow && t.t >= c.readyAt - bench.base;
    }

    private void recordLatency(long now, Tag t) {
        long us = (now - bench.base - t.t) / 1000;
        latency.recordValue(us < 0 ? 0 : Math.min(us, MAX_LATENCY_US));
    }

    private void onJoined(Conn c, byte[] b, Json.Fields f, long now) {
        if (c.rejoining) {
            boolean sameEpoch = c.epoch != null && f.epochS >= 0 && Json.eq(b, f.epochS, f.epochE, c.epoch);
            if (f.recovered == 1 && sameEpoch) {
                c.recoveredFlag = true;
                ctr[REC_TRUE]++;
                // lastOffset stays at since: the replay, in history or as message frames, must continue from it
                if (f.histS >= 0) replayHistory(c, b, f.histS, f.histE, now);
                ready(c);
                checkRecovered(c, now);
            } else {
                ctr[REC_FALSE]++;
                c.recoveryDone = true;
                if (f.hasOffset) c.lastOffset = f.offset;
                ready(c);
            }
            return;
        }
        if (f.hasOffset) c.lastOffset = f.offset;
        if (f.epochS >= 0) {
            c.epoch = new byte[f.epochE - f.epochS];
            System.arraycopy(b, f.epochS, c.epoch, 0, c.epoch.length);
        }
        ready(c);
    }

    private void replayHistory(Conn c, byte[] b, int hs, int he, long now) {
        int i = hs + 1;
        while (i < he) {
            i = Json.skipWs(b, i, he);
            if (i >= he || b[i] == ']') break;
            if (b[i] == ',') { i++; continue; }
            int ve = Json.skipValue(b, i, he);
            if (ve < 0) break;
            if (Json.scan(b, i, ve, f2) && f2.typeS >= 0) deliver(c, b, f2, now, true);
            i = ve;
        }
    }

    private void onDelivery(Conn c, byte[] b, int ts, int te, boolean hasOffset, long offset, long now, boolean replay) {
        Tag t = tag;
        if (ts < 0 || !t.parse(b, ts, te)) {
            ctr[FOREIGN]++;
            return;
        }
        if (hasOffset) {
            long last = c.lastOffset;
            if (last >= 0) {
                if (offset <= last) { duplicate(c, "offset", offset, last, t); return; }
                if (offset != last + 1) ctr[OFF_GAPS] += offset - last - 1;
            }
            c.lastOffset = offset;
            if (c.chat && !replay && bench.readEvery > 0 && ++c.unread >= bench.readEvery) {
                c.unread = 0;
                sendRead(c, offset);
            }
        }
        if (c.lastSeq != null) { // chat: each sender's messages arrive once and in order
            int si = t.sender;
            if (si >= c.lastSeq.length) { ctr[FOREIGN]++; return; }
            long last = c.lastSeq[si];
            if (t.seq <= last) { duplicate(c, "seq", t.seq, last, t); return; }
            if (t.seq != last + 1) ctr[GAPS] += t.seq - last - 1;
            c.lastSeq[si] = t.seq;
            if (c.count != null) { c.count[si]++; c.seqSum[si] += t.seq; }
        }
        if (c.rejoining) ctr[REPLAYED]++;
        if (t.step == bench.step) {
            ctr[RECV]++;
            if (now >= bench.measureStart && now < bench.measureEnd) ctr[RECV_WIN]++;
            if (t.phase == 'M' && !replay && live(c, t)) recordLatency(now, t);
        } else {
            ctr[STALE]++;
        }
        if (c.rejoining && c.recoveredFlag && !c.recoveryDone) checkRecovered(c, now);
    }

    /** Counts a duplicate; the first few are described (which connection, where, what), to find their cause. */
    private void duplicate(Conn c, String what, long got, long last, Tag t) {
        if (ctr[DUPS]++ < 20) {
            Driver.log("duplicate: connection %d (%s on %s, %s) got %s %d after %d: sender %d seq %d, sent %.3f s after start%s",
                    c.id, c.chat ? "room r" + c.room : "topic " + c.room, c.onB ? "B" : "A", c.rejoining ? "reconnected" : "first connection",
                    what, got, last, t.sender, t.seq, t.t / 1e9, c.readyAt - bench.base > t.t ? " (before it became ready)" : "");
        }
    }

    private void checkRecovered(Conn c, long now) {
        if (!c.recoveryDone && c.lastOffset >= bench.roomTarget[c.room]) {
            c.recoveryDone = true;
            ctr[REC_DONE]++;
            recovery.recordValue(Math.min(MAX_LATENCY_US, Math.max(0, (now - bench.stormStart) / 1000)));
        }
    }

    // ---------------------------------------------------------------- writing

    /** A masked client frame. */
    private void sendFrame(Conn c, int b0, byte[] p, int s, int e) {
        int len = e - s;
        if (frame.length < len + 14) frame = new byte[len + 14];
        byte[] fr = frame;
        int h = 0;
        fr[h++] = (byte) b0;
        if (len < 126) fr[h++] = (byte) (0x80 | len);
        else if (len < 65536) { fr[h++] = (byte) (0x80 | 126); fr[h++] = (byte) (len >> 8); fr[h++] = (byte) len; }
        else {
            fr[h++] = (byte) (0x80 | 127);
            for (int k = 7; k >= 0; k--) fr[h++] = (byte) (k >= 4 ? 0 : len >>> (8 * k));
        }
        int m = (int) next();
        byte m0 = (byte) (m >>> 24), m1 = (byte) (m >>> 16), m2 = (byte) (m >>> 8), m3 = (byte) m;
        fr[h++] = m0; fr[h++] = m1; fr[h++] = m2; fr[h++] = m3;
        int i = 0;
        for (; i + 3 < len; i += 4) {
            fr[h + i] = (byte) (p[s + i] ^ m0);
            fr[h + i + 1] = (byte) (p[s + i + 1] ^ m1);
            fr[h + i + 2] = (byte) (p[s + i + 2] ^ m2);
            fr[h + i + 3] = (byte) (p[s + i + 3] ^ m3);
        }
        for (; i < len; i++) fr[h + i] = (byte) (p[s + i] ^ ((i & 3) == 0 ? m0 : (i & 3) == 1 ? m1 : (i & 3) == 2 ? m2 : m3));
        write(c, fr, 0, h + len);
    }

    private void write(Conn c, byte[] b, int off, int n) {
        if (c.state == Conn.CLOSED) return;
        if (c.out != null) {
            ByteBuffer o = c.out;
            if (o.capacity() - o.limit() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(o.remaining() + n, o.capacity() * 2));
                bigger.put(o);
                bigger.flip();
                o = c.out = bigger;
            }
            int pos = o.position();
            o.position(o.limit()).limit(o.limit() + n);
            o.put(b, off, n);
            o.position(pos);
            return;
        }
        try {
            ByteBuffer src;
            if (n <= wbuf.capacity()) {
                wbuf.clear();
                wbuf.put(b, off, n).flip();
                src = wbuf;
            } else {
                src = ByteBuffer.wrap(b, off, n);
            }
            c.ch.write(src);
            if (src.hasRemaining()) {
                ByteBuffer o = ByteBuffer.allocate(Math.max(4096, src.remaining() * 2));
                o.put(src).flip();
                c.out = o;
                c.key.interestOpsOr(SelectionKey.OP_WRITE);
            }
        } catch (IOException | CancelledKeyException e) {
            drop(c, -1);
        }
    }

    private void flush(Conn c) throws IOException {
        ByteBuffer o = c.out;
        if (o == null) { c.key.interestOpsAnd(~SelectionKey.OP_WRITE); return; }
        c.ch.write(o);
        if (!o.hasRemaining()) {
            c.out = null;
            c.key.interestOpsAnd(~SelectionKey.OP_WRITE);
        }
    }

    private long next() { // xorshift64: mask keys and backoff jitter
        long x = rnd;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        return rnd = x;
    }
}

package switchboard.bench;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One client WebSocket connection. Owned by exactly one {@link Loop}: every field is read and written
 * only on that loop's thread, except the role fields, which are set before the connection is handed
 * to its loop.
 */
final class Conn {
    static final int NEW = 0, CONNECTING = 1, HANDSHAKE = 2, OPEN = 3, CLOSED = 4;
    static final byte[] EMPTY = new byte[0];

    final int id;
    final Loop loop;

    // role (set by the driver before the connection is handed to its loop)
    final boolean chat;     // /ws/chat (join a room) or /ws/notifications (subscribe to the topic)
    final int room;         // room index (chat) or -1
    final int senderLocal;  // index among its room's senders, or -1 for a pure receiver
    long[] lastSeq;         // per room sender: the last seq received (chat; soak: also per topic publisher)
    final boolean feeder;   // storm: stays connected while the others drop
    boolean onB;            // cluster: connects to the second node
    // soak (set before the connection is handed to its loop)
    String query;           // handshake query (a token), or null for ?name=b<id>
    int whisperTo = -1;     // the connection (user u<id>) this one whispers to, or -1
    int whisperSlot = -1;   // this connection's index among the whisperers
    boolean slow;           // pauses reading on the driver's command (a slow consumer)
    int speed = 1;          // sends this many messages per period
    int textChars;          // its texts' length, 0: the run's --text-chars
    int drops;              // times the server closed it or the connection broke
    /** Per room sender (or publisher): deliveries counted and the sum of their seqs; all members must agree. */
    long[] count, seqSum;
    /** Whispers received (own copies included), per whisperer slot: last seq, count, sum of seqs. */
    long[] wLast, wCount, wSum;

    // connection state
    int state = NEW;
    SocketChannel ch;
    SelectionKey key;
    String expectAccept;
    boolean inflight;       // counted in the loop's connect window until it is ready
    boolean ready;          // joined / subscribed
    int attempts;
    long retryAt;

    // input not yet parsed (an incomplete frame or the handshake response)
    byte[] in = EMPTY;
    int inLen;
    // a fragmented message being reassembled
    byte[] frag = EMPTY;
    int fragLen;
    boolean fragging;
    boolean fragCompressed; // the message being reassembled came with RSV1 (permessage-deflate)
    Inflating inflating;    // permessage-deflate negotiated, or null
    // output the socket did not take yet (read mode), or null
    ByteBuffer out;

    // protocol state
    long seq;               // messages this connection has sent
    long wSeq;              // whispers this connection has sent
    long pausedUntil;       // reading paused until this nanoTime (slow consumer), 0: reading
    long readyAt;           // nanoTime this connection last became ready: what was sent before is catch-up, not live
    int unread;             // messages received since this connection last sent read (--read-every)
    long nextSendAt;
    long lastOffset = -1;
    byte[] epoch;
    boolean rejoining;      // storm: reconnecting with since
    long sinceOffset = -1;
    boolean recoveredFlag;
    boolean recoveryDone;

    Conn(int id, Loop loop, boolean chat, int room, int senderLocal, int sendersInRoom, boolean feeder) {
        this.id = id;
        this.loop = loop;
        this.chat = chat;
        this.room = room;
        this.senderLocal = senderLocal;
        this.lastSeq = chat ? new long[Math.max(1, sendersInRoom)] : null;
        this.feeder = feeder;
    }

    /** Soak: per-sender tallies (and per-publisher order for a subscriber), whisper tallies for {@code whisperers}. */
    void tally(int senders, int whisperers) {
        if (lastSeq == null) lastSeq = new long[Math.max(1, senders)];
        count = new long[lastSeq.length];
        seqSum = new long[lastSeq.length];
        if (whisperers > 0) { wLast = new long[whisperers]; wCount = new long[whisperers]; wSum = new long[whisperers]; }
    }

    void append(byte[] b, int off, int n) {
        if (inLen + n > in.length) {
            byte[] bigger = new byte[Math.max(inLen + n, Math.max(1024, in.length * 2))];
            System.arraycopy(in, 0, bigger, 0, inLen);
            in = bigger;
        }
        System.arraycopy(b, off, in, inLen, n);
        inLen += n;
    }

    /** Drops the first {@code n} bytes of {@code in}; frees a large buffer once it is empty. */
    void consume(int n) {
        int rest = inLen - n;
        if (rest > 0) System.arraycopy(in, n, in, 0, rest);
        inLen = rest;
        if (rest == 0 && in.length > 65536) in = EMPTY;
    }

    void appendFrag(byte[] b, int s, int e) {
        int n = e - s;
        if (fragLen + n > frag.length) {
            byte[] bigger = new byte[Math.max(fragLen + n, Math.max(1024, frag.length * 2))];
            System.arraycopy(frag, 0, bigger, 0, fragLen);
            frag = bigger;
        }
        System.arraycopy(b, s, frag, fragLen, n);
        fragLen += n;
    }

    /** Forgets the socket and everything in flight, keeping what recovery needs (offsets, seqs, epoch). */
    void resetForReconnect() {
        state = NEW;
        ch = null;
        key = null;
        ready = false;
        inflight = false;
        in = EMPTY;
        inLen = 0;
        frag = EMPTY;
        fragLen = 0;
        fragging = false;
        out = null;
        attempts = 0;
        retryAt = 0;
        rejoining = true;
        sinceOffset = lastOffset;
        recoveredFlag = false;
        recoveryDone = false;
        pausedUntil = 0;
    }
}

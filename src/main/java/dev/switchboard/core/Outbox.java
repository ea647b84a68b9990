package dev.switchboard.core;

import dev.switchboard.protocol.CloseCode;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The outbound queue of one connection: bounded by frames and by bytes (UTF-8), with one write in flight at a time.
 * When a send completes, everything queued meanwhile goes out as one WebSocket frame (the frames joined by
 * {@code \n}, up to {@code batchMaxBytes}): a recipient that falls behind costs one write per batch, not per frame.
 *
 * <p>Overflow means the client does not read fast enough: the queue is dropped and the connection is closed with
 * 4001; the client reconnects and recovers with {@code since}. Nobody else waits for it. The byte limit counts what is
 * queued, the batch in flight, and what the transport itself holds unwritten for the socket
 * ({@link Transport#pendingBytes}: the pongs it answered a ping flood with, for one), so that no path to the client
 * holds more than {@code outboxMaxBytes}.
 *
 * <p>A long reply (a recovery) goes out a page at a time ({@link #whenIdle}): the next page is offered once the outbox
 * sent the previous one, so a client that reads is never closed for the size of what it asked for.
 *
 * <p><b>Everything this side writes to the socket goes through here, one write at a time</b>: message frames, the
 * heartbeat's pings ({@link #ping}) and the close ({@link #close}, {@link #closeNow}). A close never reaches the
 * transport while a write of this connection is in flight: it waits for that write's completion (a close code that
 * {@linkplain CloseCode#drainFirst drains first} also for the rest of the queue, the replies and errors that explain
 * the close; one that does not drops the queue but still waits for the write in flight). Containers do not reliably
 * send a close frame behind a write in flight: Tomcat (10.1) writes the close frame blocking with a budget of 50 ms
 * for non-1000 codes, and when the write in flight holds its send lock longer, it closes the TCP connection without a
 * close frame, so the client saw 1006 instead of 1003, 1008, 4401... (docs/reliability.md has the evidence).
 *
 * <p>The wait is bounded: a close that has waited {@code closeWaitMs} for a write without any write completing
 * (the client stopped reading: its pipe is full and no close frame can reach it) is {@linkplain Transport#abort
 * aborted} by the housekeeping tick ({@link #expire}): the connection ends without a close frame, the client sees
 * 1006. {@link #closeNow} waits on the calling thread, within the same bound.
 *
 * <p>Sends run on the hub's send executor, never on the thread that delivers a message to a whole room: that
 * thread only enqueues, so a room's fan-out costs one queue operation per member, and while a member's send is
 * in flight its next messages accumulate and leave together.
 *
 * <p>Locking rule: the monitor guards the queue and the flags only; {@link Transport} is never called while holding
 * it (a completion may run on the sending thread and re-enter). The one exception is {@link #closeNow}'s wait, which
 * releases the monitor while it waits.
 */
public final class Outbox {

    /** How long a close waits for a write in flight that makes no progress before the connection is aborted. */
    public static final long CLOSE_WAIT_MS = 2000;
    private static final Logger LOG = System.getLogger(Outbox.class.getName());
    private static final long NONE = -1;
    /** The work item "send a ping" (compared by identity). */
    private static final Object PING = new Object();

    private final Transport transport;
    private final Executor sender;
    private final Stats stats;
    private final int maxFrames;
    private final long maxBytes;
    private final int batchMaxBytes;
    private final long closeWaitMs;

    private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
    private long queuedBytes;
    /** Bytes of the frame in flight (0 when none). */
    private long inFlightBytes;
    /** Run, one at a time, whenever the outbox has nothing queued or in flight ({@link #whenIdle}). */
    private final ArrayDeque<Runnable> idleWaiters = new ArrayDeque<>();
    /** A write (a batch or a ping) is in flight; whoever set it owns the transport until it is cleared. */
    private boolean sending;
    /** The queue was dropped: nothing more is taken or sent. */
    private boolean closed;
    /** A draining close was asked for: no more frames are taken; the close follows the queue. */
    private boolean finishing;
    /** The close that waits for the write in flight (null: none waits). */
    private CloseCode closeCode;
    private String closeReason;
    /** The tick's time when it first saw the close waiting, or since the last completed write (NONE: not yet). */
    private long closeWaitSince = NONE;
    /** The close was handed to the transport, or the socket is gone: the first close stands. */
    private boolean closeStarted;
    /** A ping asked for while a write was in flight: it goes next. */
    private boolean pingWanted;
    /** The thread currently inside transport.send, to turn a completion on that same thread into a loop. */
    private long sendingThread = NONE; // a thread id, not a Thread: no reference store (G1 card) per send
    private boolean completedInline;
    /** Whose queue this is, for log lines (the connection, once it exists); set before anything is queued. */
    private volatile Object owner = "a connection";

    public Outbox(Transport transport, Executor sender, Stats stats, int maxFrames, long maxBytes, int batchMaxBytes) {
        this(transport, sender, stats, maxFrames, maxBytes, batchMaxBytes, CLOSE_WAIT_MS);
    }

    Outbox(Transport transport, Executor sender, Stats stats, int maxFrames, long maxBytes, int batchMaxBytes,
           long closeWaitMs) {
        this.transport = transport;
        this.sender = sender;
        this.stats = stats;
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
        this.batchMaxBytes = batchMaxBytes;
        this.closeWaitMs = closeWaitMs;
    }

    /** Names the queue's connection in log lines. */
    void owner(Object connection) {
        this.owner = connection;
    }

    /** Frames and UTF-8 bytes waiting (the one in flight not counted): the admin view's queue depth. */
    public synchronized Depth depth() {
        return new Depth(queue.size(), queuedBytes, sending);
    }

    /** A queue's depth at one moment. */
    public record Depth(int frames, long bytes, boolean sending) {}

    /** Queues one frame (JSON text of one object). Returns false if the connection is closed or just overflowed. */
    public boolean offer(String json) {
        return offer(new Outgoing(json));
    }

    /** Queues one frame that may be queued for other connections too (a room's message). */
    public boolean offer(Outgoing frame) {
        int length = frame.bytes();
        long pending = transport.pendingBytes(); // read before the monitor: the transport is never called under it
        boolean overflowed = false;
        synchronized (this) {
            if (closed || finishing) {
                return false;
            }
            if (queue.size() < maxFrames && queuedBytes + inFlightBytes + pending + length <= maxBytes) {
                if (sending) {
                    queue.addLast(frame);
                    queuedBytes += length;
                    return true;
                }
                // Idle: the frame goes straight to the send task, not through the queue. Besides a queue operation
                // this saves storing a young object into this long-lived outbox's array, which under G1 dirties a
                // card per recipient that the collector must then scan (5000 subscribers: 5000 cards a message).
                sending = true;
                inFlightBytes = length;
                stats.framesOut.increment();
            } else {
                stats.dropped.add(queue.size() + 1L);
                dropQueue();
                overflowed = true;
            }
        }
        if (overflowed) {
            LOG.log(Level.INFO, "{0}: outbound queue overflowed{1}; closing with 4001", owner,
                    frame.trace() == null ? "" : " at the message of trace " + frame.trace());
            slowConsumer();
            return false;
        }
        schedule(() -> run(frame));
        return true;
    }

    /**
     * Whether {@code bytes} more that the transport writes by itself (a pong) fit within the byte limit besides what is
     * queued, in flight and pending in the transport; if not, the connection is closed with 4001 (it does not read)
     * and false returned.
     */
    public boolean admitTransportBytes(int bytes) {
        long pending = transport.pendingBytes();
        synchronized (this) {
            if (closed || finishing) {
                return false;
            }
            if (queuedBytes + inFlightBytes + pending + bytes <= maxBytes) {
                return true;
            }
            stats.dropped.add(queue.size());
            dropQueue();
        }
        slowConsumer();
        return false;
    }

    /** The byte limit ({@code outboxMaxBytes}). */
    public long maxBytes() {
        return maxBytes;
    }

    /** The largest piece of a long reply to offer at once: a quarter of the byte limit. */
    public long pageBytes() {
        return Math.max(1, maxBytes / 4);
    }

    /**
     * Runs {@code next} once nothing is queued or in flight: at once (on this thread) when the outbox is idle now,
     * else on the thread that completes the last send. Waiters run one at a time, in order: each may offer a page,
     * and the next runs when that page has gone out. Dropped when the connection closes.
     */
    public void whenIdle(Runnable next) {
        synchronized (this) {
            if (closed || finishing || closeCode != null || closeStarted) {
                return;
            }
            idleWaiters.addLast(next);
        }
        runIdleWaiters();
    }

    /** Runs waiters while the outbox stays idle after each; never under the monitor. */
    private void runIdleWaiters() {
        while (true) {
            Runnable next;
            synchronized (this) {
                if (closed || finishing || closeCode != null || closeStarted || sending || !queue.isEmpty()
                        || idleWaiters.isEmpty()) {
                    return;
                }
                next = idleWaiters.pollFirst();
            }
            next.run();
        }
    }

    /**
     * Sends a WebSocket ping (the heartbeat), in turn with the frames: at once on the calling thread when nothing is
     * in flight, else right after the write in flight. Nothing once a close was asked for.
     */
    public void ping() {
        synchronized (this) {
            if (closed || finishing || closeCode != null || closeStarted) {
                return;
            }
            if (sending) {
                pingWanted = true;
                return;
            }
            sending = true;
        }
        transport.ping();
        continueAfterWrite();
    }

    /**
     * Closes the connection after the write in flight, and with a code that {@linkplain CloseCode#drainFirst drains
     * first} after what is queued (nothing new is taken meanwhile); otherwise the queue is dropped. The first close
     * stands: returns false when a close was already asked for.
     */
    public boolean close(CloseCode code, String reason) {
        synchronized (this) {
            if (closeCode != null || closeStarted) {
                return false;
            }
            pingWanted = false;
            if (code.drainFirst() && !closed) {
                finishing = true;
                idleWaiters.clear();
            } else {
                dropQueue();
            }
            if (sending) { // nothing in flight means nothing queued either: an idle outbox sends at once
                closeCode = code;
                closeReason = reason;
                closeWaitSince = NONE;
                return true;
            }
            closeStarted = true;
        }
        transport.close(code, reason);
        return true;
    }

    /**
     * Closes on the calling thread, dropping what is still queued, for a client that must get nothing more and must get
     * this code before anything else can close the socket (its login ended: the container closes such sockets itself
     * right after, with its own code). Waits for the write in flight, at most {@code closeWaitMs}, then aborts. This
     * code replaces one that was still waiting.
     */
    public void closeNow(CloseCode code, String reason) {
        boolean stuck;
        synchronized (this) {
            if (closeStarted) {
                return;
            }
            dropQueue();
            pingWanted = false;
            closeCode = null;
            closeStarted = true; // from here on, a completion takes nothing more and starts no other close
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(closeWaitMs);
            long left;
            while (sending && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            stuck = sending;
        }
        if (stuck) {
            transport.abort(code, reason);
        } else {
            transport.close(code, reason);
        }
    }

    /**
     * The housekeeping tick, about once a second: a close that has waited {@code closeWaitMs} for a write in flight
     * without any write completing aborts the connection (the client does not read; no close frame can reach it).
     */
    public void expire(long nowMillis) {
        CloseCode code;
        String reason;
        synchronized (this) {
            if (closeCode == null) {
                return;
            }
            if (closeWaitSince == NONE) {
                closeWaitSince = nowMillis;
                return;
            }
            if (nowMillis - closeWaitSince < closeWaitMs) {
                return;
            }
            code = closeCode;
            reason = closeReason;
            closeCode = null;
            closeStarted = true;
            dropQueue();
        }
        transport.abort(code, reason);
    }

    /** Stops accepting frames; what is queued is discarded (the socket is gone). */
    public synchronized void shut() {
        dropQueue();
        closeCode = null;
        closeStarted = true;
        pingWanted = false;
        notifyAll();
    }

    /** Frames and UTF-8 bytes waiting (not counting the send in flight). */
    public synchronized long[] queued() {
        return new long[] {queue.size(), queuedBytes};
    }

    /** True when nothing is queued or in flight. */
    public synchronized boolean idle() {
        return queue.isEmpty() && !sending;
    }

    /** True once a close was asked for (or the socket is gone): the connection takes nothing more. */
    public synchronized boolean closing() {
        return finishing || closeCode != null || closeStarted;
    }

    /** Caller holds the monitor. */
    private void dropQueue() {
        closed = true;
        queue.clear();
        queuedBytes = 0;
        idleWaiters.clear();
    }

    private void slowConsumer() {
        if (close(CloseCode.SLOW_CONSUMER, "slow consumer: outbound queue overflowed")) {
            stats.slowConsumerCloses.increment();
        }
    }

    private void schedule(Runnable task) {
        try {
            sender.execute(task);
        } catch (RejectedExecutionException e) { // the hub is stopping: nothing more goes out
            synchronized (this) {
                closed = true;
                sending = false;
                notifyAll();
            }
        }
    }

    /**
     * What the owner of the write-in-flight flag does next, once a write completed; caller holds the monitor. A close
     * that waited (and, draining, found the queue empty) comes first, then a ping that waited, then the queue. Null:
     * the outbox went idle.
     */
    private Object next() {
        inFlightBytes = 0; // the write completed (nextBatch sets it again)
        if (closeCode != null && (closed || queue.isEmpty())) {
            sending = false;
            notifyAll();
            return takeClose();
        }
        if (closeCode != null) {
            closeWaitSince = NONE; // a write completed: the client reads, the close keeps waiting for the queue
        }
        if (pingWanted && !closed) {
            pingWanted = false;
            return PING;
        }
        if (!closed && !queue.isEmpty()) {
            return nextBatch();
        }
        sending = false;
        notifyAll();
        return null;
    }

    /** Caller holds the monitor and a close waits: the close, taken to run now. */
    private Runnable takeClose() {
        CloseCode code = closeCode;
        String reason = closeReason;
        closeCode = null;
        closeStarted = true;
        return () -> transport.close(code, reason);
    }

    /** Takes everything queued, up to the batch limit, as one text; caller holds the monitor and the queue is not empty. */
    private Outgoing nextBatch() {
        Outgoing first = queue.pollFirst();
        int firstBytes = first.bytes();
        queuedBytes -= firstBytes;
        stats.framesOut.increment();
        if (queue.isEmpty() || firstBytes + 1 + queue.peekFirst().bytes() > batchMaxBytes) {
            inFlightBytes = firstBytes;
            return first; // as it is: a shared frame stays shared
        }
        StringBuilder out = new StringBuilder((int) Math.min(batchMaxBytes, queuedBytes + firstBytes + queue.size() + 1));
        out.append(first.text());
        int bytes = firstBytes;
        Outgoing traced = first.trace() != null ? first : null; // the earliest traced frame: what send lines measure from
        String traces = first.trace();
        SendSamples.Sample sample = first.sample;
        Outgoing next;
        while ((next = queue.peekFirst()) != null && bytes + 1 + next.bytes() <= batchMaxBytes) {
            queue.pollFirst();
            queuedBytes -= next.bytes();
            bytes += 1 + next.bytes();
            out.append('\n').append(next.text());
            if (next.trace() != null) {
                traced = traced == null ? next : traced;
                traces = traces == null ? next.trace() : traces + " " + next.trace();
            }
            sample = sample != null ? sample : next.sample;
        }
        inFlightBytes = bytes;
        Outgoing batch = traced == null ? new Outgoing(out.toString())
                : new Outgoing(out.toString(), traces, traced.bornNanos());
        batch.sample = sample; // the batch's send is that frame's send
        return batch;
    }

    /**
     * Owns the write-in-flight flag and does {@code work}: writes, and keeps going on this thread while writes
     * complete on it (a loop, not a recursion); a write that completes later continues on the completing thread.
     */
    private void run(Object work) {
        while (work != null) {
            if (work instanceof Runnable close) {
                close.run();
                return;
            }
            if (work == PING) {
                transport.ping();
                synchronized (this) {
                    work = next();
                }
                continue;
            }
            synchronized (this) {
                sendingThread = Thread.currentThread().getId();
                completedInline = false;
            }
            Outgoing inFlight = (Outgoing) work;
            SendSamples.Sample sample = inFlight.sample;
            transport.send(inFlight, inFlight.trace() == null && sample == null ? this::sent : failure -> {
                if (inFlight.trace() != null) {
                    TraceLog.sent(inFlight, owner, failure);
                }
                if (sample != null && failure == null) {
                    sample.sent();
                }
                sent(failure);
            });
            synchronized (this) {
                sendingThread = NONE;
                if (!completedInline) {
                    return; // completes later, on another thread, which continues
                }
                work = next();
            }
        }
        runIdleWaiters(); // went idle on this thread: a long reply's next page
    }

    /** After a ping on a thread that is not the sender's (the tick): what waited goes on the send executor. */
    private void continueAfterWrite() {
        Object work;
        synchronized (this) {
            work = next();
        }
        if (work instanceof Runnable close) {
            close.run();
        } else if (work != null) {
            schedule(() -> run(work));
        } else {
            runIdleWaiters();
        }
    }

    private void sent(Throwable failure) {
        if (failure == null) {
            synchronized (this) {
                if (sendingThread == Thread.currentThread().getId()) {
                    completedInline = true;
                    return;
                }
            }
            continueAfterWrite(); // what accumulated meanwhile goes out together, off the completing thread
            return;
        }
        Runnable close = null;
        boolean unexplained;
        synchronized (this) {
            sending = false;
            inFlightBytes = 0;
            stats.dropped.add(queue.size());
            dropQueue();
            pingWanted = false;
            if (closeCode != null) {
                close = takeClose(); // the socket may still take the close frame
            }
            unexplained = close == null && !closeStarted;
            notifyAll();
        }
        if (close != null) {
            close.run();
        } else if (unexplained && transport.isOpen()) {
            // On an open socket the container refused to queue more (its write queue is bounded too): the client
            // is not reading. On a closed or closing one, the endpoint's close callback releases the connection.
            slowConsumer();
        }
    }
}

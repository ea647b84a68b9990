package dev.switchboard.core;

import dev.switchboard.protocol.CloseCode;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The outbound side of one connection: a bounded queue ({@link FrameQueue}: frames and UTF-8 bytes), one write in
 * flight at a time ({@link SendLoop}), the backlog sent as one frame of {@code \n}-separated objects
 * ({@link Batches}), and the close ({@link CloseState}). This class is what the rest of the core calls; the parts
 * behind it do one job each.
 *
 * <p>Overflow means the client does not read fast enough: the queue is dropped and the connection is closed with
 * 4001; the client reconnects and recovers with {@code since}. Nobody else waits for it.
 *
 * <p>A long reply (a recovery) goes out a page at a time ({@link #whenIdle}): the next page is offered once the outbox
 * sent the previous one, so a client that reads is never closed for the size of what it asked for.
 *
 * <p><b>Everything this side writes to the socket goes through here, one write at a time</b>: message frames, the
 * heartbeat's pings ({@link #ping}) and the close ({@link #close}, {@link #closeNow}). A close never reaches the
 * transport while a write of this connection is in flight ({@link CloseState} says why and how long it waits); a close
 * that waited {@code closeWaitMs} without any write completing is {@linkplain Transport#abort aborted} by the
 * housekeeping tick ({@link #expire}). {@link #closeNow} waits on the calling thread, within the same bound.
 *
 * <p>Locking rule: this object's monitor is the one lock of the outbox. It guards the queue, the close state and the
 * send loop's flags (those parts take no lock of their own), and only those; {@link Transport} is never called while
 * holding it (a completion may run on the sending thread and re-enter), except that {@link #offer} and
 * {@link #admitTransportBytes} read {@link Transport#pendingBytes} just before taking it. The one wait is
 * {@link #closeNow}'s, which releases the monitor while it waits.
 */
public final class Outbox {

    /** How long a close waits for a write in flight that makes no progress before the connection is aborted. */
    public static final long CLOSE_WAIT_MS = 2000;
    private static final Logger LOG = System.getLogger(Outbox.class.getName());

    private final Transport transport;
    private final Stats stats;
    private final FrameQueue queue;
    private final CloseState closes;
    private final SendLoop loop;
    /** Whose queue this is, for log lines (the connection, once it exists); set before anything is queued. */
    private volatile Object owner = "a connection";

    public Outbox(Transport transport, Executor sender, Stats stats, int maxFrames, long maxBytes, int batchMaxBytes) {
        this(transport, sender, stats, maxFrames, maxBytes, batchMaxBytes, CLOSE_WAIT_MS);
    }

    Outbox(Transport transport, Executor sender, Stats stats, int maxFrames, long maxBytes, int batchMaxBytes,
           long closeWaitMs) {
        this.transport = transport;
        this.stats = stats;
        this.queue = new FrameQueue(maxFrames, maxBytes);
        this.closes = new CloseState(closeWaitMs);
        this.loop = new SendLoop(this, transport, sender, stats, queue, closes, batchMaxBytes);
    }

    /** Names the queue's connection in log lines. */
    void owner(Object connection) {
        this.owner = connection;
    }

    /** The queue's connection, for log lines. */
    Object owner() {
        return owner;
    }

    /** Frames and UTF-8 bytes waiting (the one in flight not counted): the admin view's queue depth. */
    public synchronized Depth depth() {
        return new Depth(queue.size(), queue.bytes(), loop.sending());
    }

    /** A queue's depth at one moment. */
    public record Depth(int frames, long bytes, boolean sending) {}

    /** Queues one frame (JSON text of one object). Returns false if the connection is closed or just overflowed. */
    public boolean offer(String json) {
        return offer(new Outgoing(json));
    }

    /** Queues one frame that may be queued for other connections too (a room's message). */
    public boolean offer(Outgoing frame) {
        return offer(frame, null);
    }

    /**
     * {@link #offer(Outgoing)} within a fan-out: when the outbox is idle its send is collected in {@code starts}, which
     * the fan-out flushes once for all members (null: handed to the send executor at once).
     */
    boolean offer(Outgoing frame, Starts starts) {
        int length = frame.bytes();
        long pending = transport.pendingBytes(); // read before the monitor: the transport is never called under it
        boolean overflowed = false;
        synchronized (this) {
            if (!takesFrames()) {
                return false;
            }
            if (queue.admits(length, pending)) {
                if (loop.sending()) {
                    queue.add(frame, length);
                    return true;
                }
                loop.claim(length); // idle: the frame goes straight to the send executor, not through the queue
            } else {
                stats.dropped.add(queue.size() + 1L);
                loop.drop();
                overflowed = true;
            }
        }
        if (overflowed) {
            LOG.log(Level.INFO, "{0}: outbound queue overflowed{1}; closing with 4001", owner,
                    frame.trace() == null ? "" : " at the message of trace " + frame.trace());
            slowConsumer();
            return false;
        }
        if (starts != null) {
            starts.add(loop, frame);
        } else {
            loop.start(frame);
        }
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
            if (!takesFrames()) {
                return false;
            }
            if (queue.fits(bytes, pending)) {
                return true;
            }
            stats.dropped.add(queue.size());
            loop.drop();
        }
        LOG.log(Level.INFO, "{0}: {1} bytes unwritten in the transport (pongs to a client that does not read?); "
                + "closing with 4001", owner, Long.toString(pending));
        slowConsumer();
        return false;
    }

    /** Caller holds the monitor: neither dropped nor draining towards a close. */
    private boolean takesFrames() {
        return !queue.closed() && !closes.draining();
    }

    /** The byte limit ({@code outboxMaxBytes}). */
    public long maxBytes() {
        return queue.maxBytes();
    }

    /** The largest piece of a long reply to offer at once: a quarter of the byte limit. */
    public long pageBytes() {
        return Math.max(1, queue.maxBytes() / 4);
    }

    /**
     * Runs {@code next} once nothing is queued or in flight: at once (on this thread) when the outbox is idle now,
     * else on the thread that completes the last send. Waiters run one at a time, in order: each may offer a page,
     * and the next runs when that page has gone out. Dropped when the connection closes.
     */
    public void whenIdle(Runnable next) {
        loop.whenIdle(next);
    }

    /**
     * Sends a WebSocket ping (the heartbeat), in turn with the frames: at once on the calling thread when nothing is
     * in flight, else right after the write in flight. Nothing once a close was asked for.
     */
    public void ping() {
        loop.ping();
    }

    /**
     * Closes the connection after the write in flight, and with a code that {@linkplain CloseCode#drainFirst drains
     * first} after what is queued (nothing new is taken meanwhile); otherwise the queue is dropped. The first close
     * stands: returns false when a close was already asked for.
     */
    public boolean close(CloseCode code, String reason) {
        synchronized (this) {
            if (closes.asked()) {
                return false;
            }
            boolean draining = code.drainFirst() && !queue.closed();
            loop.closing(draining);
            if (draining) {
                closes.drain();
            } else {
                loop.drop();
            }
            if (loop.sending()) { // nothing in flight means nothing queued either: an idle outbox sends at once
                closes.await(code, reason);
                return true;
            }
            closes.start();
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
            if (closes.started()) {
                return;
            }
            loop.drop();
            loop.closing(false);
            closes.start(); // from here on, a completion takes nothing more and starts no other close
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(closes.waitMs());
            long left;
            while (loop.sending() && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left); // the send loop notifies when sending ends
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            stuck = loop.sending();
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
        CloseState.Close close;
        synchronized (this) {
            close = closes.expire(nowMillis);
            if (close == null) {
                return;
            }
            loop.drop();
        }
        transport.abort(close.code(), close.reason());
    }

    /** Stops accepting frames; what is queued is discarded (the socket is gone). */
    public synchronized void shut() {
        loop.drop();
        closes.start();
        loop.closing(false);
        notifyAll();
    }

    /** Frames and UTF-8 bytes waiting (not counting the send in flight). */
    public synchronized long[] queued() {
        return new long[] {queue.size(), queue.bytes()};
    }

    /** True when nothing is queued or in flight. */
    public synchronized boolean idle() {
        return queue.isEmpty() && !loop.sending();
    }

    /** True once a close was asked for (or the socket is gone): the connection takes nothing more. */
    public synchronized boolean closing() {
        return closes.closing();
    }

    /** Closes with 4001 (the client does not read fast enough), unless a close was already asked for. */
    void slowConsumer() {
        if (close(CloseCode.SLOW_CONSUMER, "slow consumer: outbound queue overflowed")) {
            stats.slowConsumerCloses.increment();
        }
    }
}

package dev.switchboard.core;

import dev.switchboard.protocol.CloseCode;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The outbound queue of one connection: bounded by frames and by bytes (UTF-8), with one send in flight at a time.
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
 * <p>Every close of the connection goes through here ({@link #close}): a close code that drains first waits until
 * what is queued has gone out (the replies and errors that explain the close); one that does not drops the queue.
 *
 * <p>Sends run on the hub's send executor, never on the thread that delivers a message to a whole room: that
 * thread only enqueues, so a room's fan-out costs one queue operation per member, and while a member's send is
 * in flight its next messages accumulate and leave together.
 *
 * <p>Locking rule: the monitor guards the queue and the flags only; {@link Transport} is never called while holding
 * it (a completion may run on the sending thread and re-enter).
 */
public final class Outbox {

    private static final Logger LOG = System.getLogger(Outbox.class.getName());
    private static final long NONE = -1;

    private final Transport transport;
    private final Executor sender;
    private final Stats stats;
    private final int maxFrames;
    private final long maxBytes;
    private final int batchMaxBytes;

    private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
    private long queuedBytes;
    /** Bytes of the frame in flight (0 when none). */
    private long inFlightBytes;
    /** Run, one at a time, whenever the outbox has nothing queued or in flight ({@link #whenIdle}). */
    private final ArrayDeque<Runnable> idleWaiters = new ArrayDeque<>();
    private boolean sending;
    /** Nothing more is taken or sent. */
    private boolean closed;
    /** Set by a draining {@link #close}: no more frames are taken; {@code finisher} runs once the queue is empty. */
    private boolean finishing;
    private Runnable finisher;
    /** The thread currently inside transport.send, to turn a completion on that same thread into a loop. */
    private long sendingThread = NONE; // a thread id, not a Thread: no reference store (G1 card) per send
    private boolean completedInline;
    /** Whose queue this is, for log lines (the connection, once it exists); set before anything is queued. */
    private volatile Object owner = "a connection";

    public Outbox(Transport transport, Executor sender, Stats stats, int maxFrames, long maxBytes, int batchMaxBytes) {
        this.transport = transport;
        this.sender = sender;
        this.stats = stats;
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
        this.batchMaxBytes = batchMaxBytes;
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
        boolean start;
        synchronized (this) {
            if (closed || finishing) {
                return false;
            }
            if (queue.size() >= maxFrames || queuedBytes + inFlightBytes + pending + length > maxBytes) {
                stats.dropped.add(queue.size() + 1L);
                dropQueue();
                start = false;
            } else if (sending) {
                queue.addLast(frame);
                queuedBytes += length;
                return true;
            } else {
                // Idle: the frame goes straight to the send task, not through the queue. Besides a queue operation
                // this saves storing a young object into this long-lived outbox's array, which under G1 dirties a
                // card per recipient that the collector must then scan (5000 subscribers: 5000 cards a message).
                sending = true;
                inFlightBytes = length;
                start = true;
            }
        }
        if (start) {
            schedule(() -> drain(frame));
            return true;
        }
        LOG.log(Level.INFO, "{0}: outbound queue overflowed{1}; closing with 4001", owner,
                frame.trace() == null ? "" : " at the message of trace " + frame.trace());
        overflowed();
        return false;
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
        overflowed();
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
            if (closed || finishing) {
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
                if (closed || finishing || sending || !queue.isEmpty() || idleWaiters.isEmpty()) {
                    return;
                }
                next = idleWaiters.pollFirst();
            }
            next.run();
        }
    }

    /**
     * Closes the connection: with a code that {@linkplain CloseCode#drainFirst drains first}, after what is queued
     * has gone out (nothing new is taken meanwhile); otherwise at once, dropping the queue. The first close stands.
     */
    public void close(CloseCode code, String reason) {
        Runnable closer = () -> transport.close(code, reason);
        synchronized (this) {
            if (closed || finishing) {
                return;
            }
            if (code.drainFirst()) {
                finishing = true;
                idleWaiters.clear();
                if (sending || !queue.isEmpty()) {
                    finisher = closer;
                    return; // runs when the queue is empty
                }
            } else {
                dropQueue();
            }
        }
        closer.run();
    }

    /**
     * Closes at once, on the calling thread, dropping what is still queued: for a client that must get nothing more
     * and must get this code before anything else can close the socket (its login ended: the container closes such
     * sockets itself right after, with its own code).
     */
    public void closeNow(CloseCode code, String reason) {
        synchronized (this) {
            dropQueue();
            finisher = null;
        }
        transport.close(code, reason);
    }

    /** Stops accepting frames; what is queued is discarded (the socket is gone). */
    public synchronized void shut() {
        dropQueue();
        finisher = null;
    }

    /** Frames and UTF-8 bytes waiting (not counting the send in flight). */
    public synchronized long[] queued() {
        return new long[] {queue.size(), queuedBytes};
    }

    /** True when nothing is queued or in flight. */
    public synchronized boolean idle() {
        return queue.isEmpty() && !sending;
    }

    /** Caller holds the monitor. */
    private void dropQueue() {
        closed = true;
        queue.clear();
        queuedBytes = 0;
        idleWaiters.clear();
    }

    private void overflowed() {
        stats.slowConsumerCloses.increment();
        transport.close(CloseCode.SLOW_CONSUMER, "slow consumer: outbound queue overflowed");
    }

    private void schedule(Runnable task) {
        try {
            sender.execute(task);
        } catch (RejectedExecutionException e) { // the hub is stopping: nothing more goes out
            synchronized (this) {
                closed = true;
                sending = false;
            }
        }
    }

    /**
     * On the send executor: sends {@code first} (a frame that found the outbox idle and skipped the queue), else what
     * is queued. The in-flight flag is ours.
     */
    private void drain(Outgoing first) {
        Outgoing batch;
        Runnable then = null;
        synchronized (this) {
            if (first != null && !closed) {
                stats.framesOut.increment();
                batch = first;
            } else {
                batch = takeNextOrIdle();
            }
            if (batch == null) {
                then = finisherIfIdle();
            }
        }
        if (batch != null) {
            sendLoop(batch);
        } else if (then != null) {
            then.run();
        } else {
            runIdleWaiters();
        }
    }

    /** Caller holds the monitor, and the outbox just went idle. */
    private Runnable finisherIfIdle() {
        Runnable f = finishing && !sending ? finisher : null;
        finisher = null;
        return f;
    }

    /** Takes everything queued, up to the batch limit, as one text; caller holds the monitor and the queue is not empty. */
    private Outgoing nextBatch() {
        Outgoing first = queue.pollFirst();
        int firstBytes = first.bytes();
        queuedBytes -= firstBytes;
        if (queue.isEmpty() || firstBytes + 1 + queue.peekFirst().bytes() > batchMaxBytes) {
            stats.framesOut.increment();
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
        stats.framesOut.increment();
        inFlightBytes = bytes;
        Outgoing batch = traced == null ? new Outgoing(out.toString())
                : new Outgoing(out.toString(), traces, traced.bornNanos());
        batch.sample = sample; // the batch's send is that frame's send
        return batch;
    }

    private void sendLoop(Outgoing batch) {
        Runnable then = null;
        while (batch != null) {
            synchronized (this) {
                sendingThread = Thread.currentThread().getId();
                completedInline = false;
            }
            Outgoing inFlight = batch;
            SendSamples.Sample sample = batch.sample;
            transport.send(batch, batch.trace() == null && sample == null ? this::sent : failure -> {
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
                    return; // completes later, on another thread, which continues the loop
                }
                batch = takeNextOrIdle();
                if (batch == null) {
                    then = finisherIfIdle();
                }
            }
        }
        if (then != null) {
            then.run();
        } else {
            runIdleWaiters();
        }
    }

    private void sent(Throwable failure) {
        if (failure != null) {
            synchronized (this) {
                sending = false;
                stats.dropped.add(queue.size());
                dropQueue();
            }
            // On an open socket the container refused to queue more (its write queue is bounded too): the
            // client is not reading. On a closed one, the endpoint's close callback releases the connection.
            if (transport.isOpen()) {
                overflowed();
            }
            return;
        }
        Runnable then;
        boolean idle = false;
        synchronized (this) {
            inFlightBytes = 0;
            if (sendingThread == Thread.currentThread().getId()) {
                completedInline = true;
                return;
            }
            if (!closed && !queue.isEmpty()) {
                then = null;
            } else {
                sending = false;
                then = finisherIfIdle();
                idle = then == null;
            }
        }
        if (then != null) {
            then.run();
            return;
        }
        if (idle) {
            runIdleWaiters();
            return;
        }
        schedule(() -> drain(null)); // what accumulated meanwhile goes out together, off the completing thread
    }

    /** Caller holds the monitor. */
    private Outgoing takeNextOrIdle() {
        if (closed || queue.isEmpty()) {
            sending = false;
            inFlightBytes = 0;
            return null;
        }
        return nextBatch();
    }
}

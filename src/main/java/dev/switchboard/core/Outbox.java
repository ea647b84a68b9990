package dev.switchboard.core;

import dev.switchboard.protocol.CloseCode;

import java.util.ArrayDeque;

/**
 * The outbound queue of one connection: bounded by frames and by characters, with one send in flight at a time.
 * When a send completes, everything queued meanwhile goes out as one WebSocket frame (the frames joined by
 * {@code \n}, up to {@code batchMaxBytes}): a recipient that falls behind costs one write per batch, not per frame.
 *
 * <p>Overflow means the client does not read fast enough: the queue is dropped and the connection is closed with
 * 4001; the client reconnects and recovers with {@code since}. Nobody else waits for it.
 *
 * <p>Locking rule: the monitor guards the queue and the in-flight flag only; {@link Transport} is never called
 * while holding it (a completion may run on the sending thread and re-enter).
 */
public final class Outbox {

    private final Transport transport;
    private final Stats stats;
    private final int maxFrames;
    private final long maxChars;
    private final int batchMaxChars;

    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private long queuedChars;
    private boolean sending;
    private boolean closed;
    /** The thread currently inside transport.send, to turn a completion on that same thread into a loop. */
    private Thread sendingThread;
    private boolean completedInline;

    public Outbox(Transport transport, Stats stats, int maxFrames, long maxChars, int batchMaxChars) {
        this.transport = transport;
        this.stats = stats;
        this.maxFrames = maxFrames;
        this.maxChars = maxChars;
        this.batchMaxChars = batchMaxChars;
    }

    /** Queues one frame (JSON text of one object). Returns false if the connection is closed or just overflowed. */
    public boolean offer(String json) {
        String batch;
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (queue.size() >= maxFrames || queuedChars + json.length() > maxChars) {
                closed = true;
                stats.dropped.add(queue.size() + 1L);
                queue.clear();
                queuedChars = 0;
                batch = null;
            } else {
                queue.addLast(json);
                queuedChars += json.length();
                if (sending) {
                    return true;
                }
                sending = true;
                batch = nextBatch();
            }
        }
        if (batch == null) {
            stats.slowConsumerCloses.increment();
            transport.close(CloseCode.SLOW_CONSUMER, "slow consumer: outbound queue overflowed");
            return false;
        }
        sendLoop(batch);
        return true;
    }

    /** Frames waiting to be sent (for tests and stats). */
    public synchronized int queued() {
        return queue.size();
    }

    /** True when nothing is queued or in flight. */
    public synchronized boolean idle() {
        return queue.isEmpty() && !sending;
    }

    /** Stops accepting frames; what is queued is discarded. */
    public synchronized void shut() {
        closed = true;
        queue.clear();
        queuedChars = 0;
    }

    /** Takes everything queued, up to the batch limit, as one text; caller holds the monitor and the queue is not empty. */
    private String nextBatch() {
        String first = queue.pollFirst();
        queuedChars -= first.length();
        if (queue.isEmpty() || first.length() + 1 + queue.peekFirst().length() > batchMaxChars) {
            stats.framesOut.increment();
            return first;
        }
        StringBuilder out = new StringBuilder(Math.min(batchMaxChars, (int) Math.min(Integer.MAX_VALUE, queuedChars + first.length() + queue.size() + 1)));
        out.append(first);
        String next;
        while ((next = queue.peekFirst()) != null && out.length() + 1 + next.length() <= batchMaxChars) {
            queue.pollFirst();
            queuedChars -= next.length();
            out.append('\n').append(next);
        }
        stats.framesOut.increment();
        return out.toString();
    }

    private void sendLoop(String batch) {
        while (batch != null) {
            synchronized (this) {
                sendingThread = Thread.currentThread();
                completedInline = false;
            }
            transport.send(batch, this::sent);
            synchronized (this) {
                sendingThread = null;
                if (!completedInline) {
                    return; // completes later, on another thread, which continues the loop
                }
                batch = takeNextOrIdle();
            }
        }
    }

    private void sent(Throwable failure) {
        String next;
        synchronized (this) {
            if (failure != null) {
                closed = true;
                sending = false;
                stats.dropped.add(queue.size());
                queue.clear();
                queuedChars = 0;
            }
        }
        if (failure != null) {
            // On an open socket the container refused to queue more (its write queue is bounded too): the
            // client is not reading. On a closed one, the endpoint's close callback releases the connection.
            if (transport.isOpen()) {
                stats.slowConsumerCloses.increment();
                transport.close(CloseCode.SLOW_CONSUMER, "slow consumer: outbound queue overflowed");
            }
            return;
        }
        synchronized (this) {
            if (sendingThread == Thread.currentThread()) {
                completedInline = true;
                return;
            }
            next = takeNextOrIdle();
        }
        if (next != null) {
            sendLoop(next);
        }
    }

    /** Caller holds the monitor. */
    private String takeNextOrIdle() {
        if (closed || queue.isEmpty()) {
            sending = false;
            return null;
        }
        return nextBatch();
    }
}

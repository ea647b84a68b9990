package dev.switchboard.core;

import java.util.ArrayDeque;

/**
 * The frames one connection has waiting, and the bounds on them: at most {@code maxFrames} frames, and at most
 * {@code maxBytes} UTF-8 bytes counting what is queued, the write in flight and what the transport holds unwritten for
 * the socket ({@link Transport#pendingBytes}), so that no path to the client holds more than {@code outboxMaxBytes}.
 *
 * <p>Not thread-safe, on purpose: it is part of an {@link Outbox} and guarded by that outbox's monitor, like the rest
 * of its state (one lock for the whole outbox; the send path takes no other). Every method expects the caller to hold
 * it. {@link Transport#pendingBytes} is read by the caller before taking the monitor, because the transport is never
 * called under it, and passed in.
 */
final class FrameQueue {

    private final ArrayDeque<Outgoing> frames = new ArrayDeque<>();
    private final int maxFrames;
    private final long maxBytes;
    private long queuedBytes;
    /** Bytes of the frame in flight (0 when none): it still occupies the client's share until its write completes. */
    private long inFlightBytes;
    /** The queue was dropped (or the sender stopped): nothing more is taken or sent. Never reset. */
    private boolean closed;

    FrameQueue(int maxFrames, long maxBytes) {
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
    }

    /** Whether one more frame of {@code length} bytes fits beside {@code pending} bytes held by the transport. */
    boolean admits(int length, long pending) {
        return frames.size() < maxFrames && fits(length, pending);
    }

    /** Whether {@code bytes} more that are not a frame (a pong the transport writes by itself) fit; no frame count. */
    boolean fits(long bytes, long pending) {
        return queuedBytes + inFlightBytes + pending + bytes <= maxBytes;
    }

    /** Queues a frame that {@link #admits} said fits; {@code length} is its {@link Outgoing#bytes()}. */
    void add(Outgoing frame, int length) {
        frames.addLast(frame);
        queuedBytes += length;
    }

    /** Takes the oldest frame off the queue (null when empty); its bytes stop counting as queued. */
    Outgoing poll() {
        Outgoing first = frames.pollFirst();
        if (first != null) {
            queuedBytes -= first.bytes();
        }
        return first;
    }

    /** The oldest frame, left in the queue; null when empty. */
    Outgoing peek() {
        return frames.peekFirst();
    }

    /** Notes the bytes of the write now in flight; 0 once it completed. */
    void inFlight(long bytes) {
        inFlightBytes = bytes;
    }

    /** Discards everything queued and takes nothing more ({@link #closed}). */
    void drop() {
        closed = true;
        frames.clear();
        queuedBytes = 0;
    }

    /** Takes and sends nothing more, leaving what is queued where it is (the sender refused work: it is stopping). */
    void close() {
        closed = true;
    }

    /** True once the queue was dropped or closed. */
    boolean closed() {
        return closed;
    }

    /** The limit in bytes. */
    long maxBytes() {
        return maxBytes;
    }

    int size() {
        return frames.size();
    }

    boolean isEmpty() {
        return frames.isEmpty();
    }

    /** UTF-8 bytes queued, not counting the write in flight. */
    long bytes() {
        return queuedBytes;
    }
}

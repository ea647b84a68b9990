package dev.switchboard.core;

import dev.switchboard.protocol.CloseCode;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Entry;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * One connection's membership of one channel. It starts <em>syncing</em>: live entries and signals are buffered
 * while the core reads what the client missed; {@link #activate} then sends the reply and the replay, flushes the
 * buffer (skipping entries already replayed) and goes live. So no entry is lost between the read and going live,
 * and none is sent twice, whichever store is behind it. A subscription {@link #cancel cancelled} before it went live
 * (the client left meanwhile) sends nothing.
 *
 * <p>A long replay goes out in pages ({@link Outbox#whenIdle}), each once the client has taken the one before, so a
 * member that reads is never closed (4001) for the size of its own recovery; the buffer of live entries that grows
 * meanwhile is bounded by the outbox's byte limit (beyond it the member does not keep up: 4001).
 *
 * <p>Threads: {@link #deliver} runs on the bus's delivery thread, one entry of a channel at a time;
 * {@link #activate} on the thread that finished the read. The monitor is held only while syncing; the live path
 * takes no lock. {@link #sent} may be read by any thread (a release store on the delivery path, which costs nothing
 * more than a plain one on x86, paired with an acquire load).
 */
final class Subscription {

    private static final VarHandle LAST_OFFSET;
    private static final VarHandle READ_MARK;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            LAST_OFFSET = lookup.findVarHandle(Subscription.class, "lastOffset", long.class);
            READ_MARK = lookup.findVarHandle(Subscription.class, "readMark", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Connection connection;
    final ChannelId channel;
    private volatile boolean live;
    /** Highest offset sent; written under the monitor until live, then only by the delivery thread. */
    private long lastOffset;
    /** Chat 1.1: the highest read position of this connection's user in the room that this connection knows of. */
    private volatile long readMark;
    private List<Object> buffer = new ArrayList<>();
    /** Bytes of what {@link #buffer} holds. */
    private long buffered;
    private boolean cancelled;

    Subscription(Connection connection, ChannelId channel) {
        this.connection = connection;
        this.channel = channel;
    }

    /** Returns true when the entry was handed to the outbox; {@code frame} is its text, shared by the members. */
    boolean deliver(Entry entry, Outgoing frame, Starts starts) {
        if (!live && hold(new Held(entry, frame), frame)) {
            return false;
        }
        return sendEntry(entry, frame, starts);
    }

    /**
     * While syncing: buffers what arrives (true); false once live. Beyond the outbox's byte limit the connection is
     * closed with 4001, as a full outbox would be.
     */
    private boolean hold(Object pending, Outgoing frame) {
        boolean overflow;
        synchronized (this) {
            if (live) {
                return false;
            }
            if (buffer == null) {
                return true;
            }
            buffer.add(pending);
            buffered += frame.bytes();
            overflow = buffered > connection.outbox.maxBytes();
            if (overflow) {
                buffer = null;
                cancelled = true;
            }
        }
        if (overflow) {
            connection.close(CloseCode.SLOW_CONSUMER, "slow consumer: too much arrived while recovering");
        }
        return true;
    }

    private boolean sendEntry(Entry entry, Outgoing frame, Starts starts) {
        if (entry.offset() <= lastOffset) { // the writing thread's own value: a plain read
            return false;
        }
        LAST_OFFSET.setRelease(this, entry.offset());
        return connection.outbox.offer(frame, starts);
    }

    /** The highest offset this connection was sent (0 while it syncs): what its user can have read here. */
    long sent() {
        return (long) LAST_OFFSET.getAcquire(this);
    }

    /** Raises the known read position; true when {@code offset} is higher than it was. */
    boolean raiseRead(long offset) {
        long known;
        do {
            known = readMark;
            if (offset <= known) {
                return false;
            }
        } while (!READ_MARK.compareAndSet(this, known, offset));
        return true;
    }

    long readMark() {
        return readMark;
    }

    void signal(Outgoing frame, Starts starts) {
        if (!live && hold(frame, frame)) {
            return;
        }
        connection.outbox.offer(frame, starts);
    }

    /**
     * Sends {@code frames} (the reply and any replay, which reach up to offset {@code upTo}) a page at a time, then
     * what was buffered meanwhile, and goes live; {@code done} then gets the buffered entries it sent after the frames
     * (those appended during the read and the replay, beyond {@code upTo}). When the frames fit in one page (the usual
     * case) all of this happens before it returns. Nothing is sent, and {@code done} not called, when the member left
     * or the connection closed meanwhile.
     */
    void activate(List<String> frames, long upTo, Consumer<List<Entry>> done) {
        Iterator<Outgoing> each = frames.stream().map(Outgoing::new).iterator(); // made as each page is offered
        new Pages(connection.outbox, each, this::isCancelled, () -> goLive(upTo, done)).run();
    }

    /** {@link #activate} with frames made by the caller (which may carry {@link Outgoing#written} hooks). */
    void activateFrames(List<Outgoing> frames, long upTo) {
        new Pages(connection.outbox, frames.iterator(), this::isCancelled, () -> goLive(upTo, flushed -> { })).run();
    }

    /** {@link #activate} for callers that need not know what was flushed. */
    void activate(List<String> frames, long upTo) {
        activate(frames, upTo, flushed -> { });
    }

    private synchronized boolean isCancelled() {
        return cancelled;
    }

    private void goLive(long upTo, Consumer<List<Entry>> done) {
        List<Entry> flushed = flush(upTo);
        if (flushed != null) {
            done.accept(flushed);
        }
    }

    /** Sends what was buffered beyond {@code upTo} and goes live; null when cancelled meanwhile. */
    private synchronized List<Entry> flush(long upTo) {
        if (cancelled) {
            return null;
        }
        LAST_OFFSET.setRelease(this, upTo);
        List<Entry> flushed = List.of();
        for (Object pending : buffer) {
            if (pending instanceof Held held) {
                if (sendEntry(held.entry, held.frame, null)) {
                    flushed = flushed.isEmpty() ? new ArrayList<>() : flushed;
                    flushed.add(held.entry);
                }
            } else {
                connection.outbox.offer((Outgoing) pending);
            }
        }
        buffer = null;
        live = true;
        return flushed;
    }

    /**
     * An entry that arrived while syncing, with the frame all members share: it keeps that frame's trace and
     * publish-to-send sample (a frame made anew from the entry lost both for a member that was joining).
     */
    private record Held(Entry entry, Outgoing frame) {}

    /** The member left before the subscription went live: nothing is sent any more. */
    synchronized void cancel() {
        cancelled = true;
        buffer = null;
    }
}

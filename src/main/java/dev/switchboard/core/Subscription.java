package dev.switchboard.core;

import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Entry;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * One connection's membership of one channel. It starts <em>syncing</em>: live entries and signals are buffered
 * while the core reads what the client missed; {@link #activate} then sends the reply and the replay, flushes the
 * buffer (skipping entries already replayed) and goes live. So no entry is lost between the read and going live,
 * and none is sent twice, whichever store is behind it. A subscription {@link #cancel cancelled} before it went live
 * (the client left meanwhile) sends nothing.
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
    private boolean cancelled;

    Subscription(Connection connection, ChannelId channel) {
        this.connection = connection;
        this.channel = channel;
    }

    /** Returns true when the entry was handed to the outbox; {@code frame} is its text, shared by the members. */
    boolean deliver(Entry entry, Outgoing frame) {
        if (!live) {
            synchronized (this) {
                if (!live) {
                    if (buffer != null) {
                        buffer.add(entry);
                    }
                    return false;
                }
            }
        }
        return sendEntry(entry, frame);
    }

    private boolean sendEntry(Entry entry, Outgoing frame) {
        if (entry.offset() <= lastOffset) { // the writing thread's own value: a plain read
            return false;
        }
        LAST_OFFSET.setRelease(this, entry.offset());
        return connection.outbox.offer(frame);
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

    void signal(Outgoing frame) {
        if (!live) {
            synchronized (this) {
                if (!live) {
                    if (buffer != null) {
                        buffer.add(frame);
                    }
                    return;
                }
            }
        }
        connection.outbox.offer(frame);
    }

    /**
     * Sends {@code frames} (the reply and any replay, which reach up to offset {@code upTo}), then goes live. Returns
     * the buffered entries it sent after them (those appended during the read, beyond {@code upTo}).
     */
    synchronized List<Entry> activate(List<String> frames, long upTo) {
        if (cancelled) {
            return List.of();
        }
        for (String frame : frames) {
            connection.outbox.offer(frame);
        }
        LAST_OFFSET.setRelease(this, upTo);
        List<Entry> flushed = List.of();
        for (Object pending : buffer) {
            if (pending instanceof Entry entry) {
                if (sendEntry(entry, new Outgoing(entry.json()))) {
                    flushed = flushed.isEmpty() ? new ArrayList<>() : flushed;
                    flushed.add(entry);
                }
            } else {
                connection.outbox.offer((Outgoing) pending);
            }
        }
        buffer = null;
        live = true;
        return flushed;
    }

    /** The member left before the subscription went live: nothing is sent any more. */
    synchronized void cancel() {
        cancelled = true;
        buffer = null;
    }
}

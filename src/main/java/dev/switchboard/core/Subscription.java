package dev.switchboard.core;

import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Entry;

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
 * takes no lock.
 */
final class Subscription {

    final Connection connection;
    final ChannelId channel;
    private volatile boolean live;
    /** Highest offset sent; written under the monitor until live, then only by the delivery thread. */
    private long lastOffset;
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
        if (entry.offset() <= lastOffset) {
            return false;
        }
        lastOffset = entry.offset();
        return connection.outbox.offer(frame);
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

    /** Sends {@code frames} (the reply and any replay, which reach up to offset {@code upTo}), then goes live. */
    synchronized void activate(List<String> frames, long upTo) {
        if (cancelled) {
            return;
        }
        for (String frame : frames) {
            connection.outbox.offer(frame);
        }
        lastOffset = upTo;
        for (Object pending : buffer) {
            if (pending instanceof Entry entry) {
                sendEntry(entry, new Outgoing(entry.json()));
            } else {
                connection.outbox.offer((Outgoing) pending);
            }
        }
        buffer = null;
        live = true;
    }

    /** The member left before the subscription went live: nothing is sent any more. */
    synchronized void cancel() {
        cancelled = true;
        buffer = null;
    }
}

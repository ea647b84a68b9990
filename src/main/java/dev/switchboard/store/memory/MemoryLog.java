package dev.switchboard.store.memory;

import dev.switchboard.store.Appended;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Entry;
import dev.switchboard.store.Epochs;
import dev.switchboard.store.Log;
import dev.switchboard.store.Slice;
import dev.switchboard.store.StoreUnavailableException;
import dev.switchboard.store.Template;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Bounded history per channel in memory, within a byte budget for the whole node. Its epochs are new whenever a
 * channel's history is lost, so a restart (or forgetting an idle channel) makes reconnecting clients resynchronise.
 *
 * <p>Bounds (docs/security.md): a channel keeps at most {@code historySize} entries and {@code historyMaxBytes} bytes
 * (older entries go first; the newest always stays). The node keeps at most {@code maxChannels} channels and
 * {@code storeMaxBytes} bytes of history ({@link Sizes}); beyond either, channels are forgotten by memory pressure,
 * the one idle longest first, down to a little below the limit (so that a node at its limit does not scan on every
 * append). Never forgotten: a channel with members on this node, a topic that holds notifications and an inbox with
 * whispers not yet delivered to its user, within {@code retentionMs} of their last append (what clients invent costs
 * them their own channels, not other people's history or an application's notifications). When only such channels are
 * left, a new channel is refused ({@link StoreUnavailableException}: the client is told {@code unavailable}) and, over
 * the byte budget, the channel being written sheds its oldest entries.
 *
 * <p>Reading a channel that has no history creates nothing: it answers the current epoch for new channels, which a
 * channel created later takes, so that a client that joined an empty room recovers once it fills (unless some channel
 * was forgotten in between, which starts a new epoch for new channels: a client then resynchronises, harmlessly).
 *
 * <p>Locking: each channel log has its own monitor; an append stores and delivers (to the bus, whose listener only
 * enqueues) under it, which is what keeps delivery in offset order. A log is forgotten under its monitor too and marked
 * dead, so an append that raced with forgetting retries on a fresh log. One thread forgets at a time ({@link #evicting}).
 */
final class MemoryLog implements Log {

    private final int historySize;
    private final long historyMaxBytes;
    private final int maxChannels;
    private final long storeMaxBytes;
    private final long retentionMs;
    private final MemoryBus bus;
    /** Channels whose history must not be forgotten to make room (someone on this node is in them). */
    private final Predicate<ChannelId> occupied;
    /** How far an inbox was delivered to its user (the inbox cursor): below the head, whispers wait. */
    private final ToLongFunction<ChannelId> delivered;
    /** Told when a channel's history is forgotten (its positions mean nothing any more). */
    private final Consumer<ChannelId> forgotten;
    private final LongSupplier millis;
    private final Map<ChannelId, ChannelLog> logs = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong clock = new AtomicLong();
    private final Object evicting = new Object();
    /** The bytes of every channel's entries. */
    private final Pages pages = new Pages();
    /** The epoch a channel created now gets (and a read of a channel without history answers). */
    private volatile String newEpoch = Epochs.next();

    MemoryLog(MemoryStorage.Limits limits, MemoryBus bus, Predicate<ChannelId> occupied,
              ToLongFunction<ChannelId> delivered, Consumer<ChannelId> forgotten, LongSupplier millis) {
        this.historySize = Math.max(1, limits.historySize());
        this.historyMaxBytes = Math.max(1, limits.historyMaxBytes());
        this.maxChannels = Math.max(1, limits.maxChannels());
        this.storeMaxBytes = Math.max(1, limits.storeMaxBytes());
        this.retentionMs = limits.retentionMs();
        this.bus = bus;
        this.occupied = occupied;
        this.delivered = delivered;
        this.forgotten = forgotten;
        this.millis = millis;
    }

    @Override
    public CompletionStage<Appended> append(ChannelId channel, Template frame, String dedupKey) {
        while (true) {
            if (!logs.containsKey(channel) && logs.size() >= maxChannels) {
                makeRoom(channel);
                if (logs.size() >= maxChannels) {
                    return CompletableFuture.failedFuture(new StoreUnavailableException("no history can be kept for "
                            + "another channel: all " + maxChannels + " (maxChannels) are in use or retained", null));
                }
            }
            ChannelLog log = logs.computeIfAbsent(channel, c -> {
                bytes.addAndGet(Sizes.CHANNEL);
                return new ChannelLog(channel, newEpoch);
            });
            Appended appended = log.append(frame, dedupKey);
            if (appended != null) {
                if (logs.size() > maxChannels || bytes.get() > storeMaxBytes) {
                    makeRoom(channel);
                    if (bytes.get() > storeMaxBytes) {
                        log.shed();
                    }
                }
                return CompletableFuture.completedFuture(appended);
            } // forgotten while we got it: a new log
        }
    }

    @Override
    public Slice readAfter(ChannelId channel, long after, int limit) {
        ChannelLog log = logs.get(channel);
        return log == null ? noHistory() : log.after(after, limit);
    }

    @Override
    public Slice readBefore(ChannelId channel, long before, int limit) {
        ChannelLog log = logs.get(channel);
        return log == null ? noHistory() : log.before(before, limit);
    }

    /** What a read of a channel without history answers (never written, or forgotten). */
    private Slice noHistory() {
        return new Slice(newEpoch, 0, List.of());
    }

    @Override
    public int channelCount() {
        return logs.size();
    }

    /** Bytes of history held (entries and channels, as {@link Sizes} counts them). */
    long bytes() {
        return bytes.get();
    }

    /** The store's pages of entries, for tests: every forgotten channel gives its pages back. */
    Pages pages() {
        return pages;
    }

    /** For the metrics: the bytes the byte budget counts ({@link #bytes}: text plus a fixed overhead per entry). */
    @Override
    public long historyBytes() {
        return bytes.get();
    }

    /**
     * Forgets channels, the one idle longest first, until both the channel count and the bytes are a sixteenth below
     * their limits, or nothing more may go. Never {@code keep} (being written), nor a channel {@link #kept}.
     */
    private void makeRoom(ChannelId keep) {
        synchronized (evicting) {
            long targetBytes = storeMaxBytes - storeMaxBytes / 16;
            int targetChannels = maxChannels - Math.max(1, maxChannels / 16);
            if (logs.size() < maxChannels && bytes.get() <= storeMaxBytes) {
                return; // another append made room meanwhile
            }
            long now = millis.getAsLong();
            List<ChannelLog> candidates = new ArrayList<>();
            for (ChannelLog log : logs.values()) {
                if (!log.id.equals(keep) && !kept(log, now)) {
                    candidates.add(log);
                }
            }
            candidates.sort(Comparator.comparingLong(log -> log.lastUsed));
            for (ChannelLog victim : candidates) {
                if (logs.size() <= targetChannels && bytes.get() <= targetBytes) {
                    break;
                }
                if (victim.forget()) {
                    newEpoch = Epochs.next(); // a channel created from now on must not look like the forgotten one
                    forgotten.accept(victim.id);
                }
            }
        }
    }

    /** Whether a channel must stay: members here, or data someone is owed within its retention. */
    private boolean kept(ChannelLog log, long now) {
        if (occupied.test(log.id)) {
            return true;
        }
        boolean retained = retentionMs == 0 || now - log.lastAppendMillis < retentionMs;
        return switch (log.id.kind()) {
            case ROOM -> false;
            case TOPIC -> retained && log.head > 0;
            case INBOX -> retained && delivered.applyAsLong(log.id) < log.head;
        };
    }

    /** One channel's bounded history. */
    private final class ChannelLog {
        final ChannelId id;
        final String epoch;
        final EntryRing entries = new EntryRing(pages);
        /** Bytes of the entries (the channel's own overhead is counted apart). */
        long size;
        volatile long head;
        volatile long lastUsed = clock.incrementAndGet();
        volatile long lastAppendMillis = millis.getAsLong();
        /** Forgotten: no longer in the map; an append that still holds it must start again. */
        boolean dead;

        ChannelLog(ChannelId id, String epoch) {
            this.id = id;
            this.epoch = epoch;
        }

        /** Null when this log was forgotten meanwhile. */
        Appended append(Template frame, String dedupKey) {
            lastUsed = clock.incrementAndGet();
            synchronized (this) {
                if (dead) {
                    return null;
                }
                if (dedupKey != null) {
                    Entry original = entries.entry(entries.offsetOf(dedupKey));
                    if (original != null) {
                        return new Appended(original, epoch, true);
                    }
                }
                long offset = head + 1;
                String json = frame.complete(offset);
                Entry entry = new Entry(offset, json);
                long stored = entries.add(offset, json, dedupKey);
                head = offset;
                lastAppendMillis = millis.getAsLong();
                size += stored;
                long dropped = 0;
                while (entries.size() > historySize || size > historyMaxBytes && entries.size() > 1) {
                    dropped += drop();
                }
                bytes.addAndGet(stored - dropped);
                bus.deliver(id, entry);
                return new Appended(entry, epoch, false);
            }
        }

        /** Drops the oldest entry (caller holds the monitor); returns its size, which {@link #size} lost. */
        private long drop() {
            long dropped = entries.removeFirst();
            size -= dropped;
            return dropped;
        }

        /** Over the node's budget with nothing left to forget: the oldest entries go, down to the newest one. */
        synchronized void shed() {
            long freed = 0;
            while (!dead && entries.size() > 1 && bytes.get() - freed > storeMaxBytes) {
                freed += drop();
            }
            bytes.addAndGet(-freed);
        }

        /** Removes this log from the map; false when it was gone already. */
        synchronized boolean forget() {
            if (dead || !logs.remove(id, this)) {
                return false;
            }
            dead = true;
            entries.release();
            bytes.addAndGet(-(size + Sizes.CHANNEL));
            return true;
        }

        synchronized Slice after(long after, int limit) {
            if (dead) { // forgotten since the caller found it: as if it had not
                return noHistory();
            }
            lastUsed = clock.incrementAndGet();
            int n = entries.size();
            long first = entries.firstOffset();
            int from = after < first ? 0 : (int) Math.min(n, Math.min(after - first, n) + 1);
            int to = (int) Math.min(entries.size(), (long) from + Math.max(0, limit));
            List<Entry> out = new ArrayList<>(to - from);
            entries.read(from, to, out);
            return new Slice(epoch, head, out);
        }

        synchronized Slice before(long before, int limit) {
            if (dead) {
                return noHistory();
            }
            lastUsed = clock.incrementAndGet();
            long first = entries.firstOffset();
            int to = before <= first ? 0 : (int) Math.min(entries.size(), before - first);
            int from = Math.max(0, to - Math.max(0, limit));
            List<Entry> out = new ArrayList<>(to - from);
            entries.read(from, to, out);
            return new Slice(epoch, head, out);
        }
    }
}

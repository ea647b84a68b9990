package dev.switchboard.store.memory;

import dev.switchboard.store.Appended;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Entry;
import dev.switchboard.store.Epochs;
import dev.switchboard.store.Log;
import dev.switchboard.store.Slice;
import dev.switchboard.store.Template;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Bounded history per channel in memory. Its epochs are new for every channel log it creates, so a restart (or
 * forgetting an idle channel) makes reconnecting clients resynchronise.
 *
 * <p>Locking: each channel log has its own monitor; an append stores and delivers (to the bus, whose listener only
 * enqueues) under it, which is what keeps delivery in offset order. Nothing else is called under that monitor.
 */
final class MemoryLog implements Log {

    private final int historySize;
    private final int maxChannels;
    private final MemoryBus bus;
    /** Channels whose history must not be forgotten to make room (someone on this node is in them). */
    private final Predicate<ChannelId> occupied;
    /** Told when a channel's history is forgotten (its positions mean nothing any more). */
    private final Consumer<ChannelId> forgotten;
    private final Map<ChannelId, ChannelLog> logs = new ConcurrentHashMap<>();
    private final AtomicLong clock = new AtomicLong();
    /** Characters of every stored frame (metrics): changed under the channel's monitor, by what that channel holds. */
    private final LongAdder historyChars = new LongAdder();

    MemoryLog(int historySize, int maxChannels, MemoryBus bus, Predicate<ChannelId> occupied,
              Consumer<ChannelId> forgotten) {
        this.historySize = Math.max(1, historySize);
        this.maxChannels = Math.max(1, maxChannels);
        this.bus = bus;
        this.occupied = occupied;
        this.forgotten = forgotten;
    }

    @Override
    public CompletionStage<Appended> append(ChannelId channel, Template frame, String dedupKey) {
        return CompletableFuture.completedFuture(log(channel).append(channel, frame, dedupKey));
    }

    @Override
    public Slice readAfter(ChannelId channel, long after, int limit) {
        return log(channel).after(after, limit);
    }

    @Override
    public Slice readBefore(ChannelId channel, long before, int limit) {
        return log(channel).before(before, limit);
    }

    @Override
    public int channelCount() {
        return logs.size();
    }

    @Override
    public long historyBytes() {
        return historyChars.sum();
    }

    private ChannelLog log(ChannelId channel) {
        ChannelLog log = logs.get(channel);
        if (log != null) {
            return log;
        }
        log = logs.computeIfAbsent(channel, c -> new ChannelLog());
        if (logs.size() > maxChannels) {
            forgetLeastRecentlyUsed(channel);
        }
        return log;
    }

    /** Keeps memory bounded when clients invent names: forgets the least recently used channel nobody is in. */
    private void forgetLeastRecentlyUsed(ChannelId keep) {
        ChannelId victim = null;
        long oldest = Long.MAX_VALUE;
        for (Map.Entry<ChannelId, ChannelLog> e : logs.entrySet()) {
            ChannelId id = e.getKey();
            if (!id.equals(keep) && id.kind() != ChannelId.Kind.INBOX && e.getValue().lastUsed < oldest
                    && !occupied.test(id)) {
                oldest = e.getValue().lastUsed;
                victim = id;
            }
        }
        if (victim != null) {
            ChannelLog gone = logs.remove(victim);
            if (gone != null) {
                gone.forget();
            }
            forgotten.accept(victim);
        }
    }

    private record Stored(Entry entry, String dedupKey) {}

    /** One channel's bounded history. */
    private final class ChannelLog {
        final String epoch = Epochs.next();
        final ArrayDeque<Stored> entries = new ArrayDeque<>();
        final Map<String, Stored> byDedupKey = new HashMap<>();
        long head;
        volatile long lastUsed = clock.incrementAndGet();
        /** Characters of the frames held; counted in {@code historyChars} until the channel is forgotten. */
        long chars;
        boolean forgotten;

        /** Taken out of the map: what it holds no longer counts (a racing append to it is not counted either). */
        synchronized void forget() {
            forgotten = true;
            historyChars.add(-chars);
            chars = 0;
        }

        /** Caller holds the monitor. */
        private void counted(Entry entry, int sign) {
            if (!forgotten) {
                chars += sign * entry.json().length();
                historyChars.add(sign * (long) entry.json().length());
            }
        }

        Appended append(ChannelId channel, Template frame, String dedupKey) {
            lastUsed = clock.incrementAndGet();
            synchronized (this) {
                if (dedupKey != null) {
                    Stored original = byDedupKey.get(dedupKey);
                    if (original != null) {
                        return new Appended(original.entry, epoch, true);
                    }
                }
                long offset = ++head;
                Stored stored = new Stored(new Entry(offset, frame.complete(offset)), dedupKey);
                entries.addLast(stored);
                counted(stored.entry, 1);
                if (dedupKey != null) {
                    byDedupKey.put(dedupKey, stored);
                }
                while (entries.size() > historySize) {
                    Stored dropped = entries.removeFirst();
                    counted(dropped.entry, -1);
                    if (dropped.dedupKey != null) {
                        byDedupKey.remove(dropped.dedupKey);
                    }
                }
                bus.deliver(channel, stored.entry);
                return new Appended(stored.entry, epoch, false);
            }
        }

        synchronized Slice after(long after, int limit) {
            List<Entry> out = new ArrayList<>(Math.min(limit, entries.size()));
            for (Stored s : entries) {
                if (s.entry.offset() > after) {
                    if (out.size() == limit) {
                        break;
                    }
                    out.add(s.entry);
                }
            }
            return new Slice(epoch, head, out);
        }

        synchronized Slice before(long before, int limit) {
            ArrayDeque<Entry> out = new ArrayDeque<>(Math.min(limit, entries.size()));
            Iterator<Stored> newestFirst = entries.descendingIterator();
            while (newestFirst.hasNext() && out.size() < limit) {
                Entry e = newestFirst.next().entry;
                if (e.offset() < before) {
                    out.addFirst(e);
                }
            }
            return new Slice(epoch, head, new ArrayList<>(out));
        }
    }
}

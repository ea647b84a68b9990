package dev.switchboard.core;

import dev.switchboard.store.Appended;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Entry;
import dev.switchboard.store.Slice;

import dev.switchboard.store.Template;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The single-node backplane: bounded history per channel in memory. Its epochs are new for every channel log it
 * creates, so a restart (or forgetting an idle channel) makes reconnecting clients resynchronise.
 *
 * <p>Locking: each channel log has its own monitor; an append stores and delivers (to the listener, which only
 * enqueues) under it, which is what keeps delivery in offset order. Nothing else is called under that monitor.
 */
public final class MemoryBackplane implements Backplane {

    private final int historySize;
    private final int maxChannels;
    private final Map<ChannelId, Log> logs = new ConcurrentHashMap<>();
    private final Map<ChannelId, Map<String, Integer>> presence = new ConcurrentHashMap<>();
    private final Map<String, Integer> connections = new ConcurrentHashMap<>();
    private final Map<String, Long> cursors = new ConcurrentHashMap<>();
    private final AtomicLong clock = new AtomicLong();
    private volatile Listener listener;

    public MemoryBackplane(int historySize, int maxChannels) {
        this.historySize = Math.max(1, historySize);
        this.maxChannels = Math.max(1, maxChannels);
    }

    @Override
    public void start(Listener listener) {
        this.listener = listener;
    }

    /** One channel's bounded history. */
    private final class Log {
        final String epoch = Ids.epoch();
        final ArrayDeque<Stored> entries = new ArrayDeque<>();
        final Map<String, Stored> byDedupKey = new HashMap<>();
        long head;
        volatile long lastUsed = clock.incrementAndGet();

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
                if (dedupKey != null) {
                    byDedupKey.put(dedupKey, stored);
                }
                while (entries.size() > historySize) {
                    Stored dropped = entries.removeFirst();
                    if (dropped.dedupKey != null) {
                        byDedupKey.remove(dropped.dedupKey);
                    }
                }
                Listener l = listener;
                if (l != null) {
                    l.onEntry(channel, stored.entry);
                }
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

    private record Stored(Entry entry, String dedupKey) {}

    private Log log(ChannelId channel) {
        Log log = logs.get(channel);
        if (log != null) {
            return log;
        }
        log = logs.computeIfAbsent(channel, c -> new Log());
        if (logs.size() > maxChannels) {
            forgetLeastRecentlyUsed(channel);
        }
        return log;
    }

    /** Keeps memory bounded when clients invent room names: forgets the least recently used channel nobody is in. */
    private void forgetLeastRecentlyUsed(ChannelId keep) {
        ChannelId victim = null;
        long oldest = Long.MAX_VALUE;
        for (Map.Entry<ChannelId, Log> e : logs.entrySet()) {
            ChannelId id = e.getKey();
            Map<String, Integer> here = presence.get(id);
            boolean occupied = here != null && !here.isEmpty();
            if (!id.equals(keep) && !occupied && id.kind() != ChannelId.Kind.INBOX && e.getValue().lastUsed < oldest) {
                oldest = e.getValue().lastUsed;
                victim = id;
            }
        }
        if (victim != null) {
            logs.remove(victim);
        }
    }

    @Override
    public Appended append(ChannelId channel, Template frame, String dedupKey) {
        return log(channel).append(channel, frame, dedupKey);
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
    public void signal(ChannelId channel, String json, String exceptUser) {
        Listener l = listener;
        if (l != null) {
            l.onSignal(channel, json, exceptUser);
        }
    }

    @Override
    public boolean presenceUp(ChannelId channel, String user) {
        while (true) {
            Map<String, Integer> here = presence.computeIfAbsent(channel, c -> new LinkedHashMap<>());
            synchronized (here) {
                if (presence.get(channel) == here) { // not removed as empty meanwhile
                    return here.merge(user, 1, Integer::sum) == 1;
                }
            }
        }
    }

    @Override
    public boolean presenceDown(ChannelId channel, String user) {
        Map<String, Integer> here = presence.get(channel);
        if (here == null) {
            return false;
        }
        synchronized (here) {
            Integer count = here.get(user);
            if (count == null) {
                return false;
            }
            if (count > 1) {
                here.put(user, count - 1);
                return false;
            }
            here.remove(user);
            if (here.isEmpty()) {
                presence.remove(channel, here); // bounded memory: rooms nobody is in hold no presence map
            }
            return true;
        }
    }

    @Override
    public List<String> members(ChannelId channel) {
        Map<String, Integer> here = presence.get(channel);
        if (here == null) {
            return List.of();
        }
        synchronized (here) {
            return new ArrayList<>(here.keySet());
        }
    }

    @Override
    public int connect(String user, boolean exclusive) {
        int[] result = new int[1];
        connections.compute(user, (u, count) -> {
            if (count != null && exclusive) {
                result[0] = 0;
                return count;
            }
            result[0] = count == null ? 1 : count + 1;
            return result[0];
        });
        return result[0];
    }

    @Override
    public void disconnect(String user) {
        connections.computeIfPresent(user, (u, count) -> count > 1 ? count - 1 : null);
    }

    @Override
    public long cursor(String user) {
        return cursors.getOrDefault(user, 0L);
    }

    @Override
    public void advanceCursor(String user, long offset) {
        cursors.merge(user, offset, Math::max);
    }

    @Override
    public String health() {
        return "UP";
    }

    @Override
    public int channelCount() {
        return logs.size();
    }

    @Override
    public void close() {
        listener = null;
    }
}

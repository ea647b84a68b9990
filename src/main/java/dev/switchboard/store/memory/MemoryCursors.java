package dev.switchboard.store.memory;

import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Cursors;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One node's cursors, gone with the process like the history they point into. */
final class MemoryCursors implements Cursors {

    private record Key(ChannelId channel, String user) {}

    private final Map<Key, Long> cursors = new ConcurrentHashMap<>();

    @Override
    public long get(ChannelId channel, String user) {
        return cursors.getOrDefault(new Key(channel, user), 0L);
    }

    @Override
    public void advance(ChannelId channel, String user, long offset) {
        cursors.merge(new Key(channel, user), offset, Math::max);
    }
}

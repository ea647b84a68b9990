package dev.switchboard.store.memory;

import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Cursors;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One node's cursors, gone with the process like the history they point into. A channel's cursors go with its history
 * when the log forgets the channel ({@link #forget}): its offsets start again at 1 in a new epoch, so old positions
 * would point beyond the new history, and memory stays bounded by the channels the log keeps.
 */
final class MemoryCursors implements Cursors {

    private final Map<ChannelId, Map<String, Long>> cursors = new ConcurrentHashMap<>();

    @Override
    public long get(ChannelId channel, String user) {
        Map<String, Long> users = cursors.get(channel);
        return users == null ? 0 : users.getOrDefault(user, 0L);
    }

    @Override
    public void advance(ChannelId channel, String user, long offset) {
        cursors.computeIfAbsent(channel, c -> new ConcurrentHashMap<>()).merge(user, offset, Math::max);
    }

    /** The log forgot the channel's history. */
    void forget(ChannelId channel) {
        cursors.remove(channel);
    }
}

package dev.switchboard.core;

import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Presence;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Leaves a room's presence late: a connection that leaves a room (left, closed, dropped) still counts there for
 * {@code presenceGraceMs}, so a user who is back within it (a tab reload, a flaky network, a reconnect) was never gone
 * for the others: neither the leave nor the join is announced, and {@code members} shows the user throughout. A user
 * who stays away is announced as gone once the grace has passed (at the hub's next once-a-second tick). Presence stays
 * once per user: the store still counts connections, only the departing ones are counted a little longer.
 *
 * <p>Memory: one entry per user and room with departures in the last grace period, at most {@link #MAX_WAITING}; beyond
 * it a departure leaves at once (announced as before). Threads: {@link #leave} on any connection's thread, {@link #due}
 * on the housekeeping tick; a map entry is taken out before its departures are carried out, so none runs twice.
 */
final class PresenceGrace {

    static final int MAX_WAITING = 100_000;

    private record Key(ChannelId room, String user) {}

    /** Departures of one user from one room waiting for their grace to end. */
    private record Waiting(int count, long dueMillis) {}

    private final Presence presence;
    private final long graceMs;
    /** Told when a user's last connection left a room for good (the announcement). */
    private final BiConsumer<ChannelId, String> gone;
    private final Map<Key, Waiting> waiting = new ConcurrentHashMap<>();

    PresenceGrace(Presence presence, long graceMs, BiConsumer<ChannelId, String> gone) {
        this.presence = presence;
        this.graceMs = graceMs;
        this.gone = gone;
    }

    /** A connection of {@code user} is no longer in {@code room}: it stops counting there after the grace. */
    void leave(ChannelId room, String user, long nowMillis) {
        Key key = new Key(room, user);
        if (graceMs <= 0 || waiting.size() >= MAX_WAITING && !waiting.containsKey(key)) {
            leaveNow(room, user, 1);
            return;
        }
        waiting.merge(key, new Waiting(1, nowMillis + graceMs),
                (was, one) -> new Waiting(was.count() + 1, one.dueMillis()));
    }

    /** Carries out the departures whose grace has passed. */
    void due(long nowMillis) {
        List<Map.Entry<Key, Waiting>> ready = new ArrayList<>();
        for (Map.Entry<Key, Waiting> e : waiting.entrySet()) {
            if (e.getValue().dueMillis() <= nowMillis) {
                ready.add(e);
            }
        }
        for (Map.Entry<Key, Waiting> e : ready) {
            if (waiting.remove(e.getKey(), e.getValue())) {
                leaveNow(e.getKey().room(), e.getKey().user(), e.getValue().count());
            }
        }
    }

    private void leaveNow(ChannelId room, String user, int departures) {
        boolean last = false;
        for (int i = 0; i < departures; i++) {
            last |= presence.leave(room, user);
        }
        if (last) {
            gone.accept(room, user);
        }
    }

    int size() {
        return waiting.size();
    }
}

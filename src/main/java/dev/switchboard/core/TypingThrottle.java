package dev.switchboard.core;

import dev.switchboard.store.ChannelId;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most one {@code typing} signal per user and room every {@link #INTERVAL_MS} on this node; the others are dropped
 * silently (typing is a hint, and each one is a message to every member on every node). The JS client sends one per
 * 2 s; a window a little shorter never drops a well-behaved client's frame because of network jitter, while several
 * tabs of one user, or a client in a loop, cost one signal per window.
 *
 * <p>Memory: one entry per user and room that signalled within the window; {@link #purge} (the hub's once-a-second
 * tick) forgets older ones, and beyond {@link #MAX_ENTRIES} a new typer is dropped until it does.
 */
final class TypingThrottle {

    static final long INTERVAL_MS = 1500;
    static final int MAX_ENTRIES = 100_000;

    private record Key(ChannelId room, String user) {}

    private final Map<Key, Long> last = new ConcurrentHashMap<>();

    /** Whether a typing signal of {@code user} in {@code room} may go out now (and counts it if so). */
    boolean allow(ChannelId room, String user, long nowMillis) {
        Key key = new Key(room, user);
        boolean[] allowed = {false};
        if (last.size() >= MAX_ENTRIES && !last.containsKey(key)) {
            return false;
        }
        last.compute(key, (k, at) -> {
            if (at != null && nowMillis - at < INTERVAL_MS) {
                return at;
            }
            allowed[0] = true;
            return nowMillis;
        });
        return allowed[0];
    }

    /** Forgets typers whose window has passed. */
    void purge(long nowMillis) {
        last.values().removeIf(at -> nowMillis - at >= INTERVAL_MS);
    }

    int size() {
        return last.size();
    }
}

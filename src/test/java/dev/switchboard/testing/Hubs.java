package dev.switchboard.testing;

import dev.switchboard.auth.Authenticator;
import dev.switchboard.core.Hub;
import dev.switchboard.core.Stats;
import dev.switchboard.settings.Settings;
import dev.switchboard.store.Storage;
import dev.switchboard.store.memory.MemoryStorage;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Executor;

/** Hubs on the in-memory storage for tests without a container, with their storage connected. */
public final class Hubs {

    private Hubs() {
    }

    /** Settings from the given values only (no system properties or environment). */
    public static Settings settings(Map<String, String> values) {
        return Settings.load(name -> values.get(name.substring("switchboard.".length())), n -> null, n -> null);
    }

    /** {@code sender} null: the hub's own send pool; {@code Runnable::run}: sends complete before hub calls return. */
    public static Hub inMemory(Settings settings, Clock clock, Stats stats, Executor sender) {
        return on(new MemoryStorage(MemoryStorage.Limits.of(settings), clock), settings, clock, stats, sender);
    }

    /** As {@link #inMemory}, on the given storage (a test that plays another node on it, or changes a part of it). */
    public static Hub on(Storage storage, Settings settings, Clock clock, Stats stats, Executor sender) {
        Hub hub = new Hub(settings, storage, new Authenticator(settings, clock), clock, stats, sender);
        hub.listen();
        return hub;
    }
}

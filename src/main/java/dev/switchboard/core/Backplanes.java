package dev.switchboard.core;

import dev.switchboard.settings.Settings;

/** Chooses the backplane from the settings: in memory unless {@code redisUrl} is set. */
public final class Backplanes {

    private Backplanes() {
    }

    public static Backplane create(Settings settings) {
        String redisUrl = settings.get(Settings.Key.REDIS_URL);
        if (!redisUrl.isEmpty()) {
            return new RedisBackplane(settings);
        }
        return new MemoryBackplane(settings.getInt(Settings.Key.HISTORY_SIZE), settings.getInt(Settings.Key.MAX_CHANNELS));
    }
}

package dev.switchboard.core;

/** Chooses the backplane from the settings: in memory unless {@code redisUrl} is set. */
final class Backplanes {

    private Backplanes() {
    }

    static Backplane create(Settings settings) {
        String redisUrl = settings.get(Settings.Key.REDIS_URL);
        if (!redisUrl.isEmpty()) {
            return new RedisBackplane(settings);
        }
        return new MemoryBackplane(settings.getInt(Settings.Key.HISTORY_SIZE), settings.getInt(Settings.Key.MAX_CHANNELS));
    }
}

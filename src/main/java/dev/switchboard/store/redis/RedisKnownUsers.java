package dev.switchboard.store.redis;

import redis.clients.jedis.exceptions.JedisException;

/**
 * The users remembered as existing ({@code Presence.remember}), one key per user with a time to live
 * ({@link Keys#known}): Redis forgets them by itself, so what is remembered stays bounded by the users that
 * connected within that time. Each call is one command, on the caller's thread.
 */
final class RedisKnownUsers {

    private final RedisClient client;
    private final RedisHealth health;

    RedisKnownUsers(RedisClient client, RedisHealth health) {
        this.client = client;
        this.health = health;
    }

    void remember(String user, long ttlMillis) {
        try {
            client.commands().psetex(Keys.known(user), Math.max(1, ttlMillis), "1");
        } catch (JedisException e) {
            health.fail(e); // the user's next connection remembers it again
        }
    }

    /**
     * True also when Redis cannot answer: what asks (a whisper) then fails to be stored anyway, with a message that
     * says why, rather than "no such user".
     */
    boolean remembered(String user) {
        try {
            return client.commands().exists(Keys.known(user));
        } catch (JedisException e) {
            health.fail(e);
            return true;
        }
    }
}

package dev.switchboard.store.redis;

import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Cursors;
import redis.clients.jedis.exceptions.JedisException;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cursors in Redis ({@code sb:{K}:cursors}, user → position, raised by {@code cursor.lua}). {@link #advance} never
 * blocks: it records the position here ({@link #pending}, one per channel and user, the highest wins, so a burst of
 * deliveries to one user is one write) and pokes the {@link RedisWriter}, whose next round writes every pending
 * cursor in its pipeline. A position stays pending until Redis confirmed it, so what could not be written during an
 * outage is written when Redis is back (the heartbeat pokes the writer). {@link #get} answers the higher of Redis's
 * and the pending position.
 *
 * <p>Bound: at most {@value #MAX_PENDING} positions wait; beyond that a new one is dropped (logged): its user may get
 * a few whispers a second time, never loses one.
 */
final class RedisCursors implements Cursors {

    private static final Logger LOG = System.getLogger(RedisCursors.class.getName());
    static final int MAX_PENDING = 100_000;
    /** Cursors written per writer round, so that a backlog does not make one huge pipeline. */
    private static final int PER_ROUND = 1_000;

    private record Key(String channel, String user) {}

    private final Map<Key, Long> pending = new ConcurrentHashMap<>();
    private final RedisClient client;
    private final RedisHealth health;
    private final RedisWriter writer;
    private final String retentionMs;

    /** @param retentionMs cursors expire this long after their last write, like their channel's history (0: never) */
    RedisCursors(RedisClient client, RedisHealth health, RedisWriter writer, long retentionMs) {
        this.client = client;
        this.health = health;
        this.writer = writer;
        this.retentionMs = Long.toString(retentionMs);
        writer.addSource(this::due);
    }

    @Override
    public long get(ChannelId channel, String user) {
        // pending first: a position is removed from pending only once Redis has it, so reading Redis first could miss
        // a position written (and removed from pending) between the two reads
        long waiting = pending.getOrDefault(new Key(channel.key(), user), 0L);
        String stored;
        try {
            stored = client.commands().hget(Keys.channel(channel.key(), "cursors"), user);
        } catch (JedisException e) {
            throw health.unavailable("read the cursor of " + user + " in " + channel.key(), e);
        }
        return Math.max(stored == null ? 0 : Long.parseLong(stored), waiting);
    }

    @Override
    public void advance(ChannelId channel, String user, long offset) {
        Key key = new Key(channel.key(), user);
        if (pending.size() >= MAX_PENDING && !pending.containsKey(key)) {
            LOG.log(Level.WARNING, "{0} cursors wait for Redis; the one of {1} in {2} is dropped", MAX_PENDING, user,
                    channel.key());
            return;
        }
        pending.merge(key, offset, Math::max);
        writer.poke();
    }

    /** No position waits to be written. */
    boolean flushed() {
        return pending.isEmpty();
    }

    /** The writer's source: a call per pending cursor (at most {@value #PER_ROUND}). */
    private List<RedisWriter.Call> due() {
        List<RedisWriter.Call> calls = new ArrayList<>();
        for (Map.Entry<Key, Long> e : pending.entrySet()) {
            if (calls.size() == PER_ROUND) {
                break; // the rest in the next round (see Write.succeed)
            }
            calls.add(new Write(e.getKey(), e.getValue()));
        }
        return calls;
    }

    /** One position on its way; forgotten here only if nothing higher came meanwhile. */
    private final class Write implements RedisWriter.Call {
        private final Key key;
        private final long offset;

        Write(Key key, long offset) {
            this.key = key;
            this.offset = offset;
        }

        @Override
        public Script script() {
            return Script.CURSOR;
        }

        @Override
        public List<String> keys() {
            return List.of(Keys.channel(key.channel(), "cursors"));
        }

        @Override
        public List<String> args() {
            return List.of(key.user(), Long.toString(offset), retentionMs);
        }

        @Override
        public void succeed(Object reply) {
            pending.remove(key, offset);
            if (!pending.isEmpty()) {
                writer.poke(); // more than one round's worth, or raised meanwhile
            }
        }

        @Override
        public void fail(RuntimeException e) {
            // stays pending: the heartbeat pokes the writer once Redis answers again
        }

        @Override
        public void unknown(RuntimeException e) {
            fail(e); // cursor.lua only raises a position: writing it again is harmless
        }
    }
}

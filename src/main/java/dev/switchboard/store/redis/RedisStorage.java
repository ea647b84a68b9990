package dev.switchboard.store.redis;

import dev.switchboard.settings.Settings;
import dev.switchboard.store.Bus;
import dev.switchboard.store.Cluster;
import dev.switchboard.store.Cursors;
import dev.switchboard.store.Log;
import dev.switchboard.store.Presence;
import dev.switchboard.store.PresenceEvent;
import dev.switchboard.store.Storage;
import dev.switchboard.store.Timing;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * The storage of a cluster of Switchboard nodes in Redis (setting {@code redisUrl}): a standalone Redis 7, or a Redis
 * Cluster. It builds its parts from the {@link Settings} and connects in {@link #start}:
 * <ul>
 *   <li>{@link RedisClient}: the URL, the command pool, subscriber connections, slot routing.</li>
 *   <li>{@link RedisWriter}: the writer thread that pipelines appends, signals and cursors.</li>
 *   <li>{@link RedisLog} (history), {@link RedisBus} (sharded pub/sub, with {@link RedisSubscriber} per Redis node
 *       and the bus thread of {@link RedisDelivery}), {@link RedisPresence} (the node-state mirror),
 *       {@link RedisCursors}, {@link RedisCluster} (heartbeat, leases, counters, health).</li>
 * </ul>
 * Key layout: {@link Keys}. Threads: {@code switchboard-redis-writer}, {@code switchboard-redis-bus},
 * {@code switchboard-redis-keeper}, and one {@code switchboard-redis-sub-HOST:PORT} per Redis node that serves a
 * subscribed channel; all daemons, all stopped by {@link #close}.
 */
public final class RedisStorage implements Storage {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String nodeId = randomId() + randomId().substring(0, 8);
    private final RedisClient client;
    private final RedisHealth health;
    private final RedisWriter writer;
    private final RedisLog log;
    private final RedisBus bus;
    private final RedisPresence presence;
    private final RedisCursors cursors;
    private final RedisCluster cluster;
    private volatile boolean started;
    private volatile boolean closed;

    /** Reads the settings (a bad {@code redisUrl} fails here, naming the setting); connects nothing yet. */
    public RedisStorage(Settings settings) {
        this(settings, new Timing());
    }

    /** The same, reporting the round trip of each of the writer's pipelines to {@code roundTrips} (the metrics). */
    public RedisStorage(Settings settings, Timing roundTrips) {
        this.client = new RedisClient(settings, nodeId);
        this.health = new RedisHealth(client.shown());
        long nodeTimeoutMs = Math.max(300, settings.getLong(Settings.Key.REDIS_NODE_TIMEOUT_MS));
        this.writer = new RedisWriter(client, health, settings.getInt(Settings.Key.REDIS_BATCH_SIZE),
                settings.getLong(Settings.Key.REDIS_QUEUE_BYTES), roundTrips);
        long retentionMs = settings.getLong(Settings.Key.HISTORY_RETENTION_MS);
        this.log = new RedisLog(client, writer, health, settings.getInt(Settings.Key.HISTORY_SIZE),
                settings.getLong(Settings.Key.HISTORY_MAX_BYTES), retentionMs);
        this.bus = new RedisBus(client, health, writer, log);
        this.cursors = new RedisCursors(client, health, writer, retentionMs);
        this.cluster = new RedisCluster(client, health, nodeId, nodeTimeoutMs);
        this.presence = new RedisPresence(client, health, nodeId, nodeTimeoutMs, cluster.beatMs(), cluster::beatSoon);
    }

    /** 12 random URL-safe characters (epochs, node ids). */
    static String randomId() {
        byte[] bytes = new byte[9];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public Log log() {
        return log;
    }

    @Override
    public Bus bus() {
        return bus;
    }

    @Override
    public Presence presence() {
        return presence;
    }

    @Override
    public Cursors cursors() {
        return cursors;
    }

    @Override
    public Cluster cluster() {
        return cluster;
    }

    /**
     * Connects, registers this node and starts the threads. Fails with a message naming the setting when Redis
     * cannot be reached ("cannot reach Redis at URL: … (setting redisUrl / SWITCHBOARD_REDIS_URL)").
     */
    @Override
    public void start(Bus.Listener busListener, Presence.Listener presenceListener) {
        client.connect();
        try {
            presence.start(presenceListener);
            presence.sync();
        } catch (RuntimeException e) {
            client.close();
            throw new IllegalStateException("cannot reach Redis at " + client.shown() + ": "
                    + RedisHealth.rootMessage(e) + " (" + RedisClient.settingNames() + ")", e);
        }
        writer.start();
        bus.start(busListener);
        cluster.start(presence, bus, cursors, writer);
        started = true;
    }

    /**
     * Stops: the heartbeat first (a beat could register the node again), then this node's share of presence leaves
     * the cluster (the users present nowhere now are reported to the presence listener while the bus still works),
     * leases and counters go, queued writes are sent, subscriptions end. Later calls do nothing.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        health.close();
        if (started) {
            cluster.stopBeating();
            List<PresenceEvent> left = presence.close();
            presence.report(left);
            cluster.retire();
        }
        writer.close();
        bus.close();
        client.close();
    }

    /** For tests: one heartbeat now. */
    void beat() {
        cluster.beat();
    }

    /** For tests: the incarnation this node's share is registered under. */
    String incarnation() {
        return presence.incarnation();
    }

    /** For tests: stops as a killed process would, leaving its registration and counts behind in Redis. */
    void crash() {
        closed = true;
        health.close();
        cluster.stopBeating();
        bus.close();
        writer.close();
        client.close();
    }
}

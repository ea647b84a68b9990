package dev.switchboard.store.redis;

import dev.switchboard.store.Cluster;
import dev.switchboard.store.Health;
import dev.switchboard.store.PresenceEvent;
import redis.clients.jedis.exceptions.JedisException;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The chores of a cluster of nodes on one Redis: this node's heartbeat, leases ({@code lead.lua}), shared counters
 * ({@code counters.lua}) and health.
 *
 * <p>The heartbeat runs on its own thread ({@code switchboard-redis-keeper}) every third of {@code redisNodeTimeoutMs}
 * ({@link #beat}): it renews this node's incarnation, presumes nodes dead whose heartbeat is older than the timeout
 * (after an outage only once this node itself has reached Redis again for a whole timeout: the others could not beat
 * either), takes back the dead ones' share, hands over this node's share when Redis does not hold it, pings the
 * subscriptions, pokes the writer for waiting cursors, and clears the health problem once everything is in order.
 */
final class RedisCluster implements Cluster {

    private static final Logger LOG = System.getLogger(RedisCluster.class.getName());

    private final RedisClient client;
    private final RedisHealth health;
    private final String nodeId;
    private final long nodeTimeoutMs;
    private final long beatMs;
    /** The leases this node held when it last asked (handed on at close). */
    private final Set<String> roles = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService keeper;
    private RedisPresence presence;
    private RedisBus bus;
    private RedisCursors cursors;
    private RedisWriter writer;
    /**
     * System.nanoTime() of the first successful heartbeat since the last failed one (at start: long enough ago to judge
     * the others at once); 0 while failing.
     */
    private volatile long upSince;

    RedisCluster(RedisClient client, RedisHealth health, String nodeId, long nodeTimeoutMs) {
        this.client = client;
        this.health = health;
        this.nodeId = nodeId;
        this.nodeTimeoutMs = nodeTimeoutMs;
        this.beatMs = Math.max(100, nodeTimeoutMs / 3);
        this.keeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "switchboard-redis-keeper");
            t.setDaemon(true);
            return t;
        });
    }

    long beatMs() {
        return beatMs;
    }

    void start(RedisPresence presence, RedisBus bus, RedisCursors cursors, RedisWriter writer) {
        this.presence = presence;
        this.bus = bus;
        this.cursors = cursors;
        this.writer = writer;
        upSince = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(nodeTimeoutMs) - 1; // a new node was not cut off
        keeper.scheduleWithFixedDelay(this::beat, beatMs, beatMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public Health health() {
        return health.health();
    }

    /** Runs a heartbeat soon on the keeper thread (after a failed write). */
    void beatSoon() {
        try {
            keeper.execute(this::beat);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** One heartbeat; on the keeper thread (tests call it directly too). */
    void beat() {
        try {
            if (upSince == 0) {
                client.clearIdle();
            }
            long sentAt = System.nanoTime();
            List<?> reply = beatOnce();
            if (upSince == 0) {
                upSince = sentAt;
            }
            List<PresenceEvent> events = new ArrayList<>();
            if (!presence.beaten((Long) reply.get(0) == 1, sentAt)) {
                events.addAll(presence.sync());
                reply = beatOnce(); // the retired incarnation is in the dead list now
            }
            events.addAll(presence.reap((List<?>) reply.get(1)));
            presence.report(events);
            boolean subscribed = bus.check(nodeTimeoutMs);
            boolean flushed = cursors.flushed();
            if (!flushed) {
                writer.poke();
            }
            if (subscribed && flushed) {
                health.recovered();
            }
        } catch (JedisException e) {
            upSince = 0;
            health.fail(e);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "Redis heartbeat failed", e);
        }
    }

    private List<?> beatOnce() {
        boolean mayReap = upSince != 0 && System.nanoTime() - upSince >= TimeUnit.MILLISECONDS.toNanos(nodeTimeoutMs);
        return (List<?>) Script.BEAT.run(client.commands(), List.of(Keys.NODES),
                List.of(presence.incarnation(), Long.toString(nodeTimeoutMs), mayReap ? "1" : "0"));
    }

    @Override
    public boolean lead(String role, long ttlMs) {
        try {
            Object held = Script.LEAD.run(client.commands(), List.of(Keys.lead(role)), List.of(nodeId, Long.toString(ttlMs)));
            if (Long.valueOf(1).equals(held)) {
                roles.add(role);
                return true;
            }
            roles.remove(role);
            return false;
        } catch (JedisException e) {
            health.fail(e);
            return false;
        }
    }

    @Override
    public Map<String, String> shareCounters(String json, long ttlMs) {
        try {
            List<?> flat = (List<?>) Script.COUNTERS.run(client.commands(), List.of(Keys.COUNTERS),
                    List.of(nodeId, json, Long.toString(ttlMs)));
            Map<String, String> byNode = new LinkedHashMap<>();
            for (int i = 0; i + 1 < flat.size(); i += 2) {
                byNode.put((String) flat.get(i), (String) flat.get(i + 1));
            }
            return byNode;
        } catch (JedisException e) {
            health.fail(e);
            return Map.of(nodeId, json);
        }
    }

    /** Stops the heartbeat and waits for a beat in progress (which could register this node again). */
    void stopBeating() {
        keeper.shutdownNow();
        try {
            keeper.awaitTermination(client.timeoutMs(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** This node stops: its counters go and another node takes its leases at once. */
    void retire() {
        List<String> args = new ArrayList<>();
        args.add(nodeId);
        args.addAll(roles);
        try {
            Script.RETIRE.run(client.commands(), List.of(Keys.COUNTERS), args);
        } catch (JedisException e) {
            LOG.log(Level.WARNING, "could not hand on the leases of node {0} ({1}); they expire", nodeId,
                    RedisHealth.rootMessage(e));
        }
    }
}

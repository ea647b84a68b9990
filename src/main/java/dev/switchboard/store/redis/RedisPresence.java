package dev.switchboard.store.redis;

import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Presence;
import dev.switchboard.store.PresenceEvent;
import redis.clients.jedis.exceptions.JedisException;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Presence and connection counts, cluster-wide in Redis, with this node's own share mirrored here.
 *
 * <p>The mirror: every change is made here first and written through to Redis (join.lua, leave.lua in the channel's
 * slot; connect.lua, claim.lua, disconnect.lua in the {@code {cluster}} slot) while this node is registered. When a
 * write fails, or Redis says this node is not registered (presumed dead, or Redis lost its data), the node stops
 * writing, answers from the mirror (local first/last, local guest names) and the next heartbeat {@linkplain #sync
 * hands over}: a new incarnation is registered with the whole mirror, and then the old one is retired into the dead
 * set, where its share is taken back like a dead node's. Redis thus holds the mirror again, and the difference is
 * reported to the listener (who joined or left meanwhile).
 *
 * <p>Takeover: the heartbeat ({@code beat.lua}) moves incarnations whose heartbeat is older than
 * {@code redisNodeTimeoutMs} to the dead set, and any node takes their shares back ({@link RedisShares#reap}).
 *
 * <p>Fencing: this node writes its share only within a lease ({@link #leaseNanos}) counted from its last registered
 * heartbeat, shorter than the time after which the others presume it dead; so a node that paused does not write
 * into a share the others are taking back. (A write already on the wire when the lease ends can still land after a
 * takeover; the node's next heartbeat then finds itself unregistered and hands over. Only if it dies in between can
 * such a count stay behind.)
 *
 * <p>Locking: the mirror and every write of this node's share are under {@code state}; nothing calls the listener
 * under it. Calls block for a Redis round trip (the SPI's presence calls are synchronous).
 */
final class RedisPresence implements Presence {

    private static final Logger LOG = System.getLogger(RedisPresence.class.getName());

    private final RedisClient client;
    private final RedisHealth health;
    private final String nodeId;
    private final long leaseNanos;
    private final Runnable beatSoon;
    private final RedisKnownUsers known;
    private final RedisShares shares;
    private volatile Listener listener;

    private final Object state = new Object();
    /** This node's connections per user per channel, users in the order they came. */
    private final Map<ChannelId, LinkedHashMap<String, Integer>> mirror = new HashMap<>();
    private final Map<String, Integer> connections = new HashMap<>();
    private int generation;
    private String incarnation = "";
    /** Redis holds exactly the mirror as {@link #incarnation}'s share. */
    private boolean registered;
    /** System.nanoTime() until which this node may write its share. */
    private long leaseEnd;
    private boolean closed;

    RedisPresence(RedisClient client, RedisHealth health, String nodeId, long nodeTimeoutMs, long beatMs,
                  Runnable beatSoon) {
        this.client = client;
        this.health = health;
        this.nodeId = nodeId;
        this.leaseNanos = TimeUnit.MILLISECONDS.toNanos(nodeTimeoutMs - beatMs / 2);
        this.beatSoon = beatSoon;
        this.known = new RedisKnownUsers(client, health);
        this.shares = new RedisShares(client);
    }

    void start(Listener listener) {
        this.listener = listener;
    }

    @Override
    public boolean join(ChannelId channel, String user) {
        synchronized (state) {
            if (closed) {
                return false;
            }
            LinkedHashMap<String, Integer> users = mirror.get(channel);
            boolean newChannel = users == null;
            if (newChannel) {
                users = new LinkedHashMap<>();
                mirror.put(channel, users);
            }
            int here = users.merge(user, 1, Integer::sum);
            if (!writable()) {
                return here == 1;
            }
            try {
                if (newChannel && Script.TRACK.run(client.commands(), List.of(Keys.NODES),
                        List.of(incarnation, channel.key())) == null) {
                    unregistered();
                    return here == 1;
                }
                long count = (Long) Script.JOIN.run(client.commands(), Keys.presence(channel.key(), incarnation),
                        List.of(user));
                return count == 1;
            } catch (JedisException e) {
                failed(e);
                return here == 1;
            }
        }
    }

    @Override
    public boolean leave(ChannelId channel, String user) {
        synchronized (state) {
            Map<String, Integer> users = mirror.get(channel);
            Integer here = users == null ? null : users.get(user);
            if (closed || here == null) {
                return false;
            }
            if (here > 1) {
                users.put(user, here - 1);
            } else {
                users.remove(user);
            }
            boolean channelGone = users.isEmpty();
            if (channelGone) {
                mirror.remove(channel);
            }
            if (!writable()) {
                return here == 1;
            }
            try {
                long count = (Long) Script.LEAVE.run(client.commands(), Keys.presence(channel.key(), incarnation),
                        List.of(user));
                if (channelGone) { // after the leave: a crash in between leaves an empty share, harmless to reap
                    client.commands().srem(Keys.nodeChannels(incarnation), channel.key());
                }
                return count == 0;
            } catch (JedisException e) {
                failed(e);
                return here == 1;
            }
        }
    }

    /** Cluster-wide while registered; this node's members otherwise. */
    @Override
    public List<String> members(ChannelId channel) {
        synchronized (state) {
            if (!registered) {
                return local(channel);
            }
        }
        try {
            return client.commands().zrange(Keys.channel(channel.key(), "members"), 0, -1);
        } catch (JedisException e) {
            health.fail(e);
            synchronized (state) {
                return local(channel);
            }
        }
    }

    private List<String> local(ChannelId channel) {
        Map<String, Integer> users = mirror.get(channel);
        return users == null ? List.of() : new ArrayList<>(users.keySet());
    }

    @Override
    public int connect(String user) {
        synchronized (state) {
            if (closed) {
                return 0;
            }
            if (writable()) {
                try {
                    Long count = (Long) Script.CONNECT.run(client.commands(), List.of(Keys.NODES),
                            List.of(incarnation, user));
                    if (count != null) {
                        connections.merge(user, 1, Integer::sum);
                        return Math.toIntExact(count);
                    }
                    unregistered();
                } catch (JedisException e) {
                    failed(e);
                }
            }
            return connections.merge(user, 1, Integer::sum); // the next handover writes it
        }
    }

    @Override
    public String claim(List<String> candidates) {
        synchronized (state) {
            if (closed || candidates.isEmpty()) {
                return null;
            }
            if (writable()) {
                try {
                    List<String> args = new ArrayList<>(candidates.size() + 1);
                    args.add(incarnation);
                    args.addAll(candidates);
                    List<?> name = (List<?>) Script.CLAIM.run(client.commands(), List.of(Keys.NODES), args);
                    if (name != null) {
                        if (name.isEmpty()) {
                            return null;
                        }
                        connections.merge((String) name.get(0), 1, Integer::sum);
                        return (String) name.get(0);
                    }
                    unregistered();
                } catch (JedisException e) {
                    failed(e);
                }
            }
            for (String candidate : candidates) { // decided locally; the next handover writes it
                if (!connections.containsKey(candidate)) {
                    connections.put(candidate, 1);
                    return candidate;
                }
            }
            return null;
        }
    }

    @Override
    public void disconnect(String user) {
        synchronized (state) {
            if (closed || connections.computeIfPresent(user, (u, n) -> n > 1 ? n - 1 : 0) == null) {
                return;
            }
            connections.remove(user, 0);
            if (writable()) {
                try {
                    if (Script.DISCONNECT.run(client.commands(), List.of(Keys.NODES), List.of(incarnation, user)) == null) {
                        unregistered();
                    }
                } catch (JedisException e) {
                    failed(e);
                }
            }
        }
    }

    /** Cluster-wide while registered; this node's count otherwise. */
    @Override
    public int connections(String user) {
        synchronized (state) {
            if (!registered) {
                return connections.getOrDefault(user, 0);
            }
        }
        try {
            String count = client.commands().hget(Keys.CONNS, user);
            return count == null ? 0 : Integer.parseInt(count);
        } catch (JedisException e) {
            health.fail(e);
            synchronized (state) {
                return connections.getOrDefault(user, 0);
            }
        }
    }

    @Override
    public void remember(String user, long ttlMillis) {
        known.remember(user, ttlMillis);
    }

    @Override
    public boolean remembered(String user) {
        return known.remembered(user);
    }

    /** Under state: whether this node may write its share now. */
    private boolean writable() {
        if (registered && System.nanoTime() - leaseEnd >= 0) {
            LOG.log(Level.WARNING, "no heartbeat of node {0} reached Redis for a while; it stops writing its share "
                    + "until it hands over", nodeId);
            registered = false;
            beatSoon.run();
        }
        return registered;
    }

    private void unregistered() {
        registered = false;
        beatSoon.run();
    }

    private void failed(JedisException e) {
        health.fail(e);
        registered = false;
    }

    // ------------------------------------------------------------------------------------------ heartbeat's side

    String incarnation() {
        synchronized (state) {
            return incarnation;
        }
    }

    /** After a heartbeat sent at {@code sentAt}: renews the lease, or notices that Redis lost this node. */
    boolean beaten(boolean known, long sentAt) {
        synchronized (state) {
            if (registered && !known) {
                LOG.log(Level.WARNING, "node {0} was missing in Redis (presumed dead by the others, or Redis lost its "
                        + "data); it writes its users back", nodeId);
                registered = false;
            }
            if (registered) {
                leaseEnd = sentAt + leaseNanos;
            }
            return registered;
        }
    }

    /**
     * Hands over (see the class comment): registers a new incarnation holding the mirror, writes the new share into
     * each channel, and only then retires the old one into the dead set (so the old share is taken back, by any node,
     * only where the new one is in place already: a user present on this node all along never seems to leave and
     * come back). Returns who is present now that was not. Throws when Redis fails midway: the next heartbeat starts
     * again with another incarnation; an old one that was not retired stops beating and is presumed dead by the
     * node timeout.
     */
    List<PresenceEvent> sync() {
        synchronized (state) {
            if (closed) {
                return List.of();
            }
            long sentAt = System.nanoTime();
            String fresh = nodeId + "." + (++generation);
            String old = incarnation;
            List<String> args = new ArrayList<>();
            args.add(fresh);
            args.add("");
            args.add(Integer.toString(mirror.size()));
            mirror.keySet().forEach(c -> args.add(c.key()));
            args.add(Integer.toString(connections.size()));
            connections.forEach((user, count) -> {
                args.add(user);
                args.add(Integer.toString(count));
            });
            Script.HANDOVER.run(client.commands(), List.of(Keys.NODES), args);
            incarnation = fresh;
            List<PresenceEvent> events = new ArrayList<>();
            for (Map.Entry<ChannelId, LinkedHashMap<String, Integer>> e : mirror.entrySet()) {
                events.addAll(shares.set(e.getKey(), fresh, e.getValue()));
            }
            if (!old.isEmpty()) { // only now: a node that took the old share back earlier would make users flap
                Script.HANDOVER.run(client.commands(), List.of(Keys.NODES), List.of("", old, "0", "0"));
            }
            registered = true;
            leaseEnd = sentAt + leaseNanos;
            return events;
        }
    }

    /** Takes back the presence of dead incarnations (see {@link RedisShares#reap}); not under state. */
    List<PresenceEvent> reap(List<?> dead) {
        return shares.reap(dead);
    }

    /** This node stops: its share leaves the cluster at once. Returns who is present nowhere now. */
    List<PresenceEvent> close() {
        synchronized (state) {
            if (closed) {
                return List.of();
            }
            closed = true;
            List<PresenceEvent> events = new ArrayList<>();
            try {
                Script.HANDOVER.run(client.commands(), List.of(Keys.NODES), List.of("", incarnation, "0", "0"));
                List<String> done = new ArrayList<>();
                done.add(incarnation);
                for (ChannelId channel : mirror.keySet()) {
                    events.addAll(shares.set(channel, incarnation, Map.of()));
                    done.add(channel.key());
                }
                Script.REAPED.run(client.commands(), List.of(Keys.DEAD), done);
            } catch (JedisException e) {
                LOG.log(Level.WARNING, "could not deregister node {0} from Redis ({1}); the others will presume it dead",
                        nodeId, RedisHealth.rootMessage(e));
            }
            mirror.clear();
            connections.clear();
            registered = false;
            return events;
        }
    }

    /** Reports presence changes this node did not cause itself (never under {@code state}). */
    void report(List<PresenceEvent> events) {
        Listener l = listener;
        if (l == null) {
            return;
        }
        for (PresenceEvent e : events) {
            try {
                l.onPresence(e);
            } catch (RuntimeException ex) {
                LOG.log(Level.ERROR, "reporting " + e + " failed", ex);
            }
        }
    }
}

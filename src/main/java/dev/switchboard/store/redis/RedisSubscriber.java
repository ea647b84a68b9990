package dev.switchboard.store.redis;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One connection in sharded-subscriber mode to one Redis node (the server, or one master of a Redis Cluster), and
 * the thread ({@code switchboard-redis-sub-HOST:PORT}) that reads it. It exists from the first channel routed to its
 * node on, so a node that subscribed nothing has no subscriber at all; it holds exactly the channels routed to it
 * ({@code SSUBSCRIBE sb:{K}}, one command per channel: a Redis Cluster refuses channels of several slots in one).
 *
 * <p>On any failure it reconnects with jittered backoff (50 ms doubling to 2 s) and subscribes every channel again;
 * the bus thread catches each up when its confirmation arrives. A MOVED answer, an SUNSUBSCRIBE it did not ask for
 * (Redis Cluster drops sharded subscriptions of a slot that moved) or, in a Redis Cluster or behind Redis Sentinel, a
 * lost connection (the master may have failed over to a replica) makes the bus re-read the slot map and move its channels to the
 * subscribers of their new nodes.
 *
 * <p>Locking: its channel map, pending confirmations and every write to its connection are under the bus's lock
 * ({@code lock}); reading the connection is not (only this thread reads). Nothing blocks under the lock but a
 * short socket write.
 */
final class RedisSubscriber {

    private static final Logger LOG = System.getLogger(RedisSubscriber.class.getName());
    private static final long MIN_BACKOFF_MS = 50;
    private static final long MAX_BACKOFF_MS = 2000;

    final HostAndPort node;
    private final Object lock;
    private final RedisClient client;
    private final RedisHealth health;
    private final RedisDelivery delivery;
    private final Runnable reroute;
    private final Thread thread;

    /** Channels routed here, by key. */
    private final Map<String, Interest> channels = new LinkedHashMap<>();
    /** What the next confirmations answer, in the order sent: an Interest (SSUBSCRIBE) or a key (SUNSUBSCRIBE). */
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private RedisClient.Subscription connection;
    private boolean closed;
    private volatile long heardAt;

    RedisSubscriber(HostAndPort node, Object lock, RedisClient client, RedisHealth health, RedisDelivery delivery,
                    Runnable reroute) {
        this.node = node;
        this.lock = lock;
        this.client = client;
        this.health = health;
        this.delivery = delivery;
        this.reroute = reroute;
        this.thread = new Thread(this::run, "switchboard-redis-sub-" + node);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Under the lock. */
    void add(Interest i) {
        channels.put(i.key, i);
        if (connection != null) {
            send(Protocol.Command.SSUBSCRIBE, i);
        }
        lock.notifyAll(); // a subscriber without channels waits for one before it connects
    }

    /** Under the lock. */
    void remove(Interest i) {
        if (channels.remove(i.key, i) && connection != null) {
            send(Protocol.Command.SUNSUBSCRIBE, i.key);
        }
    }

    /** Under the lock: every channel moved elsewhere is the caller's to re-add. */
    Map<String, Interest> channels() {
        return channels;
    }

    /** Under the lock: connected and every channel routed here confirmed or on its way. */
    boolean live() {
        return connection != null || channels.isEmpty();
    }

    /** Under the lock; called by the heartbeat: pings, or closes a connection that has been silent for too long. */
    void check(long silentNanos) {
        if (connection == null) {
            return;
        }
        if (System.nanoTime() - heardAt > silentNanos) {
            health.fail("the Redis subscription to " + node + " went silent");
            closeConnection();
        } else {
            send(Protocol.Command.PING, null);
        }
    }

    /** Makes the thread reconnect (and so the bus thread catch up every channel here). Any thread. */
    void reconnect() {
        synchronized (lock) {
            closeConnection();
        }
    }

    /** Under the lock. A failed write closes the connection: the thread notices and reconnects. */
    private void send(Protocol.Command command, Object what) {
        try {
            if (what instanceof Interest i) {
                connection.send(command, Keys.bus(i.key));
                pending.add(i);
            } else if (what instanceof String key) {
                connection.send(command, Keys.bus(key));
                pending.add(key);
            } else {
                connection.send(command);
            }
        } catch (JedisException e) {
            closeConnection();
        }
    }

    private void closeConnection() {
        RedisClient.Subscription c = connection;
        if (c != null) {
            connection = null;
            try {
                c.close();
            } catch (RuntimeException e) {
                // broken already
            }
        }
    }

    private void run() {
        long backoff = MIN_BACKOFF_MS;
        while (true) {
            RedisClient.Subscription c = null;
            boolean moved = false;
            try {
                synchronized (lock) {
                    while (channels.isEmpty() && !closed) {
                        lock.wait();
                    }
                    if (closed) {
                        return;
                    }
                }
                c = client.subscriber(node);
                c.setTimeoutInfinite(); // silence is found by the heartbeat's pings instead
                synchronized (lock) {
                    if (closed) {
                        return;
                    }
                    connection = c;
                    pending.clear();
                    heardAt = System.nanoTime();
                    for (Interest i : channels.values()) {
                        send(Protocol.Command.SSUBSCRIBE, i);
                    }
                }
                while (true) {
                    Object reply = c.read();
                    heardAt = System.nanoTime();
                    if (!handle(reply)) {
                        moved = true;
                        break;
                    }
                    backoff = MIN_BACKOFF_MS;
                }
            } catch (InterruptedException e) {
                // closing
            } catch (JedisDataException e) { // MOVED and other refusals: the slot map changed under us
                moved = true;
                LOG.log(Level.INFO, "the subscription to {0} was refused ({1}); re-reading the slot map", node,
                        e.getMessage());
            } catch (JedisException e) {
                synchronized (lock) {
                    if (!closed) {
                        health.fail(e);
                    }
                }
                moved = client.routesChange(); // a master that failed: a replica may serve its channels now
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "the Redis subscription to " + node + " failed", e);
            } finally {
                synchronized (lock) {
                    if (connection == c) {
                        closeConnection();
                    } else if (c != null) {
                        c.close();
                    }
                    pending.clear();
                }
            }
            if (moved) {
                try {
                    client.refreshSlots();
                    reroute.run();
                } catch (JedisException e) {
                    health.fail(e); // no node answers: try again after the backoff
                }
            }
            synchronized (lock) {
                if (closed) {
                    return;
                }
            }
            try {
                Thread.sleep(ThreadLocalRandom.current().nextLong(backoff / 2, backoff + 1)); // nodes do not reconnect in step
            } catch (InterruptedException e) {
                // closing, or woken
            }
            backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
        }
    }

    /** One reply or push; false when the subscriptions no longer match the slot map. */
    private boolean handle(Object reply) {
        if (!(reply instanceof List<?> parts) || parts.isEmpty()) {
            return true; // +PONG while subscribed to nothing
        }
        String kind = text(parts.get(0));
        switch (kind) {
            case "smessage" -> {
                delivery.message(this, Keys.fromBus(text(parts.get(1))), text(parts.get(2)));
                return true;
            }
            case "ssubscribe" -> {
                Object expected;
                synchronized (lock) {
                    expected = pending.poll();
                }
                if (!(expected instanceof Interest i) || !Keys.bus(i.key).equals(text(parts.get(1)))) {
                    LOG.log(Level.WARNING, "unexpected confirmation {0} from {1}", text(parts.get(1)), node);
                    return false;
                }
                delivery.confirmed(this, i);
                return true;
            }
            case "sunsubscribe" -> {
                synchronized (lock) {
                    Object expected = pending.peek();
                    if (expected instanceof String key && Keys.bus(key).equals(text(parts.get(1)))) {
                        pending.poll();
                        return true;
                    }
                }
                LOG.log(Level.INFO, "{0} dropped the subscription to {1} (its slot moved)", node, text(parts.get(1)));
                return false;
            }
            default -> {
                return true; // pong
            }
        }
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }

    void close() {
        synchronized (lock) {
            closed = true;
            closeConnection();
            lock.notifyAll();
        }
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

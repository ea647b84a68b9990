package dev.switchboard.store.redis;

import dev.switchboard.store.Bus;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.StoreUnavailableException;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.exceptions.JedisException;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The bus over Redis sharded pub/sub: one pub/sub channel per Switchboard channel ({@code sb:{K}}, in the channel's
 * hash slot), so a node receives exactly the channels it subscribed and an idle node receives nothing. Subscriptions
 * go through one {@link RedisSubscriber} per Redis node (the server, or each master of a Redis Cluster that serves a
 * subscribed channel's slot); entries and signals reach the listener through the one bus thread of
 * {@link RedisDelivery}, which repairs gaps, drops repeats and catches up after reconnections.
 *
 * <p>{@link #subscribe}'s stage completes (on the bus thread: continuations must not block) once Redis confirmed the
 * subscription and the channel's head was read; it fails after twice {@code redisTimeoutMs} when Redis does not
 * answer, while the subscription stays wanted (it is made when Redis is back).
 *
 * <p>Signals (not stored: typing, receipts, presence, a whisper's copy to its sender) are published by the writer
 * thread and reach every node, this one included, through Redis. This node's members get a signal exactly once when
 * Redis publishes it, and at most once otherwise:
 * <ul>
 *   <li>its subscriber is down when the signal is sent (its copy would not come back): delivered here at once, and
 *       published marked with this bus's {@link #origin}, so that a copy that comes back anyway (the subscriber
 *       re-subscribed before Redis ran the publish) is dropped here;</li>
 *   <li>the write surely did not run (the writer's queue was full, no connection could be had, Redis refused it):
 *       delivered here, as nothing else will;</li>
 *   <li>the write was sent but not answered in time ({@link RedisWriter.Call#unknown}): NOT delivered here. Redis
 *       may still run it (a paused Redis runs what waited in its socket buffer when it resumes) and its copy is then
 *       delivered through the subscription; delivering it here as well counted as duplicates after a Redis pause
 *       (docs/reliability.md). If Redis never runs it, or the subscription is down by then, it is lost: a signal is
 *       not worth a second delivery.</li>
 * </ul>
 *
 * <p>Locking: {@code lock} guards the subscribers, their channels and writes to their connections; {@link #interests}
 * is a concurrent map (read by the bus thread without the lock, changed under it). No listener is called under it.
 */
final class RedisBus implements Bus {

    private static final Logger LOG = System.getLogger(RedisBus.class.getName());

    private final Object lock = new Object();
    private final Map<String, Interest> interests = new ConcurrentHashMap<>();
    private final Map<HostAndPort, RedisSubscriber> subscribers = new HashMap<>();
    private final RedisClient client;
    private final RedisHealth health;
    private final RedisWriter writer;
    private final RedisDelivery delivery;
    /**
     * Times out subscriptions Redis does not confirm. Our own thread, stopped by {@link #close}: not
     * {@code CompletableFuture.orTimeout}, whose JDK-wide delay thread is started by the first caller and keeps that
     * caller's class loader (Tomcat reported it as a thread the WAR started and did not stop; found by bench/soak.sh).
     */
    private final ScheduledExecutorService timeouts = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "switchboard-redis-timeouts");
        t.setDaemon(true);
        return t;
    });
    /** Marks the signals this bus delivered itself before publishing them (unique per bus, so per node). */
    private final String origin = RedisStorage.randomId();
    private boolean closed;

    RedisBus(RedisClient client, RedisHealth health, RedisWriter writer, RedisLog log) {
        this.client = client;
        this.health = health;
        this.writer = writer;
        this.delivery = new RedisDelivery(log, interests::get, origin);
    }

    void start(Listener listener) {
        delivery.start(listener);
    }

    @Override
    public CompletionStage<Void> subscribe(ChannelId channel) {
        HostAndPort node;
        try {
            node = client.nodeFor(channel.key()); // outside the lock: it may re-read a cluster's slot map
        } catch (JedisException e) {
            return CompletableFuture.failedFuture(health.unavailable("subscribe to " + channel.key(), e));
        }
        Interest i;
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new StoreUnavailableException("the Redis store is closed", null));
            }
            i = interests.get(channel.key());
            if (i == null) {
                i = new Interest(channel);
                interests.put(i.key, i);
                route(i, node);
            }
        }
        if (i.subscribed.isDone() && !i.subscribed.isCompletedExceptionally()) {
            return CompletableFuture.completedFuture(null);
        }
        long timeoutMs = 2L * client.timeoutMs();
        return withTimeout(i.subscribed.copy(), timeoutMs).exceptionallyCompose(e -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            return CompletableFuture.failedFuture(cause instanceof TimeoutException
                    ? new StoreUnavailableException("cannot subscribe to " + channel.key() + ": Redis at "
                    + client.shown() + " did not confirm it within " + timeoutMs + " ms", null) : cause);
        });
    }

    /** {@code stage}, failed with a {@link TimeoutException} when it has not completed within {@code ms}. */
    private CompletableFuture<Void> withTimeout(CompletableFuture<Void> stage, long ms) {
        try {
            ScheduledFuture<?> timer = timeouts.schedule(() -> stage.completeExceptionally(new TimeoutException()), ms,
                    TimeUnit.MILLISECONDS);
            stage.whenComplete((done, failed) -> timer.cancel(false));
        } catch (RejectedExecutionException closed) {
            stage.completeExceptionally(new StoreUnavailableException("the Redis store is closed", null));
        }
        return stage;
    }

    /** Under the lock: hands the interest to the subscriber of {@code node}, started on first use. */
    private void route(Interest i, HostAndPort node) {
        RedisSubscriber s = subscribers.get(node);
        if (s == null) {
            s = new RedisSubscriber(node, lock, client, health, delivery, this::reroute);
            subscribers.put(node, s);
            s.start();
        }
        i.subscriber = s;
        s.add(i);
    }

    @Override
    public void unsubscribe(ChannelId channel) {
        synchronized (lock) {
            Interest i = interests.remove(channel.key());
            if (i != null && i.subscriber != null) {
                i.subscriber.remove(i);
            }
        }
    }

    /** After MOVED, a dropped subscription, a failover: moves every channel that another node serves now. */
    private void reroute() {
        Map<Interest, HostAndPort> routes = new HashMap<>();
        try {
            for (Interest i : interests.values()) { // outside the lock: it may re-read a cluster's slot map
                routes.put(i, client.nodeFor(i.key));
            }
        } catch (JedisException e) {
            health.fail(e);
            return;
        }
        synchronized (lock) {
            if (closed) {
                return;
            }
            routes.forEach((i, node) -> {
                if (interests.get(i.key) == i && (i.subscriber == null || !i.subscriber.node.equals(node))) {
                    LOG.log(Level.INFO, "{0} moved to {1}", i.key, node);
                    if (i.subscriber != null) {
                        i.subscriber.remove(i);
                    }
                    route(i, node);
                }
            });
        }
    }

    /** See the class comment for who delivers a signal to this node's members, and when. */
    @Override
    public void signal(ChannelId channel, String payload, String exceptUser) {
        String oneLine = payload.indexOf('\n') < 0 ? payload : payload.replace('\n', ' ');
        boolean ownCopyLost;
        synchronized (lock) {
            Interest i = interests.get(channel.key());
            ownCopyLost = i != null && (i.subscriber == null || !i.subscriber.live());
        }
        if (ownCopyLost) {
            delivery.local(channel, oneLine, exceptUser);
        }
        String message = RedisDelivery.signalMessage(ownCopyLost ? origin : null, oneLine, exceptUser);
        SignalWrite write = new SignalWrite(channel, oneLine, exceptUser, message, !ownCopyLost);
        if (!writer.submit(write)) {
            write.fail(new StoreUnavailableException("the Redis writer is full", null));
        }
    }

    /** One signal on its way: a SIGNAL script call of its own. */
    private final class SignalWrite implements RedisWriter.Write, RedisWriter.Call {
        private final ChannelId channel;
        private final String payload;
        private final String exceptUser;
        private final String message;
        private final boolean deliverLocallyOnFailure;

        SignalWrite(ChannelId channel, String payload, String exceptUser, String message, boolean deliverLocallyOnFailure) {
            this.channel = channel;
            this.payload = payload;
            this.exceptUser = exceptUser;
            this.message = message;
            this.deliverLocallyOnFailure = deliverLocallyOnFailure;
        }

        @Override
        public Object group() {
            return null;
        }

        @Override
        public int weight() {
            return 64 + message.length();
        }

        @Override
        public RedisWriter.Call call(List<RedisWriter.Write> group) {
            return this;
        }

        @Override
        public void fail(StoreUnavailableException e) {
            fail((RuntimeException) e);
        }

        @Override
        public Script script() {
            return Script.SIGNAL;
        }

        @Override
        public List<String> keys() {
            return List.of(Keys.bus(channel.key()));
        }

        @Override
        public List<String> args() {
            return List.of(message);
        }

        @Override
        public void succeed(Object reply) {
        }

        /** It did not run: no copy will come through Redis. */
        @Override
        public void fail(RuntimeException e) {
            if (deliverLocallyOnFailure) {
                delivery.local(channel, payload, exceptUser);
            }
        }

        /** It may still run, and its copy then comes through Redis: delivering it here too would be a duplicate. */
        @Override
        public void unknown(RuntimeException e) {
        }
    }

    /** Called by the heartbeat: pings every subscription, closes those silent for {@code silentMs}; true when all are up. */
    boolean check(long silentMs) {
        if (client.routesChange()) {
            reroute(); // a failover that left the old connections open (a demoted master keeps its subscribers)
        }
        synchronized (lock) {
            boolean live = true;
            for (RedisSubscriber s : subscribers.values()) {
                s.check(TimeUnit.MILLISECONDS.toNanos(silentMs));
                live &= s.live();
            }
            return live;
        }
    }

    void close() {
        List<RedisSubscriber> all;
        synchronized (lock) {
            closed = true;
            all = new ArrayList<>(subscribers.values());
        }
        all.forEach(RedisSubscriber::close);
        delivery.close();
        timeouts.shutdownNow();
    }
}

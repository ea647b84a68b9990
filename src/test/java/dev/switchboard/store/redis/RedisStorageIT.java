package dev.switchboard.store.redis;

import dev.switchboard.settings.Settings;
import dev.switchboard.store.Appended;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.ClusterStorageContract;
import dev.switchboard.store.PresenceEvent;
import dev.switchboard.store.Slice;
import dev.switchboard.store.Storage;
import dev.switchboard.store.StoreUnavailableException;
import dev.switchboard.store.Template;
import dev.switchboard.store.Timing;
import dev.switchboard.testing.Poll;
import dev.switchboard.testing.RedisPerClass;
import dev.switchboard.testing.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RedisStorage} against a real redis-server: the {@link StorageContract} with two or three storages in this
 * JVM standing for the nodes of a cluster, and what only a shared store over a network has: lost pub/sub messages,
 * reconnections, outages, lost data, crashed nodes, an idle node among busy ones.
 */
class RedisStorageIT extends ClusterStorageContract {

    @RegisterExtension
    static final RedisPerClass redis = new RedisPerClass();

    @Override
    protected Storage storage(Map<String, String> settings) {
        Map<String, String> values = new HashMap<>(Map.of("redisUrl", redis.url(), "redisNodeTimeoutMs", "900"));
        values.putAll(settings);
        return new RedisStorage(Settings.of(values));
    }


    private RedisStorage redisNode(Recorder recorder) {
        return (RedisStorage) node(recorder);
    }

    /** Stores an entry the way append.lua does, but publishes it where no node listens (a message pub/sub lost). */
    private static void appendUnpublished(ChannelId channel, String text) {
        try (JedisPooled jedis = new JedisPooled("127.0.0.1", redis.port())) {
            Template t = frame(text);
            List<String> keys = new ArrayList<>(Keys.log(channel.key()));
            keys.set(4, Keys.channel(channel.key(), "nowhere"));
            Script.APPEND.run(jedis, keys, List.of("1000", "unused", "1", "1048576", "0", t.head(), "1", t.tail(), ""));
        }
    }

    /** With Redis no key used to expire: a channel's keys now live historyRetentionMs after its last append. */
    @Test
    void aChannelsKeysExpireAfterTheRetentionAndEachAppendRestartsTheTimer() {
        Storage a = node(new Recorder(), "historyRetentionMs", "60000");
        ChannelId room = ChannelId.room("fading");
        append(a, room, "one");
        a.cursors().advance(room, "ann", 1);
        Poll.until(() -> {
            try (Jedis jedis = redis.client()) {
                return jedis.exists(Keys.channel(room.key(), "cursors"));
            }
        }, "the cursor written");
        try (Jedis jedis = redis.client()) {
            for (String part : List.of("seq", "epoch", "log", "bytes", "cursors")) {
                long ttl = jedis.pttl(Keys.channel(room.key(), part));
                assertTrue(ttl > 50_000 && ttl <= 60_000, part + " expires with the retention: " + ttl);
            }
            jedis.pexpire(Keys.channel(room.key(), "log"), 10_000);
        }
        append(a, room, "two");
        try (Jedis jedis = redis.client()) {
            assertTrue(jedis.pttl(Keys.channel(room.key(), "log")) > 50_000, "an append restarts the timer");
        }
        Storage forever = node(new Recorder(), "historyRetentionMs", "0");
        ChannelId kept = ChannelId.room("kept");
        append(forever, kept, "one");
        try (Jedis jedis = redis.client()) {
            assertEquals(-1, jedis.pttl(Keys.channel(kept.key(), "log")), "0: kept for good");
            assertEquals(-1, jedis.pttl(Keys.channel(kept.key(), "epoch")));
        }
    }

    /**
     * Under {@code maxmemory-policy volatile-lru} Redis evicts keys with a TTL one by one: a channel whose keys were
     * partly evicted starts a new history (new epoch, offsets from 1) instead of mixing offsets and entries, presence
     * (no TTL) is never evicted, and appends keep working (docs/security.md, "Redis memory policy").
     */
    @Test
    void underVolatileLruEvictionChannelsStayConsistentAndPresenceStays() {
        Storage a = node(new Recorder(), "historyRetentionMs", "3600000");
        ChannelId lobby = ChannelId.room("lobby");
        a.presence().join(lobby, "ann");
        String text = "v".repeat(3000);
        try (Jedis jedis = redis.client()) {
            jedis.configSet("maxmemory-policy", "volatile-lru");
            jedis.configSet("maxmemory", String.valueOf(jedis.info("memory").lines()
                    .filter(l -> l.startsWith("used_memory:")).map(l -> Long.parseLong(l.substring(12).trim()))
                    .findFirst().orElseThrow() + 1_000_000));
            try {
                Map<ChannelId, String> epochs = new HashMap<>();
                for (int round = 0; round < 5; round++) {
                    for (int c = 0; c < 200; c++) {
                        ChannelId room = ChannelId.room("r" + c);
                        Appended appended = append(a, room, text);
                        String before = epochs.put(room, appended.epoch());
                        if (before != null && !before.equals(appended.epoch())) {
                            assertEquals(1, appended.entry().offset(), "a new history starts at 1");
                        }
                    }
                }
                long evicted = jedis.info("stats").lines().filter(l -> l.startsWith("evicted_keys:"))
                        .mapToLong(l -> Long.parseLong(l.substring(13).trim())).sum();
                assertTrue(evicted > 0, "Redis evicted keys");
                for (int c = 0; c < 200; c++) {
                    ChannelId room = ChannelId.room("r" + c);
                    Slice slice = a.log().readAfter(room, 0, 100);
                    if (!slice.entries().isEmpty()) {
                        assertEquals(slice.head(), slice.lastOffset(), room + ": the log ends at the head");
                        assertEquals(oneTo(slice.head()).subList((int) (slice.head() - slice.entries().size()),
                                (int) slice.head()), offsets(slice), room + ": entries are where offsets say");
                    }
                }
                assertEquals(List.of("ann"), a.presence().members(lobby), "presence has no TTL: never evicted");
            } finally {
                jedis.configSet("maxmemory", "0");
                jedis.configSet("maxmemory-policy", "noeviction");
            }
        }
    }

    /** A channel whose offset counter alone was lost starts again instead of appending behind old entries. */
    @Test
    void aChannelMissingItsOffsetCounterStartsANewHistory() {
        Storage a = node(new Recorder());
        ChannelId room = ChannelId.room("half-evicted");
        String before = append(a, room, "one").epoch();
        append(a, room, "two");
        try (Jedis jedis = redis.client()) {
            jedis.del(Keys.channel(room.key(), "seq"));
        }
        Appended after = append(a, room, "three");
        assertFalse(before.equals(after.epoch()), "a new epoch");
        assertEquals(1, after.entry().offset());
        assertEquals(List.of(1L), offsets(a.log().readAfter(room, 0, 10)));
    }

    @Test
    void theWritersRoundTripsAreReportedForTheMetrics() {
        List<Long> roundTrips = new CopyOnWriteArrayList<>();
        Timing timing = new Timing();
        timing.to(roundTrips::add);
        RedisStorage node = new RedisStorage(Settings.of(Map.of("redisUrl", redis.url())), timing);
        try {
            node.start(new Recorder(), new Recorder());
            append(node, ChannelId.room("timed"), "one");
            append(node, ChannelId.room("timed"), "two");
            assertTrue(roundTrips.size() >= 1, "one pipeline at least: " + roundTrips);
            for (long nanos : roundTrips) {
                assertTrue(nanos > 0 && nanos < TimeUnit.SECONDS.toNanos(5), "a round trip to a local Redis: " + nanos);
            }
        } finally {
            node.close();
        }
    }

    @Test
    void anEntryThatPubSubLostIsReadFromTheLogBeforeTheNextOne() {
        Recorder rb = new Recorder();
        Storage a = node(new Recorder());
        Storage b = node(rb);
        ChannelId room = ChannelId.room("gaps");
        await(b.bus().subscribe(room));
        append(a, room, "one");
        Poll.until(() -> rb.offsets(room).size() == 1, "first entry delivered");
        appendUnpublished(room, "two");
        appendUnpublished(room, "three");
        append(a, room, "four");
        Poll.until(() -> rb.offsets(room).size() >= 4, "the gap filled", Duration.ofSeconds(5));
        assertEquals(List.of(1L, 2L, 3L, 4L), rb.offsets(room));
        assertTrue(rb.entries.get(room).get(2).json().contains("three"));
    }

    @Test
    void aResubscribedNodeCatchesUpEveryChannelItSubscribed() {
        Recorder rb = new Recorder();
        Storage a = node(new Recorder());
        Storage b = node(rb);
        ChannelId room = ChannelId.room("quiet");
        ChannelId topic = ChannelId.topic("read-only");
        await(b.bus().subscribe(room));
        await(b.bus().subscribe(topic));
        append(a, room, "one");
        Poll.until(() -> rb.offsets(room).size() == 1, "first entry delivered");
        appendUnpublished(room, "two");
        appendUnpublished(topic, "first of the topic");
        appendUnpublished(ChannelId.room("nobody-here"), "nobody here needs it");
        try (Jedis jedis = redis.client()) {
            jedis.clientKill(ClientKillParams.clientKillParams().type(ClientType.PUBSUB));
        }
        Poll.until(() -> rb.offsets(room).size() >= 2 && rb.offsets(topic).size() >= 1, "caught up after resubscribing",
                Duration.ofSeconds(5));
        assertEquals(List.of(1L, 2L), rb.offsets(room));
        assertEquals(List.of(1L), rb.offsets(topic));
        assertEquals(List.of(), rb.offsets(ChannelId.room("nobody-here")), "a channel not subscribed is not read");
        append(a, room, "three");
        Poll.until(() -> rb.offsets(room).size() >= 3, "live again");
        assertEquals(List.of(1L, 2L, 3L), rb.offsets(room));
        Poll.until(() -> b.cluster().health().up(), "healthy again");
    }

    @Test
    void whenAFailoverLostTheNewestEntriesTheNodesResetAndDeliverTheNewOnes() {
        Recorder rb = new Recorder();
        Storage a = node(new Recorder());
        Storage b = node(rb);
        ChannelId room = ChannelId.room("truncated");
        await(b.bus().subscribe(room));
        for (int i = 1; i <= 5; i++) {
            append(a, room, "m" + i);
        }
        Poll.until(() -> rb.offsets(room).size() == 5, "delivered");
        try (Jedis jedis = redis.client()) { // what a replica promoted before it had entries 4 and 5 holds
            jedis.set(Keys.channel(room.key(), "seq"), "3");
            jedis.ltrim(Keys.channel(room.key(), "log"), 0, 2);
            jedis.clientKill(ClientKillParams.clientKillParams().type(ClientType.PUBSUB)); // the failover's reconnection
        }
        Poll.until(() -> rb.resets.contains(room), "the lost entries noticed", Duration.ofSeconds(5));
        Appended next = append(a, room, "new 4");
        assertEquals(4, next.entry().offset());
        Poll.until(() -> rb.offsets(room).size() == 6, "the new entry 4 delivered, not dropped as a repeat");
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 4L), rb.offsets(room));
        assertTrue(rb.entries.get(room).get(5).json().contains("new 4"));
    }

    @Test
    void anIdleNodeReceivesNothingWhileAnotherAppendsThousands() throws Exception {
        Recorder ra = new Recorder();
        Recorder idle = new Recorder();
        Storage a = node(ra);
        Storage b = node(idle);
        ChannelId hot = ChannelId.room("hot");
        ChannelId quiet = ChannelId.room("quiet");
        await(a.bus().subscribe(hot));
        await(b.bus().subscribe(quiet));
        List<CompletionStage<Appended>> stages = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            stages.add(a.log().append(hot, frame("busy " + i), null));
        }
        for (CompletionStage<Appended> s : stages) {
            await(s);
        }
        Poll.until(() -> ra.offsets(hot).size() == 5000, "a delivers its own channel");
        try (Jedis jedis = redis.client()) {
            assertEquals(Map.of("sb:{room:hot}", 1L, "sb:{room:quiet}", 1L),
                    jedis.pubsubShardNumSub("sb:{room:hot}", "sb:{room:quiet}"), "one subscriber each: no broadcast");
        }
        append(a, quiet, "marker");
        Poll.until(() -> idle.offsets(quiet).size() == 1, "b hears the channel it subscribed");
        assertEquals(Map.of(quiet, idle.entries.get(quiet)), idle.entries, "and nothing of the busy one");
        assertTrue(idle.signals.isEmpty());
    }

    @Test
    void whileRedisIsDownStoringFailsLocalDeliveryGoesOnAndAfterItIsBackNothingIsMissing() throws Exception {
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        Storage a = node(ra);
        Storage b = node(rb);
        ChannelId room = ChannelId.room("outage");
        ChannelId inbox = ChannelId.inbox("ann");
        await(a.bus().subscribe(room));
        await(b.bus().subscribe(room));
        a.presence().join(room, "ann");
        b.presence().join(room, "bob");
        append(a, room, "before");
        Poll.until(() -> rb.offsets(room).size() == 1, "delivered before the outage");

        redis.server().stop(true);
        for (Storage node : List.of(a, b)) {
            Poll.until(() -> !node.cluster().health().up(), "degraded", Duration.ofSeconds(5));
        }
        assertTrue(a.cluster().health().toString().startsWith("DEGRADED: "), a.cluster().health().toString());
        assertTrue(a.cluster().health().problem().contains(redis.url()), a.cluster().health().problem());
        // The first write may go out on a pooled connection that Redis closed as it stopped: end of stream, which the
        // writer cannot tell from a Redis that ran it and then died, so it may be "unknown" (PausedRedisIT). The
        // writer then drops the idle connections, so the next write needs a new one, which is refused: not sent.
        ExecutionException first = assertThrows(ExecutionException.class,
                () -> a.log().append(room, frame("lost?"), null).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertInstanceOf(StoreUnavailableException.class, first.getCause());
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> a.log().append(room, frame("lost"), null).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertEquals(StoreUnavailableException.class, e.getCause().getClass(), "not sent: " + e.getCause());
        assertTrue(e.getCause().getMessage().startsWith("cannot store to room:outage: Redis at " + redis.url()),
                e.getCause().getMessage());
        assertThrows(StoreUnavailableException.class, () -> b.log().readAfter(room, 0, 10));
        assertThrows(StoreUnavailableException.class, () -> b.cursors().get(inbox, "ann"));
        a.bus().signal(room, "{\"type\":\"typing\"}", "ann");
        Poll.until(() -> !ra.signals.isEmpty(), "local members still get signals");
        assertEquals(List.of("room:outage {\"type\":\"typing\"} except ann"), ra.signals);
        assertTrue(a.presence().join(room, "cid"), "presence is counted locally meanwhile");
        assertEquals(List.of("ann", "cid"), a.presence().members(room));
        assertEquals("guest", a.presence().claim(List.of("guest")));
        long started = System.nanoTime();
        for (int i = 1; i <= 1000; i++) {
            a.cursors().advance(inbox, "ann", i);
        }
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertTrue(tookMs < 500, "advancing a cursor never waits for Redis: 1000 took " + tookMs + " ms");

        redis.server().restart();
        for (Storage node : List.of(a, b)) {
            Poll.until(() -> node.cluster().health().up(), "up again", Duration.ofSeconds(10));
        }
        // Redis came back empty: each node writes its share back with Redis's time of the write-back, so the order is
        // that of the write-backs (a node that reconnects first comes first), not of the joins (docs/scaling.md).
        assertEquals(List.of("ann", "bob", "cid"), b.presence().members(room).stream().sorted().toList(),
                "the outage's changes were written back");
        assertEquals(null, b.presence().claim(List.of("guest")), "the guest name taken meanwhile is taken");
        assertEquals(1000, b.cursors().get(inbox, "ann"), "the cursor moved meanwhile was written");
        Appended after = append(a, room, "after");
        assertEquals(2, after.entry().offset());
        Poll.until(() -> rb.offsets(room).size() >= 2, "flows again");
        assertEquals(List.of(1L, 2L), rb.offsets(room));
        assertEquals(List.of(new PresenceEvent(room, "cid", true)), ra.presence, "the join made meanwhile is reported");
    }

    @Test
    void whenRedisLosesItsDataTheNodesResetTheChannelsTheyDelivered() {
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        Storage a = node(ra);
        Storage b = node(rb);
        ChannelId room = ChannelId.room("amnesia");
        ChannelId untouched = ChannelId.room("never-used");
        await(b.bus().subscribe(untouched));
        await(b.bus().subscribe(room));
        String before = append(a, room, "before").epoch();
        Poll.until(() -> rb.offsets(room).size() == 1, "delivered");
        b.presence().join(room, "bob");

        redis.server().stop(false);
        redis.server().restart();
        Poll.until(() -> rb.resets.contains(room), "the lost history noticed", Duration.ofSeconds(10));
        for (Storage node : List.of(a, b)) {
            Poll.until(() -> node.cluster().health().up(), "up again", Duration.ofSeconds(10));
        }
        assertEquals(List.of(room), rb.resets, "a channel that delivered nothing has nothing to reset");
        assertEquals(List.of("bob"), a.presence().members(room), "presence written back");
        assertEquals(List.of(new PresenceEvent(room, "bob", true)), rb.presence, "and reported as a join");
        Appended after = append(a, room, "after");
        assertEquals(1, after.entry().offset());
        assertFalse(after.epoch().equals(before));
        Poll.until(() -> rb.offsets(room).size() == 2, "the new history delivered");
        assertEquals(List.of(1L, 1L), rb.offsets(room));
    }

    @Test
    void aBadOrUnreachableRedisUrlNamesTheSetting() throws Exception {
        for (String bad : List.of("localhost:6379", "redis-cluster://127.0.0.1:7000,nohost", "http://x")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new RedisStorage(Settings.of(Map.of("redisUrl", bad))));
            assertTrue(e.getMessage().contains("redisUrl"), e.getMessage());
        }
        IllegalArgumentException secret = assertThrows(IllegalArgumentException.class,
                () -> new RedisStorage(Settings.of(Map.of("redisUrl", "redis-cluster://u:s3cret@127.0.0.1:7000,x"))));
        assertFalse(secret.getMessage().contains("s3cret"), secret.getMessage());
        String url = "redis://127.0.0.1:" + RedisServer.freePort();
        RedisStorage nowhere = new RedisStorage(Settings.of(Map.of("redisUrl", url, "redisTimeoutMs", "500")));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> nowhere.start(new Recorder(), new Recorder()));
        assertTrue(e.getMessage().startsWith("cannot reach Redis at " + url + ": "), e.getMessage());
        assertTrue(e.getMessage().endsWith("(setting redisUrl / SWITCHBOARD_REDIS_URL)"), e.getMessage());
        nowhere.close();
    }
}

package dev.switchboard.store.redis;

import dev.switchboard.settings.Settings;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Storage;
import dev.switchboard.store.ClusterStorageContract;
import dev.switchboard.testing.Poll;
import dev.switchboard.testing.RedisClusterServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RedisStorage} against a real Redis Cluster of three masters: the whole {@link StorageContract} (every script
 * touches one slot, every channel's subscription goes to the master of its slot), plus channels spread over all
 * masters at once.
 */
class RedisClusterIT extends ClusterStorageContract {

    private static RedisClusterServer cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterServer.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void emptyCluster() {
        cluster.flushAll();
    }

    @Override
    protected Storage storage(Map<String, String> settings) {
        Map<String, String> values = new HashMap<>(Map.of("redisUrl", cluster.url(), "redisNodeTimeoutMs", "900"));
        values.putAll(settings);
        return new RedisStorage(Settings.of(values));
    }


    @Test
    void channelsOnEveryMasterAreDeliveredEachByItsOwnShard() {
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        Storage a = node(ra);
        Storage b = node(rb);
        List<ChannelId> rooms = new java.util.ArrayList<>();
        Set<Integer> masters = new HashSet<>();
        for (int i = 0; masters.size() < 3 || rooms.size() < 12; i++) {
            ChannelId room = ChannelId.room("spread-" + i);
            rooms.add(room);
            masters.add(masterOf(JedisClusterCRC16.getSlot(Keys.bus(room.key()))));
        }
        for (ChannelId room : rooms) {
            await(b.bus().subscribe(room));
        }
        for (int n = 0; n < 20; n++) {
            for (ChannelId room : rooms) {
                a.log().append(room, frame("m" + n), null);
            }
        }
        for (ChannelId room : rooms) {
            Poll.until(() -> rb.offsets(room).size() >= 20, room + " delivered");
            assertEquals(oneTo(20), rb.offsets(room), room + " in order");
        }
        assertEquals(rooms.size(), a.log().channelCount());
        assertTrue(ra.entries.isEmpty(), "a subscribed nothing");
        for (int port : cluster.ports()) {
            try (Jedis jedis = cluster.client(port)) {
                assertTrue(jedis.keys("sb:{cluster}:*").isEmpty() || port == masterOf(
                        JedisClusterCRC16.getSlot(Keys.NODES)), "node keys live in one slot");
            }
        }
    }

    @Test
    void aChannelWhoseSlotMovesToAnotherMasterKeepsItsHistoryAndItsSubscribers() {
        Recorder rb = new Recorder();
        Storage a = node(new Recorder());
        Storage b = node(rb);
        ChannelId room = ChannelId.room("moving");
        await(b.bus().subscribe(room));
        for (int i = 0; i < 5; i++) {
            append(a, room, "before " + i);
        }
        Poll.until(() -> rb.offsets(room).size() == 5, "delivered before the move");
        int slot = JedisClusterCRC16.getSlot(Keys.bus(room.key()));
        int from = masterOf(slot);
        int to = cluster.ports().stream().filter(p -> p != from).findFirst().orElseThrow();
        moveSlot(slot, from, to);
        assertEquals(to, masterOf(slot));
        for (int i = 0; i < 5; i++) {
            append(a, room, "after " + i);
        }
        Poll.until(() -> rb.offsets(room).size() >= 10, "delivered after the move", java.time.Duration.ofSeconds(10));
        assertEquals(oneTo(10), rb.offsets(room), "in order, nothing lost, nothing twice");
        assertEquals(10, b.log().readAfter(room, 0, 100).head(), "the history moved along");
        try (Jedis jedis = cluster.client(to)) {
            Poll.until(() -> jedis.pubsubShardNumSub(Keys.bus(room.key())).get(Keys.bus(room.key())) == 1,
                    "b subscribes at the new master");
        }
    }

    /** Moves one slot and its keys between masters, the way redis-cli --cluster reshard does. */
    private static void moveSlot(int slot, int from, int to) {
        try (Jedis source = cluster.client(from); Jedis target = cluster.client(to)) {
            String sourceId = source.clusterMyId();
            String targetId = target.clusterMyId();
            target.clusterSetSlotImporting(slot, sourceId);
            source.clusterSetSlotMigrating(slot, targetId);
            List<String> keys;
            while (!(keys = source.clusterGetKeysInSlot(slot, 100)).isEmpty()) {
                source.migrate("127.0.0.1", to, 0, 5000,
                        new redis.clients.jedis.params.MigrateParams(), keys.toArray(String[]::new));
            }
            for (int port : cluster.ports()) {
                try (Jedis node = cluster.client(port)) {
                    node.clusterSetSlotNode(slot, targetId);
                }
            }
        }
    }

    private static int masterOf(int slot) {
        for (int port : cluster.ports()) {
            try (Jedis jedis = cluster.client(port)) {
                for (Object range : jedis.clusterSlots()) {
                    List<?> r = (List<?>) range;
                    if ((Long) r.get(0) <= slot && slot <= (Long) r.get(1)) {
                        return Math.toIntExact((Long) ((List<?>) r.get(2)).get(1));
                    }
                }
            }
        }
        throw new AssertionError("no master for slot " + slot);
    }
}

package dev.switchboard.store.redis;

import dev.switchboard.settings.Settings;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Storage;
import dev.switchboard.store.ClusterStorageContract;
import dev.switchboard.testing.Poll;
import dev.switchboard.testing.RedisSentinels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RedisStorage} through Redis Sentinel (a master, a replica, one sentinel): the {@link StorageContract}, and a
 * failover during which the nodes follow the promoted replica with their history and subscriptions.
 */
class SentinelRedisIT extends ClusterStorageContract {

    private static RedisSentinels sentinels;

    @BeforeAll
    static void startSentinels() {
        sentinels = RedisSentinels.start();
    }

    @AfterAll
    static void stopSentinels() {
        if (sentinels != null) {
            sentinels.close();
        }
    }

    @BeforeEach
    void empty() {
        sentinels.flushAll();
    }

    @Override
    protected Storage storage(Map<String, String> settings) {
        Map<String, String> values = new HashMap<>(Map.of("redisUrl", sentinels.url(), "redisNodeTimeoutMs", "900"));
        values.putAll(settings);
        return new RedisStorage(Settings.of(values));
    }


    @Test
    void afterAFailoverTheNodesFollowThePromotedReplicaWithHistoryAndSubscriptions() {
        Recorder rb = new Recorder();
        Storage a = node(new Recorder(), "redisNodeTimeoutMs", "3000");
        Storage b = node(rb, "redisNodeTimeoutMs", "3000");
        ChannelId room = ChannelId.room("failover");
        await(b.bus().subscribe(room));
        assertTrue(b.presence().join(room, "bob"));
        for (int i = 0; i < 5; i++) {
            append(a, room, "before " + i);
        }
        Poll.until(() -> rb.offsets(room).size() == 5, "delivered before the failover");
        int old = sentinels.master();

        sentinels.failover();
        assertTrue(sentinels.master() != old);
        Poll.until(() -> { // appends fail while the nodes still write to the demoted master; they are told so
            try {
                a.log().append(room, frame("after"), null).toCompletableFuture().get(5, TimeUnit.SECONDS);
                return true;
            } catch (Exception e) {
                return false;
            }
        }, "appends succeed on the new master", Duration.ofSeconds(20));
        long head = a.log().readAfter(room, 0, 100).head();
        assertTrue(head >= 6, "the history came along: " + head);
        Poll.until(() -> rb.offsets(room).size() == head, "b delivers everything stored", Duration.ofSeconds(10));
        assertEquals(oneTo(head), rb.offsets(room), "in order, once");
        try (redis.clients.jedis.Jedis jedis = RedisSentinels.client(sentinels.master())) {
            Poll.until(() -> jedis.pubsubShardNumSub(Keys.bus(room.key())).get(Keys.bus(room.key())) == 1,
                    "b subscribes at the new master", Duration.ofSeconds(10));
        }
        append(a, room, "live");
        Poll.until(() -> rb.offsets(room).size() == head + 1, "b is live on the new master", Duration.ofSeconds(10));
        assertEquals(List.of("bob"), a.presence().members(room), "presence came along");
        for (Storage n : List.of(a, b)) {
            Poll.until(() -> n.cluster().health().up(), "healthy", Duration.ofSeconds(10));
        }
    }
}

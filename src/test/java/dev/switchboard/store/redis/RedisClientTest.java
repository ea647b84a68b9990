package dev.switchboard.store.redis;

import dev.switchboard.settings.Settings;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How {@code redisUrl} is read (no Redis needed: nothing connects before {@link RedisClient#connect()}). */
class RedisClientTest {

    private static RedisClient client(String url) {
        return new RedisClient(Settings.of(Map.of("redisUrl", url)), "test");
    }

    @Test
    void aStandaloneUrlNamesOneServerAndIsShownWithoutItsPassword() {
        RedisClient c = client("redis://ann:s3cret@10.0.0.5:6380/2");
        assertFalse(c.isCluster());
        assertEquals(new HostAndPort("10.0.0.5", 6380), c.nodeFor("room:lobby"), "every channel on the one server");
        assertEquals("redis://ann:****@10.0.0.5:6380/2", c.shown());
    }

    @Test
    void aClusterUrlListsSeedsAndIsShownWithoutItsPassword() {
        RedisClient c = client("redis-cluster://:s3cret@127.0.0.1:7000, 127.0.0.1:7001");
        assertTrue(c.isCluster());
        assertEquals("redis-cluster://:****@127.0.0.1:7000, 127.0.0.1:7001", c.shown());
        assertTrue(client("rediss-cluster://[::1]:7000").isCluster(), "IPv6 in brackets");
    }

    @Test
    void aSentinelUrlListsSentinelsAndNamesTheMaster() {
        RedisClient c = client("redis-sentinel://:s3cret@127.0.0.1:26379,127.0.0.1:26380/mymaster/1");
        assertFalse(c.isCluster());
        assertTrue(c.routesChange(), "the master may fail over");
        assertEquals("redis-sentinel://:****@127.0.0.1:26379,127.0.0.1:26380/mymaster/1", c.shown());
    }

    @Test
    void aBadUrlNamesTheSettingAndHidesThePassword() {
        for (String bad : new String[] {"localhost:6379", "http://x", "redis-cluster://a:b@host", "redis-cluster://h:1/0",
                "redis-cluster://u:s3cret@h:x", "redis-sentinel://u:s3cret@h:1", "redis-sentinel://h:1/m/x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> client(bad));
            assertTrue(e.getMessage().startsWith("invalid setting redisUrl / SWITCHBOARD_REDIS_URL \""), e.getMessage());
            assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        }
    }

    @Test
    void everyKeyOfAChannelIsInItsSlotAndTheRegistryInOne() {
        int slot = redis.clients.jedis.util.JedisClusterCRC16.getSlot(Keys.bus("inbox:e\nve:{x}"));
        for (String key : Keys.log("inbox:e\nve:{x}")) {
            assertEquals(slot, redis.clients.jedis.util.JedisClusterCRC16.getSlot(key), key);
        }
        for (String key : Keys.presence("inbox:e\nve:{x}", "node.1")) {
            assertEquals(slot, redis.clients.jedis.util.JedisClusterCRC16.getSlot(key), key);
        }
        int registry = redis.clients.jedis.util.JedisClusterCRC16.getSlot(Keys.NODES);
        for (String key : new String[] {Keys.DEAD, Keys.CHANNELS, Keys.COUNTERS, Keys.lead("stats"),
                Keys.nodeChannels("node.1")}) {
            assertEquals(registry, redis.clients.jedis.util.JedisClusterCRC16.getSlot(key), key);
        }
        assertEquals("inbox:e\nve:{x}", Keys.fromBus(Keys.bus("inbox:e\nve:{x}")));
    }
}

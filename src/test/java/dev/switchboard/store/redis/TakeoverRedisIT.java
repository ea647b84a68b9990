package dev.switchboard.store.redis;

import dev.switchboard.settings.Settings;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.PresenceEvent;
import dev.switchboard.store.Storage;
import dev.switchboard.store.StorageContract.Recorder;
import dev.switchboard.testing.Poll;
import dev.switchboard.testing.RedisPerClass;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Presence when nodes die, pause or hand over to a new incarnation ({@link RedisPresence}'s class comment), against a
 * real redis-server: a dead node's users leave for the others within the node timeout, a takeover stopped midway is
 * finished by the next heartbeat, a node presumed dead while alive puts its users back, and a handover never makes a
 * user who stayed seem to leave and come back.
 */
class TakeoverRedisIT {

    @RegisterExtension
    static final RedisPerClass redis = new RedisPerClass();

    private final List<Storage> started = new ArrayList<>();

    @AfterEach
    void closeNodes() {
        started.forEach(Storage::close);
    }

    /** A started node; settings as name, value pairs over a node timeout of 900 ms. */
    private RedisStorage node(Recorder recorder, String... settings) {
        Map<String, String> values = new HashMap<>(Map.of("redisUrl", redis.url(), "redisNodeTimeoutMs", "900"));
        for (int i = 0; i < settings.length; i += 2) {
            values.put(settings[i], settings[i + 1]);
        }
        RedisStorage node = new RedisStorage(Settings.of(values));
        node.start(recorder, recorder);
        started.add(node);
        return node;
    }

    @Test
    void aDeadNodesUsersLeaveForTheOthersWithinTheNodeTimeout() {
        Recorder ra = new Recorder();
        RedisStorage a = node(ra);
        RedisStorage c = node(new Recorder());
        ChannelId room = ChannelId.room("lobby");
        ChannelId inbox = ChannelId.inbox("dora");
        assertTrue(a.presence().join(room, "ann"));
        assertTrue(c.presence().join(room, "dora"));
        assertTrue(c.presence().join(inbox, "dora"));
        assertFalse(c.presence().join(room, "ann"), "ann is on both nodes");
        assertEquals("dora", c.presence().claim(List.of("dora")));
        long crashed = System.nanoTime();
        c.crash();
        Poll.until(() -> ra.presence.size() >= 2, "dora's leaves reported", Duration.ofSeconds(5));
        long tookMs = (System.nanoTime() - crashed) / 1_000_000;
        assertTrue(tookMs < 900 + 2 * 300 + 500, "within the node timeout and a beat or two: " + tookMs + " ms");
        assertEquals(Set.of(new PresenceEvent(room, "dora", false), new PresenceEvent(inbox, "dora", false)),
                Set.copyOf(ra.presence), "no leave for ann: she is still on a");
        assertEquals(2, ra.presence.size());
        assertEquals(List.of("ann"), a.presence().members(room));
        assertEquals("dora", a.presence().claim(List.of("dora")), "the dead node's guest name is free");
        try (Jedis jedis = redis.client()) {
            Poll.until(() -> jedis.smembers(Keys.DEAD).isEmpty(), "the dead node is forgotten");
            assertEquals(Set.of(), jedis.keys("sb:{cluster}:node:" + c.incarnation() + "*"));
            assertEquals(Set.of(), jedis.keys("sb:{*}:node:" + c.incarnation()));
        }
    }

    @Test
    void aTakeoverThatStoppedMidwayIsFinishedByTheNextHeartbeat() {
        Recorder ra = new Recorder();
        RedisStorage a = node(ra, "redisNodeTimeoutMs", "60000"); // beats only when the test says
        RedisStorage c = node(new Recorder(), "redisNodeTimeoutMs", "60000");
        List<ChannelId> rooms = List.of(ChannelId.room("r1"), ChannelId.room("r2"), ChannelId.room("r3"));
        for (ChannelId room : rooms) {
            assertTrue(c.presence().join(room, "dora"));
        }
        String dead = c.incarnation();
        c.crash();
        try (JedisPooled jedis = new JedisPooled("127.0.0.1", redis.port())) {
            // what a node leaves behind that presumed c dead and died itself after taking back one channel of three
            jedis.zrem(Keys.NODES, dead);
            jedis.sadd(Keys.DEAD, dead);
            Script.SHARE.run(jedis, Keys.presence(rooms.get(0).key(), dead), List.of("0"));
            Script.REAPED.run(jedis, List.of(Keys.DEAD), List.of(dead, rooms.get(0).key()));
        }
        assertEquals(List.of("dora"), a.presence().members(rooms.get(1)));
        a.beat();
        assertEquals(Set.of(new PresenceEvent(rooms.get(1), "dora", false), new PresenceEvent(rooms.get(2), "dora", false)),
                Set.copyOf(ra.presence), "the next heartbeat of any node takes back the rest");
        assertEquals(2, ra.presence.size());
        for (ChannelId room : rooms) {
            assertEquals(List.of(), a.presence().members(room));
        }
        a.beat();
        assertEquals(2, ra.presence.size(), "once");
        try (Jedis jedis = redis.client()) {
            assertEquals(Set.of(), jedis.smembers(Keys.DEAD));
        }
    }

    @Test
    void aNodeThatWasPresumedDeadWhileAlivePutsItsUsersBack() {
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        RedisStorage a = node(ra);
        RedisStorage b = node(rb);
        ChannelId room = ChannelId.room("pause");
        assertTrue(a.presence().join(room, "ann"));
        assertEquals("ann", a.presence().claim(List.of("ann")));
        String first = a.incarnation();
        try (Jedis jedis = redis.client()) {
            Poll.until(() -> { // as if a had paused for longer than the node timeout, and b noticed (a's own beat may come first)
                jedis.zadd(Keys.NODES, 0, first);
                b.beat();
                return !rb.presence.isEmpty();
            }, "b takes back a's share", Duration.ofSeconds(5));
        }
        assertEquals(List.of(new PresenceEvent(room, "ann", false)), rb.presence, "b reports that ann left");
        Poll.until(() -> !ra.presence.isEmpty(), "a notices and writes its share back", Duration.ofSeconds(5));
        assertEquals(List.of(new PresenceEvent(room, "ann", true)), ra.presence, "a reports that ann is back");
        assertFalse(first.equals(a.incarnation()), "under a new incarnation");
        assertEquals(List.of("ann"), b.presence().members(room));
        assertEquals(null, b.presence().claim(List.of("ann")), "her guest name is hers again");
        assertFalse(a.presence().join(room, "ann"));
        assertFalse(b.presence().leave(room, "ann"), "b never had her");
        assertFalse(a.presence().leave(room, "ann"));
        assertTrue(a.presence().leave(room, "ann"));
    }

    @Test
    void aHandoverNeverMakesAUserWhoStayedSeemToLeaveAndComeBack() throws Exception {
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        RedisStorage a = node(ra, "redisNodeTimeoutMs", "60000"); // beats only when the test says
        RedisStorage b = node(rb, "redisNodeTimeoutMs", "60000");
        List<ChannelId> rooms = IntStream.range(0, 40).mapToObj(i -> ChannelId.room("stay" + i)).toList();
        for (ChannelId room : rooms) {
            assertTrue(a.presence().join(room, "ann"));
        }
        // b takes back whatever is in the dead set as often as it can, as a busy cluster's heartbeats would; a retired
        // incarnation in the dead set before its successor's share is written would show as ann leaving a room.
        AtomicBoolean beating = new AtomicBoolean(true);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                while (beating.get()) {
                    b.beat();
                }
            } catch (Throwable t) {
                failed.set(t);
            }
        }, "b-beats");
        other.start();
        try {
            for (int round = 0; round < 5; round++) {
                String before = a.incarnation();
                try (Jedis jedis = redis.client()) {
                    jedis.zrem(Keys.NODES, before); // as if Redis had lost a's registration: a hands over
                }
                a.beat();
                assertNotEquals(before, a.incarnation(), "a handed over");
            }
        } finally {
            beating.set(false);
            other.join();
        }
        assertNull(failed.get());
        b.beat();
        a.beat();
        assertEquals(List.of(), rb.presence, "ann never left for b");
        assertEquals(List.of(), ra.presence, "nor came back for a");
        for (ChannelId room : rooms) {
            assertEquals(List.of("ann"), b.presence().members(room));
        }
        try (Jedis jedis = redis.client()) {
            assertEquals(Set.of(), jedis.smembers(Keys.DEAD), "every retired incarnation taken back");
            assertEquals(Set.of(a.incarnation(), b.incarnation()), Set.copyOf(jedis.zrange(Keys.NODES, 0, -1)),
                    "the old incarnations are retired");
        }
    }
}

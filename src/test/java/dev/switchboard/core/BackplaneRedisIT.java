package dev.switchboard.core;

import dev.switchboard.store.StoreUnavailableException;

import dev.switchboard.settings.Settings;
import dev.switchboard.store.Appended;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Entry;
import dev.switchboard.store.Slice;

import dev.switchboard.store.Template;
import dev.switchboard.testing.Poll;
import dev.switchboard.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link Backplane} contract of {@link RedisBackplane} against a real redis-server, with two or three backplanes
 * in this JVM standing for the nodes of a cluster.
 */
class BackplaneRedisIT {

    private static RedisServer redis;
    private final List<RedisBackplane> nodes = new ArrayList<>();

    /** What one node's listener received. */
    static final class Recorder implements Backplane.Listener {
        final Map<ChannelId, List<Entry>> entries = new ConcurrentHashMap<>();
        final List<String> signals = new CopyOnWriteArrayList<>();
        final List<ChannelId> resets = new CopyOnWriteArrayList<>();

        @Override
        public void onEntry(ChannelId channel, Entry entry) {
            entries.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(entry);
        }

        @Override
        public void onSignal(ChannelId channel, String json, String exceptUser) {
            signals.add(channel.key() + " " + json + " except " + exceptUser);
        }

        @Override
        public void onReset(ChannelId channel) {
            resets.add(channel);
        }

        List<Long> offsets(ChannelId channel) {
            return entries.getOrDefault(channel, List.of()).stream().map(Entry::offset).toList();
        }
    }

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void emptyRedis() {
        try (Jedis jedis = redis.client()) {
            jedis.flushAll();
        }
    }

    @AfterEach
    void closeNodes() {
        nodes.forEach(RedisBackplane::close);
    }

    private RedisBackplane node(Recorder recorder, String... settings) {
        Map<String, String> values = new HashMap<>(Map.of("redisUrl", redis.url(), "redisNodeTimeoutMs", "900"));
        for (int i = 0; i < settings.length; i += 2) {
            values.put(settings[i], settings[i + 1]);
        }
        RedisBackplane node = new RedisBackplane(Settings.of(values));
        node.start(recorder);
        nodes.add(node);
        return node;
    }

    private static Template frame(String text) {
        return new Template("{\"type\":\"message\",\"text\":\"" + text + "\",\"offset\":", "}");
    }

    private static List<Long> oneTo(long n) {
        return LongStream.rangeClosed(1, n).boxed().toList();
    }

    @Test
    void offsetsAreGapFreeAndInOrderOnEveryNodeUnderConcurrentAppendersOnTwoNodes() throws Exception {
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        RedisBackplane a = node(ra);
        RedisBackplane b = node(rb);
        ChannelId room = ChannelId.room("busy");
        int threads = 4;
        int each = 150;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<List<Long>>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            RedisBackplane node = t % 2 == 0 ? a : b;
            results.add(pool.submit(() -> {
                List<Long> mine = new ArrayList<>();
                for (int i = 0; i < each; i++) {
                    Appended appended = node.append(room, frame("m"), null);
                    assertFalse(appended.duplicate());
                    assertEquals("{\"type\":\"message\",\"text\":\"m\",\"offset\":" + appended.entry().offset() + "}",
                            appended.entry().json(), "the script completes the template with the offset");
                    mine.add(appended.entry().offset());
                }
                return mine;
            }));
        }
        Set<Long> all = new java.util.TreeSet<>();
        for (Future<List<Long>> f : results) {
            all.addAll(f.get());
        }
        pool.shutdown();
        int total = threads * each;
        assertEquals(Set.copyOf(oneTo(total)), all, "every offset once, no gap");
        for (Recorder r : List.of(ra, rb)) {
            Poll.until(() -> r.offsets(room).size() >= total, "every entry delivered", Duration.ofSeconds(10));
            assertEquals(oneTo(total), r.offsets(room), "each node delivers in offset order, each once");
        }
        assertEquals(total, a.readAfter(room, 0, 10_000).head());
    }

    @Test
    void aRepeatedDedupKeyStoresOnceWhileItIsInTheHistory() {
        Recorder ra = new Recorder();
        RedisBackplane a = node(ra, "historySize", "3");
        RedisBackplane b = node(new Recorder(), "historySize", "3");
        ChannelId room = ChannelId.room("dedup");
        Appended first = a.append(room, frame("hello"), "ann\u0000c-1");
        Appended again = b.append(room, frame("hello again"), "ann\u0000c-1");
        assertTrue(again.duplicate());
        assertEquals(first.entry(), again.entry(), "the original comes back");
        assertEquals(first.epoch(), again.epoch());
        assertFalse(b.append(room, frame("other"), "bob\u0000c-1").duplicate(), "the key is per user");
        for (int i = 0; i < 3; i++) {
            a.append(room, frame("filler"), null);
        }
        Appended late = a.append(room, frame("hello later"), "ann\u0000c-1");
        assertFalse(late.duplicate(), "once the original left the history the key is free again");
        assertEquals(6, late.entry().offset());
        Poll.until(() -> ra.offsets(room).size() == 6, "six entries delivered");
    }

    @Test
    void readAfterAndReadBeforePageTheBoundedHistory() {
        RedisBackplane a = node(new Recorder(), "historySize", "5");
        ChannelId topic = ChannelId.topic("orders");
        Slice empty = a.readBefore(topic, Long.MAX_VALUE, 10);
        assertEquals(0, empty.head());
        assertTrue(empty.entries().isEmpty());
        for (int i = 1; i <= 8; i++) {
            assertEquals(empty.epoch(), a.append(topic, frame("n" + i), null).epoch(), "a read names the epoch for good");
        }
        assertEquals(List.of(4L, 5L, 6L, 7L, 8L), offsets(a.readAfter(topic, 0, 100)));
        assertEquals(List.of(6L, 7L), offsets(a.readAfter(topic, 5, 2)));
        assertEquals(List.of(6L, 7L, 8L), offsets(a.readBefore(topic, Long.MAX_VALUE, 3)));
        assertEquals(List.of(4L, 5L), offsets(a.readBefore(topic, 6, 10)));
        Slice none = a.readAfter(topic, 8, 10);
        assertEquals(8, none.head());
        assertTrue(none.entries().isEmpty());
        Slice page = a.readAfter(topic, 6, 1);
        assertEquals("{\"type\":\"message\",\"text\":\"n7\",\"offset\":7}", page.entries().get(0).json());
        assertEquals(8, page.head());
        assertEquals(7, page.lastOffset());
    }

    private static List<Long> offsets(Slice slice) {
        return slice.entries().stream().map(Entry::offset).toList();
    }

    @Test
    void oneNodeAtATimePublishesTheClusterValuesAndAnotherTakesOverWhenItStops() {
        RedisBackplane a = node(new Recorder());
        RedisBackplane b = node(new Recorder());
        assertTrue(a.lead("stats", 60_000), "nobody held it");
        assertFalse(b.lead("stats", 60_000), "a holds it");
        assertTrue(a.lead("stats", 60_000), "the holder renews it");
        assertTrue(b.lead("demo", 60_000), "each role has its own lease");
        a.close();
        assertTrue(b.lead("stats", 60_000), "a stopping node hands its leases on at once, not after the ttl");
    }

    @Test
    void aLeaseOfACrashedNodeExpires() {
        RedisBackplane a = node(new Recorder());
        RedisBackplane b = node(new Recorder());
        assertTrue(a.lead("stats", 300));
        a.crash();
        assertFalse(b.lead("stats", 300), "still held");
        Poll.until(() -> b.lead("stats", 300), "b takes over after the ttl", Duration.ofSeconds(5));
    }

    @Test
    void everyLiveNodeSeesEveryNodesCountersAndStaleOnesGo() {
        RedisBackplane a = node(new Recorder());
        RedisBackplane b = node(new Recorder());
        a.shareCounters("{\"connections\":1}", 60_000);
        Map<String, String> seen = b.shareCounters("{\"connections\":2}", 300);
        assertEquals(List.of("{\"connections\":1}", "{\"connections\":2}"),
                seen.values().stream().sorted().toList());
        assertEquals(2, a.shareCounters("{\"connections\":3}", 60_000).size());
        b.crash();
        Poll.until(() -> a.shareCounters("{\"connections\":3}", 60_000).size() == 1, "b's counters expire",
                Duration.ofSeconds(5));
        a.close();
        RedisBackplane c = node(new Recorder());
        assertEquals(List.of("{}"), List.copyOf(c.shareCounters("{}", 60_000).values()), "a's went when it stopped");
    }

    @Test
    void aNodeThatStopsTellsTheOthersWhoLeft() {
        Recorder ra = new Recorder();
        RedisBackplane a = node(ra);
        RedisBackplane b = node(new Recorder());
        ChannelId room = ChannelId.room("bye");
        a.presenceUp(room, "ann");
        b.presenceUp(room, "bob");
        assertEquals(1, b.connect("bob", true));
        b.close();
        Poll.until(() -> !ra.signals.isEmpty(), "bob's leave announced", Duration.ofSeconds(5));
        assertEquals(List.of("room:bye {\"type\":\"presence\",\"room\":\"bye\",\"user\":\"bob\",\"event\":\"leave\"}"
                + " except bob"), ra.signals);
        assertEquals(List.of("ann"), a.members(room));
        assertEquals(1, a.connect("bob", true), "his name is free");
        assertFalse(b.presenceDown(room, "bob"), "a stopped node answers nothing");
    }

    @Test
    void historyAndItsEpochOutliveTheNodes() {
        ChannelId room = ChannelId.room("lasting");
        RedisBackplane a = node(new Recorder());
        String epoch = a.append(room, frame("before"), null).epoch();
        a.close();
        RedisBackplane b = node(new Recorder());
        Slice slice = b.readAfter(room, 0, 10);
        assertEquals(epoch, slice.epoch());
        assertEquals(List.of(1L), offsets(slice));
        assertEquals(epoch, b.append(room, frame("after"), null).epoch());
        assertEquals(1, b.channelCount());
    }

    @Test
    void presenceIsFirstAndLastAnywhereAcrossTwoNodes() {
        RedisBackplane a = node(new Recorder());
        RedisBackplane b = node(new Recorder());
        ChannelId room = ChannelId.room("lobby");
        assertTrue(a.presenceUp(room, "ann"), "ann's first connection anywhere");
        assertFalse(b.presenceUp(room, "ann"), "ann is already here, on the other node");
        assertTrue(b.presenceUp(room, "bob"));
        assertEquals(List.of("ann", "bob"), a.members(room), "in the order they came");
        assertEquals(List.of("ann", "bob"), b.members(room));
        assertFalse(a.presenceDown(room, "ann"), "ann is still here on b");
        assertTrue(b.presenceDown(room, "ann"), "ann's last connection anywhere");
        assertFalse(b.presenceDown(room, "ann"), "gone already");
        assertEquals(List.of("bob"), a.members(room));
    }

    @Test
    void connectionCountsAndGuestNamesAreClusterWide() {
        RedisBackplane a = node(new Recorder());
        RedisBackplane b = node(new Recorder());
        assertEquals(1, a.connect("zed", true));
        assertEquals(0, b.connect("zed", true), "a guest name is taken on every node");
        assertEquals(1, a.connect("carol", false));
        assertEquals(2, b.connect("carol", false), "counted across nodes");
        b.disconnect("zed"); // b has no zed: nothing changes
        assertEquals(0, b.connect("zed", true));
        a.disconnect("zed");
        assertEquals(1, b.connect("zed", true), "free once its connection closed");
        b.disconnect("carol");
        assertEquals(2, a.connect("carol", false));
    }

    @Test
    void theInboxCursorOnlyMovesForward() {
        RedisBackplane a = node(new Recorder());
        RedisBackplane b = node(new Recorder());
        assertEquals(0, a.cursor("bob"));
        a.advanceCursor("bob", 5);
        b.advanceCursor("bob", 3);
        assertEquals(5, b.cursor("bob"));
        b.advanceCursor("bob", 9);
        assertEquals(9, a.cursor("bob"));
    }

    @Test
    void signalsReachEveryNode() {
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        RedisBackplane a = node(ra);
        node(rb);
        a.signal(ChannelId.room("lobby"), "{\"type\":\"typing\",\"room\":\"lobby\",\"user\":\"ann\"}", "ann");
        a.signal(ChannelId.inbox("ann"), "{\"type\":\"whisper\"}", null);
        List<String> expected = List.of(
                "room:lobby {\"type\":\"typing\",\"room\":\"lobby\",\"user\":\"ann\"} except ann",
                "inbox:ann {\"type\":\"whisper\"} except null");
        for (Recorder r : List.of(ra, rb)) {
            Poll.until(() -> r.signals.size() >= 2, "signals delivered", Duration.ofSeconds(5));
            assertEquals(expected, r.signals);
        }
    }

    @Test
    void aDeadNodesUsersLeaveForTheOthersWithinTheNodeTimeout() {
        Recorder ra = new Recorder();
        RedisBackplane a = node(ra);
        RedisBackplane c = node(new Recorder());
        ChannelId room = ChannelId.room("lobby");
        assertTrue(a.presenceUp(room, "ann"));
        assertTrue(c.presenceUp(room, "dora"));
        assertTrue(c.presenceUp(ChannelId.inbox("dora"), "dora"));
        assertFalse(c.presenceUp(room, "ann"), "ann is on both nodes");
        assertEquals(1, c.connect("dora", true));
        long crashed = System.nanoTime();
        c.crash();
        Poll.until(() -> ra.signals.contains("room:lobby {\"type\":\"presence\",\"room\":\"lobby\",\"user\":\"dora\","
                + "\"event\":\"leave\"} except dora"), "dora's leave announced", Duration.ofSeconds(5));
        long tookMs = (System.nanoTime() - crashed) / 1_000_000;
        assertTrue(tookMs < 900 + 2 * 300 + 500, "within the node timeout and a beat or two: " + tookMs + " ms");
        assertEquals(List.of("ann"), a.members(room), "ann stays: she is still on a");
        assertEquals(1, ra.signals.size(), "no leave for ann, no leave for an inbox: " + ra.signals);
        assertEquals(1, a.connect("dora", true), "the dead node's guest name is free");
    }

    @Test
    void aNodeThatWasPresumedDeadWhileAlivePutsItsUsersBack() {
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        RedisBackplane a = node(ra);
        RedisBackplane b = node(rb);
        ChannelId room = ChannelId.room("pause");
        assertTrue(a.presenceUp(room, "ann"));
        assertEquals(1, a.connect("ann", true));
        String leave = "{\"type\":\"presence\",\"room\":\"pause\",\"user\":\"ann\",\"event\":\"leave\"}";
        String join = "{\"type\":\"presence\",\"room\":\"pause\",\"user\":\"ann\",\"event\":\"join\"}";
        try (Jedis jedis = redis.client()) {
            Poll.until(() -> { // as if a had paused for longer than the node timeout, and b noticed (a's own beat may come first)
                jedis.zadd("sb:nodes", 0, a.nodeId());
                b.beat();
                return !rb.signals.isEmpty();
            }, "b takes back a's share", Duration.ofSeconds(5));
        }
        Poll.until(() -> rb.signals.size() >= 2, "ann left, then came back", Duration.ofSeconds(5));
        assertEquals(List.of("room:pause " + leave + " except ann", "room:pause " + join + " except ann"), rb.signals);
        assertEquals(List.of("ann"), b.members(room));
        assertEquals(0, b.connect("ann", true), "her guest name is hers again");
        assertFalse(a.presenceUp(room, "ann"));
        assertFalse(b.presenceDown(room, "ann"), "b never had her");
        assertFalse(a.presenceDown(room, "ann"));
        assertTrue(a.presenceDown(room, "ann"));
    }

    @Test
    void userNamesMayHoldNewlinesColonsAndBraces() {
        String odd = "e\nve:{x}";
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        RedisBackplane a = node(ra);
        RedisBackplane b = node(rb);
        RedisBackplane c = node(new Recorder());
        ChannelId room = ChannelId.room("odd");
        ChannelId inbox = ChannelId.inbox(odd);
        assertTrue(c.presenceUp(room, odd));
        assertFalse(b.presenceUp(room, odd));
        assertEquals(List.of(odd), a.members(room));
        a.signal(inbox, "{\"type\":\"whisper\"}", odd);
        a.append(inbox, new Template("{\"type\":\"whisper\",\"text\":\"hi\"}", null), null);
        Poll.until(() -> !rb.signals.isEmpty() && rb.offsets(inbox).size() == 1, "signal and entry delivered");
        assertEquals(List.of("inbox:" + odd + " {\"type\":\"whisper\"} except " + odd), rb.signals);
        c.crash();
        b.presenceDown(room, odd);
        Poll.until(() -> rb.signals.size() == 2, "the leave of the last node announced", Duration.ofSeconds(5));
        assertEquals("room:odd {\"type\":\"presence\",\"room\":\"odd\",\"user\":\"e\\nve:{x}\",\"event\":\"leave\"} "
                + "except " + odd, rb.signals.get(1));
        assertEquals(List.of(), a.members(room));
    }

    @Test
    void anEntryThatPubSubLostIsReadFromTheLogBeforeTheNextOne() {
        Recorder rb = new Recorder();
        RedisBackplane a = node(new Recorder());
        RedisBackplane b = node(rb);
        ChannelId room = ChannelId.room("gaps");
        b.readBefore(room, Long.MAX_VALUE, 50); // a member joined on b
        a.append(room, frame("one"), null);
        Poll.until(() -> rb.offsets(room).size() == 1, "first entry delivered");
        appendUnpublished(room, "two");
        appendUnpublished(room, "three");
        a.append(room, frame("four"), null);
        Poll.until(() -> rb.offsets(room).size() >= 4, "the gap filled", Duration.ofSeconds(5));
        assertEquals(List.of(1L, 2L, 3L, 4L), rb.offsets(room));
        assertTrue(rb.entries.get(room).get(2).json().contains("three"));
    }

    @Test
    void aResubscribedNodeCatchesUpEveryChannelItsClientsRead() {
        Recorder rb = new Recorder();
        RedisBackplane a = node(new Recorder());
        RedisBackplane b = node(rb);
        ChannelId room = ChannelId.room("quiet");
        ChannelId topic = ChannelId.topic("read-only");
        b.readBefore(room, Long.MAX_VALUE, 50); // a member joined on b
        a.append(room, frame("one"), null);
        b.readBefore(topic, Long.MAX_VALUE, 1); // a subscriber joined the empty topic on b
        Poll.until(() -> rb.offsets(room).size() == 1, "first entry delivered");
        appendUnpublished(room, "two");
        appendUnpublished(topic, "first of the topic");
        ChannelId elsewhere = ChannelId.room("nobody-here");
        a.append(elsewhere, frame("live"), null);
        Poll.until(() -> rb.offsets(elsewhere).size() == 1, "handed on though nobody read it");
        appendUnpublished(elsewhere, "missed, and nobody here needs it");
        try (Jedis jedis = redis.client()) {
            jedis.clientKill(ClientKillParams.clientKillParams().type(ClientType.PUBSUB));
        }
        Poll.until(() -> rb.offsets(room).size() >= 2 && rb.offsets(topic).size() >= 1, "caught up after resubscribing",
                Duration.ofSeconds(5));
        assertEquals(List.of(1L, 2L), rb.offsets(room));
        assertEquals(List.of(1L), rb.offsets(topic));
        assertEquals(List.of(1L), rb.offsets(elsewhere), "a channel no client here read is not caught up");
        a.append(room, frame("three"), null);
        Poll.until(() -> rb.offsets(room).size() >= 3, "live again");
        assertEquals(List.of(1L, 2L, 3L), rb.offsets(room));
        Poll.until(() -> b.health().equals("UP"), "healthy again");
    }

    /** Stores an entry the way the append script does, but publishes it where no node listens (a lost message). */
    private static void appendUnpublished(ChannelId channel, String text) {
        try (Jedis jedis = redis.client()) {
            Template t = frame(text);
            String key = channel.key();
            jedis.eval(scriptSource(), List.of("sb:{" + key + "}:seq", "sb:{" + key + "}:epoch", "sb:{" + key + "}:log",
                    "sb:{" + key + "}:dedup"), List.of(t.head(), t.tail(), "1", "", "1000", Ids.epoch(), "sb:nowhere", key));
        }
    }

    private static String scriptSource() {
        try {
            java.lang.reflect.Field source = RedisScripts.Script.class.getDeclaredField("source");
            source.setAccessible(true);
            return (String) source.get(RedisScripts.APPEND);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void whileRedisIsDownStoringFailsLocalDeliveryGoesOnAndAfterItIsBackNothingIsMissing() {
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        RedisBackplane a = node(ra);
        RedisBackplane b = node(rb);
        ChannelId room = ChannelId.room("outage");
        a.presenceUp(room, "ann");
        b.presenceUp(room, "bob");
        a.append(room, frame("before"), null);
        Poll.until(() -> rb.offsets(room).size() == 1, "delivered before the outage");

        redis.stop(true);
        for (RedisBackplane node : List.of(a, b)) {
            Poll.until(() -> node.health().startsWith("DEGRADED: "), "degraded", Duration.ofSeconds(5));
        }
        assertTrue(a.health().contains(redis.url()), a.health());
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
                () -> a.append(room, frame("lost?"), null));
        assertTrue(e.getMessage().startsWith("cannot store to room:outage: Redis at " + redis.url()), e.getMessage());
        assertThrows(StoreUnavailableException.class, () -> b.readAfter(room, 0, 10));
        assertThrows(StoreUnavailableException.class, () -> b.cursor("bob"));
        a.signal(room, "{\"type\":\"typing\"}", "ann");
        assertEquals(List.of("room:outage {\"type\":\"typing\"} except ann"), ra.signals, "local members still get signals");
        assertTrue(a.presenceUp(room, "cid"), "presence is counted locally meanwhile");
        assertEquals(List.of("ann", "cid"), a.members(room));
        assertEquals(1, a.connect("guest", true));
        a.advanceCursor("ann", 4);

        redis.restart();
        for (RedisBackplane node : List.of(a, b)) {
            Poll.until(() -> node.health().equals("UP"), "up again", Duration.ofSeconds(10));
        }
        assertEquals(List.of("ann", "bob", "cid"), b.members(room), "the outage's changes were written back");
        assertEquals(0, b.connect("guest", true));
        assertEquals(4, b.cursor("ann"));
        Appended after = a.append(room, frame("after"), null);
        assertEquals(2, after.entry().offset());
        Poll.until(() -> rb.offsets(room).size() >= 2, "flows again");
        assertEquals(List.of(1L, 2L), rb.offsets(room));
    }

    @Test
    void whenRedisLosesItsDataTheNodesResetTheChannelsTheyDelivered() {
        Recorder rb = new Recorder();
        RedisBackplane a = node(new Recorder());
        RedisBackplane b = node(rb);
        ChannelId room = ChannelId.room("amnesia");
        ChannelId untouched = ChannelId.room("never-used");
        b.readAfter(untouched, 0, 10);
        b.readAfter(room, 0, 10); // a member joined on b
        String before = a.append(room, frame("before"), null).epoch();
        Poll.until(() -> rb.offsets(room).size() == 1, "delivered");
        b.presenceUp(room, "bob");

        redis.stop(false);
        redis.restart();
        Poll.until(() -> rb.resets.contains(room), "the lost history noticed", Duration.ofSeconds(10));
        for (RedisBackplane node : List.of(a, b)) {
            Poll.until(() -> node.health().equals("UP"), "up again", Duration.ofSeconds(10));
        }
        assertEquals(List.of(room), rb.resets, "a channel that delivered nothing has nothing to reset");
        assertEquals(List.of("bob"), a.members(room), "presence written back");
        Appended after = a.append(room, frame("after"), null);
        assertEquals(1, after.entry().offset());
        assertFalse(after.epoch().equals(before));
        Poll.until(() -> rb.offsets(room).size() == 2, "the new history delivered");
        assertEquals(List.of(1L, 1L), rb.offsets(room));
    }

    @Test
    void aBadOrUnreachableRedisUrlNamesTheSetting() throws Exception {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new RedisBackplane(Settings.of(Map.of("redisUrl", "localhost:6379"))));
        assertTrue(bad.getMessage().contains("redisUrl"), bad.getMessage());
        String url = "redis://127.0.0.1:" + RedisServer.freePort();
        RedisBackplane nowhere = new RedisBackplane(Settings.of(Map.of("redisUrl", url, "redisTimeoutMs", "500")));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> nowhere.start(new Recorder()));
        assertTrue(e.getMessage().startsWith("cannot reach Redis at " + url + ": "), e.getMessage());
        assertTrue(e.getMessage().endsWith("(setting redisUrl / SWITCHBOARD_REDIS_URL)"), e.getMessage());
    }
}

package dev.switchboard.store;

import dev.switchboard.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link Storage} must do, whatever keeps the data. A subclass says how to make one node's storage
 * ({@link #storage}); where {@link #sharedByNodes()} several storages made by it stand for the nodes of one cluster
 * (they share one store), and the cluster-wide parts are checked across two of them.
 */
public abstract class StorageContract {

    private final List<Storage> started = new ArrayList<>();

    /** A new, not yet started storage for one node, with these settings (by setting name) over the test's defaults. */
    protected abstract Storage storage(Map<String, String> settings);

    /** Whether two storages of {@link #storage} share one store (a cluster); false: each is a world of its own. */
    protected abstract boolean sharedByNodes();


    @AfterEach
    void closeNodes() {
        started.forEach(Storage::close);
    }

    /** What one node's listeners received. */
    public static final class Recorder implements Bus.Listener, Presence.Listener {
        public final Map<ChannelId, List<Entry>> entries = new ConcurrentHashMap<>();
        public final List<String> signals = new CopyOnWriteArrayList<>();
        public final List<ChannelId> resets = new CopyOnWriteArrayList<>();
        public final List<PresenceEvent> presence = new CopyOnWriteArrayList<>();
        public final List<String> threads = new CopyOnWriteArrayList<>();

        @Override
        public void onEntry(ChannelId channel, Entry entry) {
            threads.add(Thread.currentThread().getName());
            entries.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(entry);
        }

        @Override
        public void onSignal(ChannelId channel, String payload, String exceptUser) {
            threads.add(Thread.currentThread().getName());
            signals.add(channel.key() + " " + payload + " except " + exceptUser);
        }

        @Override
        public void onReset(ChannelId channel) {
            resets.add(channel);
        }

        @Override
        public void onPresence(PresenceEvent event) {
            presence.add(event);
        }

        public List<Long> offsets(ChannelId channel) {
            return entries.getOrDefault(channel, List.of()).stream().map(Entry::offset).toList();
        }
    }

    protected Storage node(Recorder recorder, String... settings) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < settings.length; i += 2) {
            values.put(settings[i], settings[i + 1]);
        }
        Storage node = storage(values);
        node.start(recorder, recorder);
        started.add(node);
        return node;
    }

    /** A second node of the same cluster. */
    protected Storage otherNode(Recorder recorder, String... settings) {
        return node(recorder, settings);
    }

    protected static <T> T await(java.util.concurrent.CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the stage did not complete: " + e, e);
        }
    }

    protected static Template frame(String text) {
        return new Template("{\"type\":\"message\",\"text\":\"" + text + "\",\"offset\":", "}");
    }

    protected static Appended append(Storage node, ChannelId channel, String text) {
        return await(node.log().append(channel, frame(text), null));
    }

    protected static List<Long> oneTo(long n) {
        return LongStream.rangeClosed(1, n).boxed().toList();
    }

    protected static List<Long> offsets(Slice slice) {
        return slice.entries().stream().map(Entry::offset).toList();
    }

    // ------------------------------------------------------------------------------------------ log and bus

    @Test
    void offsetsAreGapFreeAndInOrderOnEveryNodeWhileAppendersOnTwoNodesPipelineAppends() throws Exception {
        Recorder ra = new Recorder();
        Storage a = node(ra);
        Recorder rb = new Recorder();
        Storage b = sharedByNodes() ? node(rb) : a;
        ChannelId room = ChannelId.room("busy");
        await(a.bus().subscribe(room));
        if (b != a) {
            await(b.bus().subscribe(room));
        }
        int threads = 4;
        int each = 500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<List<Long>>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Storage node = t % 2 == 0 ? a : b;
            results.add(pool.submit(() -> {
                List<CompletableFuture<Appended>> stages = new ArrayList<>();
                List<Integer> overtaking = new CopyOnWriteArrayList<>();
                for (int i = 0; i < each; i++) { // all submitted before any is awaited: they travel together
                    CompletableFuture<Appended> stage = node.log().append(room, frame("m"), null).toCompletableFuture();
                    if (i > 0) {
                        CompletableFuture<Appended> previous = stages.get(i - 1);
                        int index = i;
                        stage.thenRun(() -> {
                            if (!previous.isDone()) {
                                overtaking.add(index);
                            }
                        });
                    }
                    stages.add(stage);
                }
                List<Long> mine = new ArrayList<>();
                for (CompletableFuture<Appended> stage : stages) {
                    Appended appended = stage.get(20, TimeUnit.SECONDS);
                    assertFalse(appended.duplicate());
                    assertEquals("{\"type\":\"message\",\"text\":\"m\",\"offset\":" + appended.entry().offset() + "}",
                            appended.entry().json(), "the store completes the template with the offset");
                    mine.add(appended.entry().offset());
                }
                assertEquals(mine.stream().sorted().toList(), mine, "one caller's appends are stored in its order");
                assertEquals(List.of(), overtaking, "and complete in that order");
                return mine;
            }));
        }
        java.util.Set<Long> all = new java.util.TreeSet<>();
        for (Future<List<Long>> f : results) {
            all.addAll(f.get());
        }
        pool.shutdown();
        int total = threads * each;
        assertEquals(java.util.Set.copyOf(oneTo(total)), all, "every offset once, no gap");
        for (Recorder r : b == a ? List.of(ra) : List.of(ra, rb)) {
            Poll.until(() -> r.offsets(room).size() >= total, "every entry delivered", Duration.ofSeconds(20));
            assertEquals(oneTo(total), r.offsets(room), "each node delivers in offset order, each once");
        }
        assertEquals(total, a.log().readAfter(room, 0, 10_000).head());
    }

    @Test
    void aRepeatedDedupKeyStoresOnceWhileItIsInTheHistory() {
        Recorder ra = new Recorder();
        Storage a = node(ra, "historySize", "3");
        Storage b = sharedByNodes() ? node(new Recorder(), "historySize", "3") : a;
        ChannelId room = ChannelId.room("dedup");
        await(a.bus().subscribe(room));
        Appended first = await(a.log().append(room, frame("hello"), "ann\u0000c-1"));
        Appended again = await(b.log().append(room, frame("hello again"), "ann\u0000c-1"));
        assertTrue(again.duplicate());
        assertEquals(first.entry(), again.entry(), "the original comes back");
        assertEquals(first.epoch(), again.epoch());
        assertFalse(await(b.log().append(room, frame("other"), "bob\u0000c-1")).duplicate(), "the key is per user");
        for (int i = 0; i < 3; i++) {
            append(a, room, "filler");
        }
        Appended late = await(a.log().append(room, frame("hello later"), "ann\u0000c-1"));
        assertFalse(late.duplicate(), "once the original left the history the key is free again");
        assertEquals(6, late.entry().offset());
        Poll.until(() -> ra.offsets(room).size() == 6, "six entries delivered");
        assertEquals(oneTo(6), ra.offsets(room), "a duplicate is not delivered");
    }

    @Test
    void aRepeatedDedupKeyInOneBurstStoresOnce() {
        Storage a = node(new Recorder());
        ChannelId room = ChannelId.room("burst");
        List<CompletableFuture<Appended>> stages = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            stages.add(a.log().append(room, frame("same"), "ann\u0000c-" + (i % 2)).toCompletableFuture());
        }
        assertEquals(List.of(1L, 2L), stages.stream().map(s -> await(s).entry().offset()).distinct().toList());
        assertEquals(18, stages.stream().filter(s -> await(s).duplicate()).count());
        assertEquals(2, a.log().readAfter(room, 0, 100).head());
    }

    @Test
    void readAfterAndReadBeforePageTheBoundedHistory() {
        Storage a = node(new Recorder(), "historySize", "5");
        ChannelId topic = ChannelId.topic("orders");
        Slice empty = a.log().readBefore(topic, Long.MAX_VALUE, 10);
        assertEquals(0, empty.head());
        assertTrue(empty.entries().isEmpty());
        for (int i = 1; i <= 8; i++) {
            assertEquals(empty.epoch(), append(a, topic, "n" + i).epoch(), "a read names the epoch for good");
        }
        assertEquals(List.of(4L, 5L, 6L, 7L, 8L), offsets(a.log().readAfter(topic, 0, 100)));
        assertEquals(List.of(6L, 7L), offsets(a.log().readAfter(topic, 5, 2)));
        assertEquals(List.of(6L, 7L, 8L), offsets(a.log().readBefore(topic, Long.MAX_VALUE, 3)));
        assertEquals(List.of(4L, 5L), offsets(a.log().readBefore(topic, 6, 10)));
        Slice none = a.log().readAfter(topic, 8, 10);
        assertEquals(8, none.head());
        assertTrue(none.entries().isEmpty());
        Slice page = a.log().readAfter(topic, 6, 1);
        assertEquals("{\"type\":\"message\",\"text\":\"n7\",\"offset\":7}", page.entries().get(0).json());
        assertEquals(8, page.head());
        assertEquals(7, page.lastOffset());
        assertEquals(1, a.log().channelCount());
    }

    /** historySize times maxTextChars is no bound worth the name: a channel also keeps at most historyMaxBytes. */
    @Test
    void aChannelKeepsAtMostHistoryMaxBytesAndAlwaysItsNewestEntry() {
        Storage a = node(new Recorder(), "historyMaxBytes", "3000");
        ChannelId room = ChannelId.room("chatty");
        String text = "w".repeat(400);
        for (int i = 1; i <= 20; i++) {
            append(a, room, text + i);
        }
        Slice kept = a.log().readAfter(room, 0, 100);
        assertEquals(20, kept.head());
        assertEquals(20, kept.lastOffset(), "the newest stays");
        long bytes = kept.entries().stream().mapToLong(e -> e.json().length()).sum();
        assertTrue(bytes <= 3000, "at most 3000 bytes kept: " + bytes);
        assertTrue(kept.entries().size() >= 3, "and not much less: " + kept.entries().size());
        assertEquals(oneTo(20).subList(20 - kept.entries().size(), 20), offsets(kept), "gap-free, the newest");
        append(a, room, "w".repeat(5000));
        assertEquals(List.of(21L), offsets(a.log().readAfter(room, 0, 100)), "a lone entry larger than the bound stays");
    }

    @Test
    void aFrameWithoutTailIsStoredAsItIs() {
        Storage a = node(new Recorder());
        ChannelId inbox = ChannelId.inbox("bob");
        Appended whisper = await(a.log().append(inbox, new Template("{\"type\":\"whisper\",\"text\":\"hi\"}", null), null));
        assertEquals("{\"type\":\"whisper\",\"text\":\"hi\"}", whisper.entry().json());
        assertEquals(List.of(whisper.entry()), a.log().readAfter(inbox, 0, 10).entries());
    }

    @Test
    void signalsReachTheSubscribersOfEveryNodeWithTheirExceptUser() {
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        Storage a = node(ra);
        Storage b = sharedByNodes() ? node(rb) : null;
        ChannelId room = ChannelId.room("lobby");
        ChannelId inbox = ChannelId.inbox("ann");
        for (Storage n : b == null ? List.of(a) : List.of(a, b)) {
            await(n.bus().subscribe(room));
            await(n.bus().subscribe(inbox));
        }
        a.bus().signal(room, "{\"type\":\"typing\",\"room\":\"lobby\",\"user\":\"ann\"}", "ann");
        a.bus().signal(inbox, "{\"type\":\"whisper\"}", null);
        List<String> expected = List.of(
                "room:lobby {\"type\":\"typing\",\"room\":\"lobby\",\"user\":\"ann\"} except ann",
                "inbox:ann {\"type\":\"whisper\"} except null");
        for (Recorder r : b == null ? List.of(ra) : List.of(ra, rb)) {
            Poll.until(() -> r.signals.size() >= 2, "signals delivered", Duration.ofSeconds(5));
            assertEquals(expected, r.signals);
        }
    }

    @Test
    void userNamesMayHoldNewlinesColonsAndBraces() {
        String odd = "e\nve:{x}";
        Recorder ra = new Recorder();
        Storage a = node(ra);
        Storage b = sharedByNodes() ? node(new Recorder()) : a;
        ChannelId room = ChannelId.room("odd");
        ChannelId inbox = ChannelId.inbox(odd);
        await(a.bus().subscribe(inbox));
        assertTrue(b.presence().join(room, odd));
        assertFalse(a.presence().join(room, odd));
        assertEquals(List.of(odd), a.presence().members(room));
        b.bus().signal(inbox, "{\"type\":\"whisper\"}", odd);
        await(b.log().append(inbox, new Template("{\"type\":\"whisper\",\"text\":\"hi\"}", null), null));
        Poll.until(() -> !ra.signals.isEmpty() && ra.offsets(inbox).size() == 1, "signal and entry delivered");
        assertEquals(List.of("inbox:" + odd + " {\"type\":\"whisper\"} except " + odd), ra.signals);
        assertFalse(b.presence().leave(room, odd));
        assertTrue(a.presence().leave(room, odd));
        assertEquals(List.of(), b.presence().members(room));
        b.cursors().advance(inbox, odd, 3);
        Poll.until(() -> a.cursors().get(inbox, odd) == 3, "the cursor written");
    }

    @Test
    void presenceIsFirstAndLastAnywhere() {
        Storage a = node(new Recorder());
        Storage b = sharedByNodes() ? node(new Recorder()) : a;
        ChannelId room = ChannelId.room("lobby");
        assertTrue(a.presence().join(room, "ann"), "ann's first connection anywhere");
        assertFalse(b.presence().join(room, "ann"), "ann is already here (on the other node)");
        assertTrue(b.presence().join(room, "bob"));
        assertEquals(List.of("ann", "bob"), a.presence().members(room), "in the order they came");
        assertEquals(List.of("ann", "bob"), b.presence().members(room));
        assertFalse(a.presence().leave(room, "ann"), "ann is still here");
        assertTrue(b.presence().leave(room, "ann"), "ann's last connection anywhere");
        assertFalse(b.presence().leave(room, "ann"), "gone already");
        assertEquals(List.of("bob"), a.presence().members(room));
        assertEquals(List.of(), a.presence().members(ChannelId.room("empty")));
    }

    @Test
    void connectionCountsAndGuestNamesAreClusterWide() {
        Storage a = node(new Recorder());
        Storage b = sharedByNodes() ? node(new Recorder()) : a;
        assertEquals("zed", a.presence().claim(List.of("zed", "zed2")));
        assertEquals("zed2", b.presence().claim(List.of("zed", "zed2")), "a guest name is taken on every node");
        assertNull(b.presence().claim(List.of("zed", "zed2")), "every candidate taken");
        assertEquals(1, a.presence().connect("carol"));
        assertEquals(2, b.presence().connect("carol"), "counted across nodes");
        a.presence().disconnect("zed");
        assertEquals("zed", b.presence().claim(List.of("zed")), "free once its connection closed");
        b.presence().disconnect("carol");
        assertEquals(2, a.presence().connect("carol"));
        assertEquals(2, a.presence().connect("zed"), "a connection under a guest's name counts like any other");
    }

    @Test
    void connectionsAreCountedAndRememberedUsersExpireClusterWide() throws Exception {
        Storage a = node(new Recorder());
        Storage b = sharedByNodes() ? node(new Recorder()) : a;
        assertEquals(0, b.presence().connections("dan"));
        a.presence().connect("dan");
        a.presence().connect("dan");
        assertEquals(2, b.presence().connections("dan"), "seen from every node");
        a.presence().disconnect("dan");
        a.presence().disconnect("dan");
        assertEquals(0, b.presence().connections("dan"));

        assertFalse(b.presence().remembered("erin"));
        a.presence().remember("erin", 60_000);
        assertTrue(b.presence().remembered("erin"), "remembered on every node");
        a.presence().remember("fay", 150);
        assertTrue(b.presence().remembered("fay"));
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (b.presence().remembered("fay") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(b.presence().remembered("fay"), "forgotten after its time to live");
        assertTrue(b.presence().remembered("erin"));
    }

    // ------------------------------------------------------------------------------------------ cursors

    @Test
    void aCursorOnlyMovesForwardAndOutlivesTheCallThatMovedIt() {
        Storage a = node(new Recorder());
        Storage b = sharedByNodes() ? node(new Recorder()) : a;
        ChannelId inbox = ChannelId.inbox("bob");
        assertEquals(0, a.cursors().get(inbox, "bob"));
        a.cursors().advance(inbox, "bob", 5);
        b.cursors().advance(inbox, "bob", 3);
        assertEquals(5, a.cursors().get(inbox, "bob"), "at once on the node that moved it");
        Poll.until(() -> b.cursors().get(inbox, "bob") == 5, "and on every node");
        b.cursors().advance(inbox, "bob", 9);
        Poll.until(() -> a.cursors().get(inbox, "bob") == 9, "raised");
        assertEquals(0, a.cursors().get(ChannelId.room("lobby"), "bob"), "per channel");
    }

    // ------------------------------------------------------------------------------------------ cluster chores

    @Test
    void aStartedStoreIsHealthy() {
        Storage a = node(new Recorder());
        assertTrue(a.cluster().health().up(), a.cluster().health().toString());
        assertEquals("UP", a.cluster().health().toString());
    }
}

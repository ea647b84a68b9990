package dev.switchboard.store.memory;

import dev.switchboard.store.Appended;
import dev.switchboard.store.Bus;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Entry;
import dev.switchboard.store.Slice;
import dev.switchboard.store.Template;
import dev.switchboard.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What only the in-memory storage does: bounded channels and bytes, forgotten by memory pressure, and one node's presence. */
class MemoryStorageTest {

    private final List<String> delivered = new ArrayList<>();
    private final MemoryStorage storage = new MemoryStorage(3, 2);

    MemoryStorageTest() {
        storage.start(new Bus.Listener() {
            @Override
            public void onEntry(ChannelId channel, Entry entry) {
                delivered.add(channel.key() + "#" + entry.offset());
            }

            @Override
            public void onSignal(ChannelId channel, String payload, String exceptUser) {
                delivered.add(channel.key() + ":" + payload);
            }
        }, event -> { });
    }

    private Appended append(ChannelId channel, String text, String dedupKey) {
        return storage.log().append(channel, new Template("{\"o\":", ",\"t\":\"" + text + "\"}"), dedupKey)
                .toCompletableFuture().join();
    }

    @Test
    void appendsAreStoredTrimmedAndDeliveredAtOnceInOrder() {
        ChannelId lobby = ChannelId.room("lobby");
        for (int i = 1; i <= 5; i++) {
            assertEquals(i, append(lobby, "m" + i, null).entry().offset());
        }
        assertEquals(List.of("room:lobby#1", "room:lobby#2", "room:lobby#3", "room:lobby#4", "room:lobby#5"), delivered);
        Slice kept = storage.log().readAfter(lobby, 0, 10);
        assertEquals(5, kept.head());
        assertEquals(List.of(3L, 4L, 5L), kept.entries().stream().map(Entry::offset).toList());
        assertEquals("{\"o\":4,\"t\":\"m4\"}", kept.entries().get(1).json());
        assertEquals(List.of(4L, 5L), storage.log().readBefore(lobby, Long.MAX_VALUE, 2).entries().stream()
                .map(Entry::offset).toList());
    }

    @Test
    void aRepeatedDedupKeyGivesTheOriginalBackWithoutStoringOrDelivering() {
        ChannelId lobby = ChannelId.room("lobby");
        Appended first = append(lobby, "hi", "ann\u0000c-1");
        Appended again = append(lobby, "hi again", "ann\u0000c-1");
        assertTrue(again.duplicate());
        assertEquals(first.entry(), again.entry());
        assertEquals(1, delivered.size());
    }

    @Test
    void beyondMaxChannelsTheLeastRecentlyUsedChannelWithoutMembersIsForgotten() {
        ChannelId a = ChannelId.room("a");
        ChannelId b = ChannelId.room("b");
        String epochA = append(a, "x", null).epoch();
        append(b, "x", null);
        storage.cursors().advance(a, "ann", 1);
        storage.cursors().advance(b, "ann", 1);
        storage.bus().subscribe(a); // someone is in a: its history stays
        append(ChannelId.room("c"), "x", null);
        assertEquals(2, storage.log().channelCount());
        assertEquals(epochA, storage.log().readAfter(a, 0, 10).epoch());
        assertEquals(1, storage.cursors().get(a, "ann"));
        assertEquals(0, storage.cursors().get(b, "ann"), "read positions go with the history they point into");
        Slice forgotten = storage.log().readAfter(b, 0, 10);
        assertEquals(0, forgotten.head(), "b was forgotten: a new, empty history");
        assertNotEquals(epochA, forgotten.epoch());
    }

    /** A storage with the given limits on a clock the test moves. */
    private static MemoryStorage limited(MutableClock clock, int maxChannels, long historyMaxBytes, long storeMaxBytes,
                                         long retentionMs) {
        MemoryStorage s = new MemoryStorage(new MemoryStorage.Limits(1000, historyMaxBytes, maxChannels, storeMaxBytes,
                retentionMs), clock);
        s.start(new Bus.Listener() {
            @Override
            public void onEntry(ChannelId channel, Entry entry) {
            }

            @Override
            public void onSignal(ChannelId channel, String payload, String exceptUser) {
            }
        }, event -> { });
        return s;
    }

    private static void append(MemoryStorage s, ChannelId channel, String text) {
        s.log().append(channel, new Template("{\"o\":", ",\"t\":\"" + text + "\"}"), null).toCompletableFuture().join();
    }

    @Test
    void readingAChannelWithoutHistoryStoresNothingAndItsEpochHoldsOnceItFills() {
        ChannelId invented = ChannelId.room("invented");
        Slice empty = storage.log().readAfter(invented, 0, 10);
        assertEquals(0, empty.head());
        assertEquals(0, storage.log().channelCount(), "a read of a new name keeps nothing");
        assertEquals(empty.epoch(), append(invented, "first", null).epoch(), "the epoch a joiner saw holds");
    }

    /** Whispers to invented names: inboxes count like rooms, and the one idle longest goes when over maxChannels. */
    @Test
    void inboxesCountAgainstMaxChannelsAndDeliveredOnesAreForgotten() {
        MutableClock clock = new MutableClock();
        MemoryStorage s = limited(clock, 100, 1 << 20, 1L << 30, 60_000);
        for (int i = 0; i < 150; i++) {
            ChannelId inbox = ChannelId.inbox("nobody-" + i);
            append(s, inbox, "psst");
            s.cursors().advance(inbox, inbox.name(), 1); // delivered: nothing owed to anyone
        }
        assertTrue(s.log().channelCount() <= 100, "at most maxChannels: " + s.log().channelCount());
        assertEquals(1, s.log().readAfter(ChannelId.inbox("nobody-149"), 0, 10).head(), "the newest stay");
    }

    /** An inbox whose whispers its user has not received yet is kept within the retention, then it may go. */
    @Test
    void anInboxWithUndeliveredWhispersIsKeptWithinItsRetention() {
        MutableClock clock = new MutableClock();
        MemoryStorage s = limited(clock, 10, 1 << 20, 1L << 30, 60_000);
        ChannelId bob = ChannelId.inbox("bob");
        append(s, bob, "while you were away");
        for (int i = 0; i < 30; i++) {
            append(s, ChannelId.room("spam-" + i), "x");
        }
        assertEquals(1, s.log().readAfter(bob, 0, 10).entries().size(), "bob's whisper waits for him");
        clock.advance(java.time.Duration.ofMinutes(2));
        for (int i = 30; i < 60; i++) {
            append(s, ChannelId.room("spam-" + i), "x");
        }
        assertEquals(0, s.log().readAfter(bob, 0, 10).head(), "beyond its retention it is an idle channel like others");
    }

    /** Inventing rooms cannot erase a topic's notifications within their retention, nor a room somebody is in. */
    @Test
    void memoryPressureForgetsIdleRoomsFirstButNeverRetainedTopicsOrOccupiedRooms() {
        MutableClock clock = new MutableClock();
        MemoryStorage s = limited(clock, 10_000, 1 << 20, 200_000, 3_600_000);
        ChannelId finance = ChannelId.topic("finance");
        ChannelId lobby = ChannelId.room("lobby");
        ChannelId idle = ChannelId.room("idle");
        append(s, finance, "q3");
        append(s, lobby, "hello");
        append(s, idle, "old news");
        s.bus().subscribe(lobby);
        String financeEpoch = s.log().readAfter(finance, 0, 1).epoch();
        String text = "x".repeat(1000);
        for (int i = 0; i < 400; i++) {
            append(s, ChannelId.room("invented-" + i), text);
            assertTrue(s.historyBytes() <= 200_000 + 2_000, "within the budget: " + s.historyBytes());
        }
        Slice kept = s.log().readAfter(finance, 0, 10);
        assertEquals(financeEpoch, kept.epoch(), "recovered:true still possible");
        assertEquals(1, kept.entries().size());
        assertEquals(1, s.log().readAfter(lobby, 0, 10).entries().size());
        assertEquals(0, s.log().readAfter(idle, 0, 10).head(), "the room idle longest went first");
        Pages pages = ((MemoryLog) s.log()).pages();
        assertTrue((long) pages.pagesTaken() * Pages.PAGE <= s.historyBytes() + 2L * Pages.PAGE * s.log().channelCount(),
                "forgotten rooms gave their pages back: " + pages.pagesTaken() + " pages for " + s.historyBytes()
                        + " bytes in " + s.log().channelCount() + " channels");
    }

    /** maxChannels x historySize x maxTextChars is no bound: bytes per channel are. */
    @Test
    void aChannelKeepsAtMostHistoryMaxBytesNewestFirst() {
        MemoryStorage s = limited(new MutableClock(), 100, 50_000, 1L << 30, 0);
        ChannelId room = ChannelId.room("big");
        String text = "y".repeat(4000);
        for (int i = 0; i < 100; i++) {
            append(s, room, text);
        }
        Slice slice = s.log().readAfter(room, 0, 1000);
        assertEquals(100, slice.head());
        assertEquals(100, slice.lastOffset(), "the newest is kept");
        assertTrue(slice.entries().size() >= 10 && slice.entries().size() <= 12, "about 50 kB: " + slice.entries().size());
        assertTrue(s.historyBytes() <= 50_000 + Sizes.CHANNEL, "counted: " + s.historyBytes());
    }

    /** With nothing left to forget, the channel being written sheds its oldest entries: the budget holds. */
    @Test
    void whenEverythingIsKeptTheWrittenChannelShedsItsOldestEntries() {
        MemoryStorage s = limited(new MutableClock(), 100, 1 << 20, 100_000, 0);
        ChannelId lobby = ChannelId.room("lobby");
        s.bus().subscribe(lobby);
        for (int i = 0; i < 300; i++) {
            append(s, lobby, "z".repeat(1000));
        }
        assertTrue(s.historyBytes() <= 100_000, "within the budget: " + s.historyBytes());
        assertEquals(300, s.log().readAfter(lobby, 0, 1000).lastOffset());
    }

    @Test
    void presenceCountsConnectionsPerUserAndGuestNamesAreClaimedOnce() {
        ChannelId lobby = ChannelId.room("lobby");
        assertTrue(storage.presence().join(lobby, "ann"));
        assertEquals(false, storage.presence().join(lobby, "ann"));
        storage.presence().join(lobby, "bob");
        assertEquals(List.of("ann", "bob"), storage.presence().members(lobby));
        assertEquals(false, storage.presence().leave(lobby, "ann"));
        assertTrue(storage.presence().leave(lobby, "ann"));
        assertEquals(List.of("bob"), storage.presence().members(lobby));

        assertEquals("ann", storage.presence().claim(List.of("ann", "ann-2")));
        assertEquals("ann-2", storage.presence().claim(List.of("ann", "ann-2")));
        assertNull(storage.presence().claim(List.of("ann", "ann-2")));
        storage.presence().disconnect("ann");
        assertEquals("ann", storage.presence().claim(List.of("ann", "ann-2")));
    }

    @Test
    void cursorsNeverMoveBackwards() {
        ChannelId inbox = ChannelId.inbox("ann");
        storage.cursors().advance(inbox, "ann", 5);
        storage.cursors().advance(inbox, "ann", 3);
        assertEquals(5, storage.cursors().get(inbox, "ann"));
        assertEquals(0, storage.cursors().get(ChannelId.inbox("bob"), "bob"));
    }
}

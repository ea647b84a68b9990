package dev.switchboard.store.memory;

import dev.switchboard.store.Appended;
import dev.switchboard.store.Bus;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Entry;
import dev.switchboard.store.Slice;
import dev.switchboard.store.Template;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What only the in-memory storage does: bounded channels, forgotten least-recently-used, and one node's presence. */
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

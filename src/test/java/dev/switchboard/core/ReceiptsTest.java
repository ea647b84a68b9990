package dev.switchboard.core;

import dev.switchboard.store.Bus;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Entry;
import dev.switchboard.store.memory.MemoryStorage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Receipts coalesced per user and room, on a real (in-memory) bus, with the windows' timer driven by the test. */
class ReceiptsTest {

    private final List<String> sent = new ArrayList<>();
    private final List<Runnable> due = new ArrayList<>();
    private final ChannelId lobby = ChannelId.room("lobby");
    private final Receipts receipts;

    ReceiptsTest() {
        MemoryStorage storage = new MemoryStorage(10, 10);
        storage.start(new Bus.Listener() {
            @Override
            public void onEntry(ChannelId channel, Entry entry) {
            }

            @Override
            public void onSignal(ChannelId channel, String payload, String exceptUser) {
                sent.add(channel.name() + " " + payload + " except " + exceptUser);
            }
        }, event -> { });
        receipts = new Receipts(storage.bus(), (ms, task) -> {
            assertEquals(Receipts.WINDOW_MS, ms);
            due.add(task);
        });
    }

    private void windowsEnd() {
        List<Runnable> now = new ArrayList<>(due);
        due.clear();
        now.forEach(Runnable::run);
    }

    private static String receipt(String user, long offset) {
        return "lobby {\"type\":\"receipt\",\"room\":\"lobby\",\"user\":\"" + user + "\",\"offset\":" + offset
                + "} except " + user;
    }

    @Test
    void theFirstReadGoesAtOnceAndTheNewestOfAWindowWhenItEnds() {
        receipts.offer(lobby, "bob", 5);
        assertEquals(List.of(receipt("bob", 5)), sent, "at once, to everyone but bob");
        receipts.offer(lobby, "bob", 7);
        receipts.offer(lobby, "bob", 9);
        receipts.offer(lobby, "bob", 8);
        receipts.offer(lobby, "cy", 3);
        assertEquals(List.of(receipt("bob", 5), receipt("cy", 3)), sent, "bob's window is open; cy has his own");
        windowsEnd();
        assertEquals(List.of(receipt("bob", 5), receipt("cy", 3), receipt("bob", 9)), sent, "the highest, once");
        assertEquals(1, receipts.openWindows(), "bob's next window; cy's closed with nothing to send");
        windowsEnd();
        assertEquals(0, receipts.openWindows(), "nothing left in memory once nobody reads");
        receipts.offer(lobby, "bob", 12);
        assertEquals(receipt("bob", 12), sent.get(sent.size() - 1), "a read after a quiet second goes at once");
    }

    @Test
    void aStoppedTimerLeavesNothingBehind() {
        Receipts stopping = new Receipts(new MemoryStorage(1, 1).bus(), (ms, task) -> {
            throw new RejectedExecutionException("shut down");
        });
        stopping.offer(lobby, "bob", 1);
        assertEquals(0, stopping.openWindows());
    }
}

package dev.switchboard.core;

import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.testing.Poll;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Chat 1.1 read positions: joined's read and unread, read to the user's connections, receipts to the others. */
class ReadStateTest {

    private ChatHub chat = new ChatHub(Map.of());

    @AfterEach
    void stop() {
        chat.close();
    }

    private static void read(ChatHub.Client c, String room, long offset) {
        c.send(new ClientMessage.Read(room, offset, null));
    }

    @Test
    void joinedCountsOthersMessagesAfterTheReadPositionAndNoEvents() {
        ChatHub.Client ann = chat.user("ann");
        ChatHub.Client bob = chat.user("bob");
        JsonObject first = ann.join("r");
        assertEquals(0, first.getInt("read"));
        assertEquals(0, first.getInt("unread"));
        bob.join("r");
        String id = bob.say("r", "b1").getString("id");                 // 1
        ann.say("r", "a1");                                             // 2
        bob.say("r", "b2");                                             // 3
        bob.send(new ClientMessage.Edit("r", id, "b1 again", null));   // 4
        bob.send(new ClientMessage.React("r", id, "\uD83D\uDE00", null)); // 5
        bob.say("r", "b3");                                             // 6

        JsonObject joined = chat.user("ann").join("r");
        assertEquals(0, joined.getInt("read"));
        assertEquals(3, joined.getInt("unread"), "b1, b2, b3: not her own, not the edit or the reaction");
        read(ann, "r", 3);
        JsonObject again = chat.user("ann").join("r");
        assertEquals(3, again.getInt("read"));
        assertEquals(1, again.getInt("unread"));
        assertEquals(1, chat.user("bob").join("r").getInt("unread"), "only a1 is not his own");
    }

    @Test
    void unreadMessagesOlderThanThePageAreCountedToo() {
        chat.close();
        chat = new ChatHub(Map.of("historyPage", "2"));
        ChatHub.Client ann = chat.member("ann", "r");
        ChatHub.Client bob = chat.member("bob", "r");
        for (int i = 1; i <= 10; i++) {
            bob.say("r", "m" + i);
        }
        read(ann, "r", 3);
        JsonObject joined = chat.user("ann").join("r");
        assertEquals(2, joined.getJsonArray("history").size());
        assertEquals(7, joined.getInt("unread"));
    }

    @Test
    void aReadGoesToTheUsersConnectionsInTheRoomAndAReceiptToTheOthers() {
        ChatHub.Client tab1 = chat.user("ann");
        ChatHub.Client tab2 = chat.user("ann");
        ChatHub.Client elsewhere = chat.user("ann");
        ChatHub.Client bob = chat.user("bob");
        tab1.join("r");
        tab2.join("r");
        bob.join("r");
        elsewhere.join("other");
        bob.say("r", "one");
        bob.say("r", "two");
        List.of(tab1, tab2, bob, elsewhere).forEach(ChatHub.Client::unread);

        read(tab1, "r", 2);
        for (ChatHub.Client tab : List.of(tab1, tab2)) {
            JsonObject read = tab.expect("read");
            assertEquals("r", read.getString("room"));
            assertEquals(2, read.getInt("offset"));
            tab.nothingMore();
        }
        JsonObject receipt = bob.expect("receipt");
        assertEquals("r", receipt.getString("room"));
        assertEquals("ann", receipt.getString("user"));
        assertEquals(2, receipt.getInt("offset"));
        elsewhere.nothingMore();

        read(tab2, "r", 1);
        read(tab2, "r", 2);
        List.of(tab1, tab2, bob).forEach(ChatHub.Client::nothingMore); // not beyond the known position: ignored
    }

    @Test
    void aPositionBeyondWhatTheConnectionWasSentIsThatNewestOffset() {
        ChatHub.Client ann = chat.user("ann");
        ann.join("r");
        ann.say("r", "m1");
        ann.say("r", "m2");
        read(ann, "r", 999);
        assertEquals(2, ann.expect("read").getInt("offset"));
        assertEquals(2, chat.user("ann").join("r").getInt("read"));
    }

    @Test
    void receiptsAreCoalescedToAboutOnePerUserAndRoomPerSecond() {
        ChatHub.Client ann = chat.member("ann", "r");
        ChatHub.Client bob = chat.member("bob", "r");
        for (int i = 1; i <= 5; i++) {
            ann.say("r", "m" + i);
        }
        bob.unread();
        long windowOpened = System.nanoTime();
        read(ann, "r", 1);
        assertEquals(1, bob.expect("receipt").getInt("offset"), "the first at once");
        read(ann, "r", 2);
        read(ann, "r", 4);
        read(ann, "r", 3);
        bob.nothingMore();
        int seen = bob.socket.frameCount();
        Poll.until(() -> bob.socket.frameCount() > seen, "the receipt of the window", Duration.ofSeconds(10));
        assertTrue(System.nanoTime() - windowOpened >= Duration.ofMillis(Receipts.WINDOW_MS).toNanos(),
                "not before the window ends");
        assertEquals(4, bob.expect("receipt").getInt("offset"), "one receipt with the highest position");
        bob.nothingMore();
    }

    @Test
    void readNeedsAJoinedRoomAndAnOffset() {
        ChatHub.Client ann = chat.user("ann");
        ann.send(new ClientMessage.Read("r", 1L, "r-1")).refused("not_joined", "r-1");
        ann.join("r");
        ann.send(new ClientMessage.Read("r", null, "r-2")).refused("invalid", "r-2");
        ann.send(new ClientMessage.Read("r", -1L, "r-3")).refused("invalid", "r-3");
        ann.send(new ClientMessage.Read("r", 0L, "r-4"));
        ann.nothingMore();
    }
}

package dev.switchboard.core;

import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.store.ChannelId;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Chat 1.1 whisper receipts: delivered (live or replayed), seen (by the recipient only). */
class WhisperReceiptsTest {

    private final ChatHub chat = new ChatHub(Map.of());

    @AfterEach
    void stop() {
        chat.close();
    }

    @Test
    void deliveredOnceAConnectionOfTheRecipientWasSentItLiveOrOnConnect() {
        chat.user("bob").close(); // bob exists: he has connected before
        ChatHub.Client ann = chat.user("ann");
        ChatHub.Client annTab = chat.user("ann");
        ann.send(new ClientMessage.Whisper("bob", "are you there?", null));
        String away = ann.expect("whisper").getString("id");
        annTab.expect("whisper");
        ann.nothingMore(); // nobody got it yet

        ChatHub.Client bob = chat.user("bob");
        assertEquals(away, bob.expect("whisper").getString("id"), "replayed on connect");
        for (ChatHub.Client c : List.of(ann, annTab)) {
            JsonObject delivered = c.expect("delivered");
            assertEquals(away, delivered.getString("whisper"));
            assertEquals("bob", delivered.getString("to"));
        }

        ann.send(new ClientMessage.Whisper("bob", "live", null));
        String live = ann.expect("whisper").getString("id");
        assertEquals(live, ann.expect("delivered").getString("whisper"), "after the sender's copy");
        assertEquals(live, bob.expect("whisper").getString("id"));
        ann.nothingMore();
        bob.nothingMore();
    }

    /**
     * A node died with bob's connection: until it is declared dead its connection stays in presence, so bob's new
     * connection here is not his "first"; it still gets what was whispered meanwhile (bench/soak.sh lost these).
     */
    @Test
    void aReconnectGetsWhatNoConnectionWasSentAlsoWhileADeadNodeStillCountsTheUser() {
        chat.user("bob").close();
        chat.storage.presence().join(ChannelId.inbox("bob"), "bob"); // bob's connection on the node that died
        ChatHub.Client ann = chat.user("ann");
        ann.send(new ClientMessage.Whisper("bob", "while you were away", null));
        String id = ann.expect("whisper").getString("id");
        ann.nothingMore();

        ChatHub.Client bob = chat.user("bob");
        assertEquals(id, bob.expect("whisper").getString("id"), "replayed although bob still counted elsewhere");
        assertEquals(id, ann.expect("delivered").getString("whisper"));
        ChatHub.Client bobPhone = chat.user("bob");
        bobPhone.nothingMore(); // sent to a connection of his already: not replayed again
        bob.nothingMore();
    }

    /**
     * Bob's client is gone (closed or reset) and the server has not seen it yet: a whisper queued for that connection is
     * not delivered, its write fails. It is neither receipted nor passed by bob's inbox cursor: his next connection gets
     * it (CI run of 2026-12-05 on Tomcat: the sender got {@code delivered} for a recipient who had closed, and the
     * whisper was gone for his next connection).
     */
    @Test
    void aWhisperWhoseWriteFailedIsNotDeliveredAndWaitsForTheNextConnection() {
        ChatHub.Client bobGone = chat.user("bob");
        bobGone.socket.gone();
        ChatHub.Client ann = chat.user("ann");
        ann.send(new ClientMessage.Whisper("bob", "still there?", null));
        String id = ann.expect("whisper").getString("id");
        ann.nothingMore();
        bobGone.close();

        ChatHub.Client bob = chat.user("bob");
        assertEquals(id, bob.expect("whisper").getString("id"), "replayed: no connection of bob's was sent it");
        assertEquals(id, ann.expect("delivered").getString("whisper"));
        ann.nothingMore();
    }

    @Test
    void seenReachesTheSenderOnlyFromTheRecipient() {
        ChatHub.Client ann = chat.user("ann");
        ChatHub.Client bob = chat.user("bob");
        ChatHub.Client cy = chat.user("cy");
        ann.send(new ClientMessage.Whisper("bob", "psst", null));
        String id = bob.expect("whisper").getString("id");
        ann.unread();
        bob.send(new ClientMessage.Seen(id, "s-1"));
        JsonObject seen = ann.expect("seen");
        assertEquals(id, seen.getString("whisper"));
        assertEquals("bob", seen.getString("by"));
        bob.nothingMore();

        ann.send(new ClientMessage.Seen(id, "s-2")).refused("not_found", "s-2"); // her own whisper
        cy.send(new ClientMessage.Seen(id, "s-3")).refused("not_found", "s-3");  // someone else's
        bob.send(new ClientMessage.Seen("no-such-whisper", "s-4")).refused("not_found", "s-4");
        bob.send(new ClientMessage.Seen(null, "s-5")).refused("invalid", "s-5");
        ann.nothingMore();
    }

    @Test
    void aWhisperToOneselfHasNoReceipts() {
        ChatHub.Client ann = chat.user("ann");
        ann.send(new ClientMessage.Whisper("ann", "note to self", null));
        String id = ann.expect("whisper").getString("id");
        ann.send(new ClientMessage.Seen(id, null));
        ann.nothingMore();
    }
}

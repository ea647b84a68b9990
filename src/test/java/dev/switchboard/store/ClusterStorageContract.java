package dev.switchboard.store;

import dev.switchboard.testing.Poll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a storage shared by the nodes of a cluster must do besides {@link StorageContract}: interest per channel and
 * node, delivery on the store's own thread, leases, counters, history that outlives the nodes, and a node's share
 * leaving with it.
 */
public abstract class ClusterStorageContract extends StorageContract {

    @Override
    protected final boolean sharedByNodes() {
        return true;
    }

    @Test
    void aNodeReceivesOnlyTheChannelsItSubscribedAndAfterSubscribingEverythingAppendedLater() {
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        Storage a = node(ra);
        Storage b = otherNode(rb);
        ChannelId room = ChannelId.room("interest");
        ChannelId elsewhere = ChannelId.room("elsewhere");
        await(a.bus().subscribe(room));
        await(b.bus().subscribe(elsewhere));
        append(a, room, "before b subscribed");
        a.bus().signal(room, "{\"type\":\"typing\"}", "ann");
        Poll.until(() -> ra.offsets(room).size() == 1 && ra.signals.size() == 1, "a has them");
        append(a, elsewhere, "marker");
        Poll.until(() -> rb.offsets(elsewhere).size() == 1, "b hears its own channel");
        assertEquals(List.of(), rb.offsets(room), "b did not subscribe the room");
        assertEquals(List.of(), rb.signals);

        await(b.bus().subscribe(room));
        Slice history = b.log().readAfter(room, 0, 100); // what the core reads once the stage completed
        assertEquals(List.of(1L), offsets(history));
        for (int i = 0; i < 50; i++) {
            append(a, room, "after " + i);
        }
        Poll.until(() -> rb.offsets(room).size() >= 50, "everything after the subscription");
        assertEquals(LongStream.rangeClosed(2, 51).boxed().toList(), rb.offsets(room),
                "everything appended after the stage completed, in order, nothing before it");

        b.bus().unsubscribe(room);
        b.bus().unsubscribe(elsewhere);
        append(a, room, "after b left");
        Poll.until(() -> ra.offsets(room).size() == 52, "a still hears it");
        append(b, elsewhere, "own append, not subscribed");
        b.bus().subscribe(ChannelId.topic("marker")).toCompletableFuture().join();
        append(a, ChannelId.topic("marker"), "marker");
        Poll.until(() -> rb.offsets(ChannelId.topic("marker")).size() == 1, "b hears what it subscribed");
        assertEquals(50, rb.offsets(room).size(), "nothing after unsubscribing");
        assertEquals(1, rb.offsets(elsewhere).size());
    }

    @Test
    void theListenerIsCalledOnTheStoresOwnThreadNotTheAppenders() {
        Recorder ra = new Recorder();
        Storage a = node(ra);
        ChannelId room = ChannelId.room("threads");
        await(a.bus().subscribe(room));
        append(a, room, "one");
        Poll.until(() -> ra.offsets(room).size() == 1, "delivered");
        assertFalse(ra.threads.contains(Thread.currentThread().getName()), ra.threads.toString());
    }

    // ------------------------------------------------------------------------------------------ presence

    @Test
    void oneNodeAtATimeLeadsARoleAndAnotherTakesOverWhenItStops() {
        Storage a = node(new Recorder());
        assertTrue(a.cluster().lead("stats", 60_000), "nobody held it");
        assertTrue(a.cluster().lead("stats", 60_000), "the holder renews it");
        Storage b = otherNode(new Recorder());
        assertFalse(b.cluster().lead("stats", 60_000), "a holds it");
        assertTrue(b.cluster().lead("demo", 60_000), "each role has its own lease");
        a.close();
        assertTrue(b.cluster().lead("stats", 60_000), "a stopping node hands its leases on at once, not after the ttl");
    }

    @Test
    void everyLiveNodeSeesEveryNodesCounters() {
        Storage a = node(new Recorder());
        assertEquals(Map.of(a.cluster().nodeId(), "{\"connections\":1}"), a.cluster().shareCounters("{\"connections\":1}", 60_000));
        Storage b = otherNode(new Recorder());
        Map<String, String> seen = b.cluster().shareCounters("{\"connections\":2}", 60_000);
        assertEquals(Map.of(a.cluster().nodeId(), "{\"connections\":1}", b.cluster().nodeId(), "{\"connections\":2}"), seen);
        assertFalse(a.cluster().nodeId().equals(b.cluster().nodeId()));
        a.close();
        assertEquals(List.of(b.cluster().nodeId()), List.copyOf(b.cluster().shareCounters("{}", 60_000).keySet()),
                "a's went when it stopped");
    }

    @Test
    void historyAndItsEpochOutliveTheNodes() {
        ChannelId room = ChannelId.room("lasting");
        Storage a = node(new Recorder());
        String epoch = append(a, room, "before").epoch();
        assertEquals(epoch, a.log().readAfter(room, 0, 10).epoch());
        a.close();
        Storage b = otherNode(new Recorder());
        Slice slice = b.log().readAfter(room, 0, 10);
        assertEquals(epoch, slice.epoch());
        assertEquals(List.of(1L), offsets(slice));
        assertEquals(epoch, append(b, room, "after").epoch());
        assertEquals(1, b.log().channelCount());
    }

    @Test
    void aNodeThatStopsTakesItsShareAlongAndReportsWhoLeft() {
        Recorder rb = new Recorder();
        Storage a = node(new Recorder());
        Storage b = otherNode(rb);
        ChannelId room = ChannelId.room("bye");
        a.presence().join(room, "ann");
        b.presence().join(room, "bob");
        b.presence().join(room, "ann");
        assertEquals("bob", b.presence().claim(List.of("bob")));
        b.close();
        assertEquals(List.of(new PresenceEvent(room, "bob", false)), rb.presence, "bob is present nowhere now; ann is");
        assertEquals(List.of("ann"), a.presence().members(room));
        assertEquals("bob", a.presence().claim(List.of("bob")), "his name is free");
        assertFalse(b.presence().leave(room, "bob"), "a stopped node answers nothing");
    }
}

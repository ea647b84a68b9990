package dev.switchboard.core;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sampled latencies of appends: from the append to the store's answer, and to each recipient's completed send. */
class SendSamplesTest {

    @Test
    void aMessageIsTimedFromItsAppendToEachRecipientsCompletedSend() throws Exception {
        try (ChatHub chat = new ChatHub(Map.of())) {
            List<Long> appends = new CopyOnWriteArrayList<>();
            List<Long> sends = new CopyOnWriteArrayList<>();
            chat.hub.stats().appendLatency.to(appends::add);
            chat.hub.stats().publishToSend.to(sends::add);
            ChatHub.Client ann = chat.member("ann", "r");
            ChatHub.Client bob = chat.member("bob", "r");
            bob.socket.stall(); // bob's send stays in flight
            Thread.sleep(2); // one sample a millisecond: this message is the first since the joins
            ann.say("r", "hi");
            assertEquals(1, appends.size(), "the append was timed");
            assertEquals(1, sends.size(), "ann's send completed, bob's did not yet");
            Thread.sleep(5);
            bob.socket.resume();
            assertEquals(2, sends.size(), "bob's send completed");
            assertTrue(sends.get(1) >= sends.get(0) + 5_000_000, "bob's latency includes his stalled send: " + sends);
            assertTrue(sends.get(0) >= appends.get(0) || sends.get(0) > 0);
        }
    }

    @Test
    void aRepeatedMessageIsNotDeliveredAgainAndNotTimedAsASend() throws Exception {
        try (ChatHub chat = new ChatHub(Map.of())) {
            List<Long> sends = new CopyOnWriteArrayList<>();
            chat.hub.stats().appendLatency.to(n -> { });
            chat.hub.stats().publishToSend.to(sends::add);
            ChatHub.Client ann = chat.member("ann", "r");
            ChatHub.Client bob = chat.member("bob", "r");
            Thread.sleep(2);
            ann.send(new dev.switchboard.protocol.ClientMessage.Say("r", "once", "ref-1"));
            assertEquals(2, sends.size(), "both recipients");
            Thread.sleep(2);
            ann.send(new dev.switchboard.protocol.ClientMessage.Say("r", "once", "ref-1")); // the client retried
            assertEquals(2, sends.size(), "the repeat reached only its sender, outside fan-out: no sample");
            bob.await("message", m -> m.getString("text").equals("once"));
        }
    }

    @Test
    void nothingIsTimedWhileNobodyListens() throws Exception {
        try (ChatHub chat = new ChatHub(Map.of())) {
            ChatHub.Client ann = chat.member("ann", "r");
            Thread.sleep(2);
            ann.say("r", "hi");
            List<Long> sends = new CopyOnWriteArrayList<>();
            chat.hub.stats().publishToSend.to(sends::add); // attached after the message was sent
            assertEquals(List.of(), sends);
        }
    }
}

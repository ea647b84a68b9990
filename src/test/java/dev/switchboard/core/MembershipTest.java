package dev.switchboard.core;

import dev.switchboard.auth.Identity;
import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.Since;
import dev.switchboard.store.Bus;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.memory.MemoryStorage;
import dev.switchboard.testing.DelegatingStorage;
import dev.switchboard.testing.Hubs;
import dev.switchboard.testing.MutableClock;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Subscribing to a topic when the bus subscribes this node to it later (as a cluster store does): nothing is lost between the
 * history read and the live stream, nothing is sent twice, and a member that leaves before it is live gets nothing.
 */
class MembershipTest {

    private final MutableClock clock = new MutableClock();
    private final MemoryStorage memory = new MemoryStorage(100, 100);
    /** The bus's subscriptions, completed by the test. */
    private final Map<ChannelId, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();
    private final Hub hub;

    MembershipTest() {
        hub = Hubs.on(new SlowBusStorage(), Hubs.settings(Map.of()), clock, new Stats(), Runnable::run);
    }

    @AfterEach
    void stop() {
        hub.shutdown(0);
    }

    private RecordingTransport connect(String user) throws Exception {
        RecordingTransport socket = new RecordingTransport();
        Connection c = hub.open(Identity.principal(user), "10.0.0.1", Connection.Endpoint.NOTIFICATIONS, socket);
        socket.expect("welcome");
        sockets.put(socket, c);
        return socket;
    }

    private final Map<RecordingTransport, Connection> sockets = new ConcurrentHashMap<>();

    private void send(RecordingTransport socket, ClientMessage m) {
        hub.receive(sockets.get(socket), m);
    }

    private void publish(String topic, int n) {
        memory.log().append(ChannelId.topic(topic), Replies.template(ServerMessage.Notification.of(topic, 0L, "ts",
                jakarta.json.Json.createValue(n))), null);
    }

    @Test
    void entriesAppendedBeforeTheBusIsLiveAreInTheReplyOrTheBufferAndSentOnce() throws Exception {
        publish("orders", 1);
        RecordingTransport ann = connect("ann");
        send(ann, ClientMessage.Subscribe.of("orders", new Since(0L, "unknown"), "s1"));
        assertEquals(1, ann.frameCount(), "no reply before the bus delivers the topic here");
        publish("orders", 2); // while subscribing: reaches the buffer (the memory bus delivers every channel)
        pending.get(ChannelId.topic("orders")).complete(null); // the hub continues on this thread (direct executor)
        JsonObject subscribed = ann.expect("subscribed");
        assertEquals(2, subscribed.getInt("offset"));
        assertEquals(2, subscribed.getJsonArray("history").size(), "a failed recovery gets the latest page");
        publish("orders", 3);
        List<JsonObject> rest = ann.unread();
        assertEquals(1, rest.size(), "entry 2 was in the page and the buffer, sent once; 3 live: " + rest);
        assertEquals(3, rest.get(0).getInt("offset"));
    }

    @Test
    void aMemberThatLeavesBeforeTheBusIsLiveGetsNothingForIt() throws Exception {
        RecordingTransport ann = connect("ann");
        send(ann, ClientMessage.Subscribe.of("orders", null, null));
        CompletableFuture<Void> live = pending.get(ChannelId.topic("orders"));
        send(ann, new ClientMessage.Unsubscribe("orders", "u1"));
        assertEquals("u1", ann.expect("unsubscribed").getString("ref"));
        live.complete(null);
        publish("orders", 1);
        assertTrue(ann.unread().isEmpty());
    }

    @Test
    void aBusThatCannotSubscribeAnswersUnavailableAndTheClientIsNotSubscribed() throws Exception {
        RecordingTransport ann = connect("ann");
        send(ann, ClientMessage.Subscribe.of("orders", null, "s1"));
        pending.get(ChannelId.topic("orders")).completeExceptionally(new IllegalStateException("no Redis"));
        JsonObject error = ann.expect("error");
        assertEquals("unavailable", error.getString("code"));
        assertEquals("s1", error.getString("ref"));
        send(ann, new ClientMessage.Unsubscribe("orders", null));
        assertEquals("not_joined", ann.expect("error").getString("code"));
    }

    /** The in-memory storage, except that subscribing to a channel completes when the test says so. */
    private final class SlowBusStorage extends DelegatingStorage {
        private final Bus bus = new Bus() {
            @Override
            public CompletionStage<Void> subscribe(ChannelId channel) {
                memory.bus().subscribe(channel);
                return pending.computeIfAbsent(channel, c -> new CompletableFuture<>());
            }

            @Override
            public void unsubscribe(ChannelId channel) {
                memory.bus().unsubscribe(channel);
                pending.remove(channel);
            }

            @Override
            public void signal(ChannelId channel, String payload, String exceptUser) {
                memory.bus().signal(channel, payload, exceptUser);
            }
        };

        SlowBusStorage() {
            super(memory);
        }

        @Override
        public Bus bus() {
            return bus;
        }
    }

}

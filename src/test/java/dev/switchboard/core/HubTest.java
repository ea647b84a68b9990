package dev.switchboard.core;

import dev.switchboard.auth.Refusal;
import dev.switchboard.auth.Identity;

import dev.switchboard.settings.Settings;

import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Since;
import dev.switchboard.testing.Hubs;
import dev.switchboard.testing.MutableClock;
import dev.switchboard.protocol.Names;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The core's rules, without a container: a hub on the in-memory backplane, clients played by recording transports. */
class HubTest {

    private final MutableClock clock = new MutableClock();
    private Hub hub = hub(Map.of());

    private Hub hub(Map<String, String> settings) {
        // A direct send executor: the recording transports see every frame before hub calls return.
        return Hubs.inMemory(Hubs.settings(settings), clock, new Stats(), Runnable::run);
    }

    private record Client(Connection connection, RecordingTransport socket) {
        void send(ClientMessage m, Hub hub) {
            hub.receive(connection, m);
        }
    }

    private Client connect(Identity identity, Connection.Endpoint endpoint) throws Refusal {
        RecordingTransport socket = new RecordingTransport();
        Connection c = hub.open(identity, "10.0.0.1", endpoint, socket);
        socket.expect("welcome");
        return new Client(c, socket);
    }

    private Client user(String name) throws Refusal {
        return connect(Identity.principal(name), Connection.Endpoint.CHAT);
    }

    private Client subscriber(String name) throws Refusal {
        return connect(Identity.principal(name), Connection.Endpoint.NOTIFICATIONS);
    }

    private JsonObject join(Client c, String room) {
        c.send(new ClientMessage.Join(room, null, null), hub);
        return c.socket.expect("joined");
    }

    private void say(Client c, String room, String text) {
        c.send(new ClientMessage.Say(room, text, null), hub);
    }

    /** {@code later}: on the housekeeping thread, not before its delay; at once, on the caller, after shutdown. */
    @Test
    void theTransportLearnsItsConnectionBeforeTheWelcomeGoesOut() throws Refusal {
        // a client may flood pings as soon as it has the welcome: the adapter must count them from before it
        Client ann = user("ann");
        assertEquals(List.of("opened", "send"), ann.socket.order, "opened, then the welcome");
    }

    @Test
    void laterRunsATaskAfterItsDelayAndAtOnceAfterShutdown() throws Exception {
        java.util.concurrent.CompletableFuture<String> ran = new java.util.concurrent.CompletableFuture<>();
        long start = System.nanoTime();
        hub.later(() -> ran.complete(Thread.currentThread().getName()), 100);
        assertEquals("switchboard-housekeeping", ran.get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - start >= java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100), "not early");
        hub.shutdown(0);
        String[] after = new String[1];
        hub.later(() -> after[0] = Thread.currentThread().getName(), 100_000);
        assertEquals(Thread.currentThread().getName(), after[0]);
        hub = hub(Map.of());
    }

    @Test
    void presenceIsOncePerUserAcrossTabs() throws Exception {
        Client watcher = user("watcher");
        join(watcher, "lobby");
        Client tab1 = user("ann");
        Client tab2 = user("ann");
        join(tab1, "lobby");
        join(tab2, "lobby");
        List<JsonObject> seen = watcher.socket.unread();
        assertEquals(1, seen.size(), "one presence join for two tabs: " + seen);
        assertEquals("join", seen.get(0).getString("event"));
        hub.closed(tab1.connection);
        assertTrue(watcher.socket.unread().isEmpty(), "still present through the other tab");
        hub.closed(tab2.connection);
        clock.advance(Duration.ofMillis(Long.parseLong(Settings.Key.PRESENCE_GRACE_MS.defaultValue())));
        hub.tick(); // a user back within the grace would never have been gone (PresenceGraceTest)
        JsonObject leave = watcher.socket.expect("presence");
        assertEquals("leave", leave.getString("event"));
        assertEquals("ann", leave.getString("user"));
        hub.closed(tab2.connection);
        assertTrue(watcher.socket.unread().isEmpty(), "closing twice leaves once");
    }

    @Test
    void offsetsHaveNoGapsUnderConcurrentSenders() throws Exception {
        hub = hub(Map.of("rateBurst", "1000", "outboxMaxMessages", "10000"));
        Client reader = user("reader");
        join(reader, "race");
        int senders = 8;
        int each = 500;
        List<Client> writers = new ArrayList<>();
        for (int i = 0; i < senders; i++) {
            Client w = user("w" + i);
            join(w, "race");
            writers.add(w);
        }
        reader.socket.unread();
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        CountDownLatch go = new CountDownLatch(1);
        for (Client w : writers) {
            pool.submit(() -> {
                go.await();
                for (int i = 0; i < each; i++) {
                    say(w, "race", "x" + i);
                }
                return null;
            });
        }
        go.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        long[] offsets = reader.socket.unread().stream().mapToLong(f -> f.getJsonNumber("offset").longValue()).toArray();
        assertEquals(senders * each, offsets.length);
        assertTrue(java.util.Arrays.equals(LongStream.rangeClosed(1, senders * each).toArray(), offsets));
    }

    @Test
    void recoveryReplaysExactlyTheMissedMessagesOrSaysItCannot() throws Exception {
        Client ann = user("ann");
        JsonObject joined = join(ann, "r");
        String epoch = joined.getString("epoch");
        for (int i = 1; i <= 5; i++) {
            say(ann, "r", "m" + i);
        }
        Client bob = user("bob");
        bob.send(new ClientMessage.Join("r", new Since(2L, epoch), null), hub);
        JsonObject recovered = bob.socket.expect("joined");
        assertTrue(recovered.getBoolean("recovered"));
        assertEquals(List.of(3L, 4L, 5L), offsets(recovered.getJsonArray("history")));

        Client carol = user("carol");
        carol.send(new ClientMessage.Join("r", new Since(2L, "another-epoch"), null), hub);
        JsonObject lost = carol.socket.expect("joined");
        assertFalse(lost.getBoolean("recovered"));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), offsets(lost.getJsonArray("history")));

        Client dave = user("dave");
        dave.send(new ClientMessage.Join("r", new Since(9L, epoch), null), hub);
        assertFalse(dave.socket.expect("joined").getBoolean("recovered"), "an offset from the future cannot be recovered");

        Client eve = user("eve");
        eve.send(new ClientMessage.Join("r", new Since(5L, epoch), null), hub);
        JsonObject upToDate = eve.socket.expect("joined");
        assertTrue(upToDate.getBoolean("recovered"));
        assertEquals(0, upToDate.getJsonArray("history").size());
    }

    @Test
    void recoveryBeyondTheHistoryWindowIsNotRecovered() throws Exception {
        hub = hub(Map.of("historySize", "3"));
        Client ann = user("ann");
        String epoch = join(ann, "w").getString("epoch");
        for (int i = 1; i <= 6; i++) {
            say(ann, "w", "m" + i);
        }
        Client bob = user("bob");
        bob.send(new ClientMessage.Join("w", new Since(1L, epoch), null), hub);
        JsonObject joined = bob.socket.expect("joined");
        assertFalse(joined.getBoolean("recovered"), "offsets 2 and 3 are gone");
        assertEquals(List.of(4L, 5L, 6L), offsets(joined.getJsonArray("history")));
    }

    @Test
    void aRepeatedRefIsStoredOnce() throws Exception {
        Client ann = user("ann");
        Client bob = user("bob");
        join(ann, "d");
        join(bob, "d");
        ann.socket.unread();
        ann.send(new ClientMessage.Say("d", "hi", "r1"), hub);
        JsonObject original = ann.socket.expect("message");
        ann.send(new ClientMessage.Say("d", "hi again", "r1"), hub);
        assertEquals(original, ann.socket.expect("message"), "answered with the original");
        assertEquals(1, bob.socket.unread().size());
        bob.send(new ClientMessage.Say("d", "same ref, other user", "r1"), hub);
        assertEquals(2, bob.socket.expect("message").getInt("offset"), "refs are per user");
    }

    @Test
    void whispersAreStoredAndReplayedToTheRecipientsNextConnection() throws Exception {
        hub.closed(user("bob").connection); // bob has connected before: whispers to him are kept for him
        Client ann = user("ann");
        ann.send(new ClientMessage.Whisper("bob", "one", "w1"), hub);
        ann.send(new ClientMessage.Whisper("bob", "two", null), hub);
        assertEquals(2, ann.socket.unread().size(), "the sender's copies");
        Client bob = user("bob");
        assertEquals(List.of("one", "two"), bob.socket.unread().stream().map(f -> f.getString("text")).toList());
        Client bobTab2 = user("bob");
        assertTrue(bobTab2.socket.unread().isEmpty(), "a second tab does not replay");
        ann.send(new ClientMessage.Whisper("bob", "three", null), hub);
        assertEquals("three", bob.socket.expect("whisper").getString("text"));
        assertEquals("three", bobTab2.socket.expect("whisper").getString("text"));
        hub.closed(bob.connection);
        hub.closed(bobTab2.connection);
        Client bobLater = user("bob");
        assertTrue(bobLater.socket.unread().isEmpty(), "already delivered whispers are not replayed");
    }

    @Test
    void topicsHaveOffsetsLastRecoveryAndPrivateUserTopics() throws Exception {
        JsonValue first = Json.createObjectBuilder().add("price", 41).build();
        hub.publish("orders", first);
        Client ann = subscriber("ann");
        ann.send(ClientMessage.Subscribe.of("orders", null, null), hub);
        JsonObject subscribed = ann.socket.expect("subscribed");
        assertEquals(1, subscribed.getInt("offset"));
        assertEquals(41, subscribed.getJsonObject("last").getJsonObject("data").getInt("price"));
        assertTrue(ann.socket.unread().isEmpty(), "no replay without since");
        String epoch = subscribed.getString("epoch");
        for (int i = 2; i <= 4; i++) {
            hub.publish("orders", Json.createObjectBuilder().add("price", 40 + i).build());
        }
        assertEquals(List.of(2L, 3L, 4L), offsets(ann.socket.unread()));

        Client back = subscriber("ann");
        back.send(ClientMessage.Subscribe.of("orders", new Since(2L, epoch), null), hub);
        JsonObject again = back.socket.expect("subscribed");
        assertTrue(again.getBoolean("recovered"));
        assertEquals(4, again.getJsonObject("last").getInt("offset"));
        assertEquals(List.of(3L, 4L), offsets(back.socket.unread()), "exactly the missed ones");

        Client bob = subscriber("bob");
        bob.send(ClientMessage.Subscribe.of("user:ann", null, "s1"), hub);
        JsonObject refused = bob.socket.expect("error");
        assertEquals("forbidden", refused.getString("code"));
        ann.send(ClientMessage.Subscribe.of("user:ann", null, null), hub);
        ann.socket.expect("subscribed");
        hub.publish(Names.userTopic("ann"), Json.createObjectBuilder().add("note", "for ann").build());
        assertEquals("for ann", ann.socket.expect("notification").getJsonObject("data").getString("note"));
        assertThrows(IllegalArgumentException.class, () -> hub.publish("bad topic", JsonValue.NULL));
    }

    @Test
    void aSlowConsumerIsClosedWith4001AndOthersKeepReceiving() throws Exception {
        hub = hub(Map.of("outboxMaxMessages", "10"));
        Client slow = user("slow");
        Client fast = user("fast");
        join(slow, "busy");
        join(fast, "busy");
        slow.socket.unread();
        fast.socket.unread();
        slow.socket.stall();
        say(fast, "busy", "first"); // in flight to slow, not completed
        for (int i = 0; i < 10; i++) {
            say(fast, "busy", "m" + i); // queued for slow
        }
        assertNull(slow.socket.closedWith);
        say(fast, "busy", "overflow");
        assertNull(slow.socket.closedWith, "the 4001 close waits behind the write in flight");
        say(fast, "busy", "after");
        assertEquals(13, fast.socket.unread().size(), "the fast client got every message");
        assertEquals(1, hub.stats().slowConsumerCloses.sum());
        hub.tick(); // notes the waiting close
        clock.advance(Duration.ofMillis(Outbox.CLOSE_WAIT_MS));
        hub.tick();
        assertEquals(CloseCode.SLOW_CONSUMER, slow.socket.closedWith);
        assertTrue(slow.socket.aborted, "it never read: the connection is aborted, no close frame can reach it");
    }

    @Test
    void aBacklogGoesOutAsOneFrameOfNewlineSeparatedObjects() throws Exception {
        Client reader = user("reader");
        Client writer = user("writer");
        join(reader, "b");
        join(writer, "b");
        reader.socket.unread();
        reader.socket.stall();
        for (int i = 0; i < 5; i++) {
            say(writer, "b", "m" + i);
        }
        int writesBefore = reader.socket.writes.size();
        reader.socket.resume();
        assertEquals(writesBefore + 1, reader.socket.writes.size(), "the four queued messages in one write");
        String batch = reader.socket.writes.get(reader.socket.writes.size() - 1);
        assertEquals(4, batch.split("\n").length);
        assertEquals(5, reader.socket.unread().size());
    }

    @Test
    void heartbeatPingsAndClosesASilentConnectionWith4002() throws Exception {
        Client ann = user("ann");
        join(ann, "hb");
        clock.advance(Duration.ofSeconds(25));
        hub.tick();
        assertEquals(1, ann.socket.pings);
        hub.pong(ann.connection);
        clock.advance(Duration.ofSeconds(30));
        hub.tick();
        assertNull(ann.socket.closedWith, "answered in time");
        clock.advance(Duration.ofSeconds(21));
        hub.tick();
        assertEquals(CloseCode.NO_HEARTBEAT, ann.socket.closedWith);
    }

    /**
     * Pongs a Tyrus-based container queues by itself for a client that floods pings and does not read: nothing of ours
     * is sent, yet the tick closes the connection with 4001 once they pass the outbox's byte limit (issue 13, item 6).
     */
    @Test
    void whatTheTransportHoldsBeyondTheOutboxLimitClosesWith4001OnTheTick() throws Exception {
        Client flooder = user("flooder");
        Client other = user("other");
        hub.tick();
        assertNull(flooder.socket.closedWith, "nothing held yet");
        flooder.socket.unwritten = flooder.connection.outbox.maxBytes() + 1;
        hub.tick();
        assertEquals(CloseCode.SLOW_CONSUMER, flooder.socket.closedWith);
        assertNull(other.socket.closedWith);
    }

    @Test
    void aConnectionThatNeverJoinsIsClosedWhenIdle() throws Exception {
        Client idle = user("idle");
        Client busy = user("busy");
        join(busy, "x");
        clock.advance(Duration.ofSeconds(61));
        hub.pong(idle.connection);
        hub.pong(busy.connection);
        hub.tick();
        assertEquals(CloseCode.IDLE, idle.socket.closedWith);
        assertNull(busy.socket.closedWith);
    }

    @Test
    void anExpiredTokenClosesTheConnectionWith4401() throws Exception {
        Identity token = new Identity("tess", Identity.Source.TOKEN, clock.instant().plusSeconds(30), null, null);
        Client tess = connect(token, Connection.Endpoint.CHAT);
        join(tess, "t");
        hub.tick();
        assertNull(tess.socket.closedWith);
        clock.advance(Duration.ofSeconds(31));
        hub.pong(tess.connection);
        hub.tick();
        assertEquals(CloseCode.UNAUTHORIZED, tess.socket.closedWith);
    }

    @Test
    void aFloodIsRateLimitedThenClosedWith1008() throws Exception {
        hub = hub(Map.of("ratePerSecond", "20", "rateBurst", "40", "rateStrikes", "5"));
        Client flood = user("flood");
        for (int i = 0; i < 40; i++) {
            flood.send(new ClientMessage.Ping(null), hub);
        }
        assertEquals(40, flood.socket.unread().size(), "a burst of 40 is fine");
        flood.send(new ClientMessage.Ping(null), hub);
        assertEquals("rate_limited", flood.socket.expect("error").getString("code"));
        clock.advance(Duration.ofMillis(100)); // two more tokens
        flood.send(new ClientMessage.Ping(null), hub);
        flood.send(new ClientMessage.Ping(null), hub);
        assertEquals(2, flood.socket.unread().stream().filter(f -> f.getString("type").equals("pong")).count());
        for (int i = 0; i < 5; i++) {
            flood.send(new ClientMessage.Ping(null), hub);
        }
        assertEquals(CloseCode.POLICY, flood.socket.closedWith);
        for (int i = 0; i < 5; i++) { // what still arrives while the close goes out: no more closes, counts, lines
            flood.send(new ClientMessage.Ping(null), hub);
        }
        assertEquals(1, hub.stats().abuseCloses.sum(), "one close for one flood");
    }

    @Test
    void webSocketPingsCountAgainstTheRateLimitAndTheirPongsAgainstTheOutbox() throws Exception {
        hub = hub(Map.of("ratePerSecond", "20", "rateBurst", "40", "rateStrikes", "5"));
        Client flood = user("pinger");
        for (int i = 0; i < 40; i++) {
            assertTrue(hub.controlFrame(flood.connection, Hub.pongBytes(10)), "a burst of 40 is answered");
        }
        for (int i = 0; i < 5; i++) { // refused without an error frame (a container answers pings by itself)
            hub.controlFrame(flood.connection, Hub.pongBytes(10));
        }
        assertFalse(hub.controlFrame(flood.connection, Hub.pongBytes(10)));
        assertEquals(CloseCode.POLICY, flood.socket.closedWith);
        assertFalse(hub.controlFrame(flood.connection, Hub.pongBytes(10)), "nothing more is answered once closed");
        assertEquals(1, hub.stats().abuseCloses.sum());
    }

    @Test
    void aPongCarriesAtMost125BytesAndItsHeader() {
        assertEquals(2, Hub.pongBytes(0));
        assertEquals(2, Hub.pongBytes(-1));
        assertEquals(127, Hub.pongBytes(125));
        assertEquals(127, Hub.pongBytes(1L << 62), "a hostile length declares more than a control frame may carry");
    }

    @Test
    void connectionsPerUserAndPerAddressAreCapped() throws Exception {
        hub = hub(Map.of("maxConnectionsPerUser", "2", "maxConnectionsPerAddress", "3"));
        user("ann");
        user("ann");
        Refusal perUser = assertThrows(Refusal.class, this::annAgain);
        assertEquals(CloseCode.TOO_MANY_CONNECTIONS, perUser.code());
        user("bob");
        Refusal perAddress = assertThrows(Refusal.class, () -> user("carol"));
        assertEquals(CloseCode.TOO_MANY_CONNECTIONS, perAddress.code());
    }

    private void annAgain() throws Refusal {
        user("ann");
    }

    @Test
    void tokenClaimsRestrictRooms() throws Exception {
        Identity limited = new Identity("lim", Identity.Source.TOKEN, clock.instant().plusSeconds(600),
                Set.of("team-*"), null);
        Client lim = connect(limited, Connection.Endpoint.CHAT);
        lim.send(new ClientMessage.Join("lobby", null, "j"), hub);
        assertEquals("forbidden", lim.socket.expect("error").getString("code"));
        join(lim, "team-red");
    }

    @Test
    void guestNamesAreUniqueAndFreedOnClose() throws Exception {
        Client a = connect(Identity.guest("ann"), Connection.Endpoint.CHAT);
        Client b = connect(Identity.guest("ann"), Connection.Endpoint.CHAT);
        assertEquals("guest:ann", a.connection.user());
        assertEquals("guest:ann-2", b.connection.user());
        hub.closed(a.connection);
        assertEquals("guest:ann", connect(Identity.guest("ann"), Connection.Endpoint.CHAT).connection.user());
    }

    @Test
    void typingIsThrottledPerUserAndRoom() throws Exception {
        Client watcher = user("watcher");
        Client tab1 = user("ann");
        Client tab2 = user("ann");
        Client bob = user("bob");
        for (Client c : List.of(watcher, tab1, tab2, bob)) {
            join(c, "t");
        }
        watcher.socket.unread();
        tab1.send(new ClientMessage.Typing("t", null), hub);
        tab2.send(new ClientMessage.Typing("t", null), hub);
        tab1.send(new ClientMessage.Typing("t", null), hub);
        bob.send(new ClientMessage.Typing("t", null), hub);
        assertEquals(List.of("ann", "bob"), watcher.socket.unread().stream().map(f -> f.getString("user")).toList(),
                "one of ann's three, silently");
        assertTrue(tab1.socket.unread().stream().noneMatch(f -> f.getString("type").equals("error")));
        clock.advance(Duration.ofMillis(TypingThrottle.INTERVAL_MS));
        hub.tick();
        tab2.send(new ClientMessage.Typing("t", null), hub);
        assertEquals("ann", watcher.socket.expect("typing").getString("user"), "the next window");
    }

    private static List<Long> offsets(List<? extends JsonValue> frames) {
        return frames.stream().map(f -> f.asJsonObject().getJsonNumber("offset").longValue()).toList();
    }
}

package dev.switchboard.core;

import dev.switchboard.auth.Identity;
import dev.switchboard.db.Snapshot;
import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.testing.Hubs;
import dev.switchboard.testing.MutableClock;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Database topics in the core, against the seam {@link TableSource} (the database side has tests of its own): a
 * subscribe with {@code snapshot:true} gets the rows and the offset they are consistent with, every change after it
 * once and none before it, also when changes are published while the snapshot is taken; one snapshot answers every
 * subscriber that waited for it; {@code table:} topics are the relay's and exist only for watched tables.
 */
class TableSnapshotsTest {

    private static final String TOPIC = "table:orders";
    private static final long WAIT_MS = 10_000;

    private final Hub hub = Hubs.inMemory(Hubs.settings(Map.of()), new MutableClock(), new Stats(), Runnable::run);
    private final ScriptedTables tables = new ScriptedTables();
    private final Map<RecordingTransport, Connection> sockets = new ConcurrentHashMap<>();

    TableSnapshotsTest() {
        hub.tables(tables);
    }

    @AfterEach
    void stop() {
        hub.shutdown(0);
    }

    @Test
    void aSnapshotHoldsTheRowsAtItsOffsetAndEveryLaterChangeFollowsOnce() throws Exception {
        relay(1);
        relay(2);
        RecordingTransport ann = connect("ann");
        tables.answer(() -> {
            relay(3); // committed before the snapshot's head was read: in the rows, and in ann's buffer
            long offset = hub.head(TOPIC);
            relay(4); // after it: must follow as notifications
            relay(5);
            return new Snapshot(rows(3), false, offset);
        });
        send(ann, new ClientMessage.Subscribe(TOPIC, null, "s1", true));
        JsonObject subscribed = ann.await("subscribed", WAIT_MS);
        assertEquals(3, subscribed.getInt("offset"), subscribed.toString());
        assertEquals(rows(3), subscribed.getJsonArray("rows").getValuesAs(JsonObject.class));
        assertFalse(subscribed.containsKey("truncated"), "all rows were there");
        assertFalse(subscribed.getBoolean("recovered"));
        assertEquals(3, subscribed.getJsonObject("last").getInt("offset"), "the newest notification at the offset");
        assertEquals("s1", subscribed.getString("ref"));
        assertEquals(4, ann.await("notification", WAIT_MS).getInt("offset"));
        assertEquals(5, ann.await("notification", WAIT_MS).getInt("offset"));
        relay(6);
        assertEquals(6, ann.await("notification", WAIT_MS).getInt("offset"), "live from here on");
        assertEquals(List.of(), ann.unread(), "nothing at or before the offset again, nothing twice");
    }

    @Test
    void oneSnapshotAnswersEverySubscriberThatWaitedForIt() throws Exception {
        CountDownLatch taking = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        tables.answer(() -> {
            if (calls.incrementAndGet() == 1) {
                taking.countDown();
                await(release);
            }
            return new Snapshot(rows(1), true, hub.head(TOPIC));
        });
        RecordingTransport ann = connect("ann");
        send(ann, new ClientMessage.Subscribe(TOPIC, null, null, true));
        assertTrue(taking.await(WAIT_MS, TimeUnit.MILLISECONDS));
        List<RecordingTransport> later = new ArrayList<>();
        for (String user : List.of("bob", "cy", "dee")) {
            RecordingTransport socket = connect(user);
            send(socket, new ClientMessage.Subscribe(TOPIC, null, user, true));
            later.add(socket);
        }
        release.countDown();
        assertTrue(ann.await("subscribed", WAIT_MS).getBoolean("truncated"));
        for (RecordingTransport socket : later) {
            assertEquals(1, socket.await("subscribed", WAIT_MS).getJsonArray("rows").size());
        }
        assertEquals(2, calls.get(), "the three that came while the first snapshot ran shared the second");
    }

    @Test
    void tableTopicsAreTheRelaysAndExistOnlyForWatchedTables() throws Exception {
        RecordingTransport ann = connect("ann");
        send(ann, new ClientMessage.Subscribe("orders", null, "a", true));
        assertEquals("invalid", ann.await("error", WAIT_MS).getString("code"), "no rows of a topic that is no table");
        send(ann, ClientMessage.Subscribe.of("table:nosuch", null, "b"));
        JsonObject missing = ann.await("error", WAIT_MS);
        assertEquals("not_found", missing.getString("code"));
        assertEquals("b", missing.getString("ref"));
        send(ann, new ClientMessage.Subscribe("table:nosuch", null, "c", true));
        assertEquals("not_found", ann.await("error", WAIT_MS).getString("code"));

        assertThrows(IllegalArgumentException.class, () -> hub.publish(TOPIC, Json.createValue(1)),
                "the Java API and HTTP may not publish to a table's topic");
        send(ann, ClientMessage.Subscribe.of(TOPIC, null, "d"));
        assertEquals(0, ann.await("subscribed", WAIT_MS).getInt("offset"), "a plain subscribe works as for any topic");
        long first = hub.relayed(TOPIC, Json.createValue(1), "install:1").toCompletableFuture().join().entry().offset();
        long again = hub.relayed(TOPIC, Json.createValue(1), "install:1").toCompletableFuture().join().entry().offset();
        assertEquals(first, again, "a repeated de-duplication key is stored once");
        assertEquals(1, ann.await("notification", WAIT_MS).getInt("offset"));
        assertEquals(List.of(), ann.unread());
    }

    @Test
    void aSnapshotThatFailsAnswersUnavailableAndLeavesTheClientUnsubscribed() throws Exception {
        tables.answer(() -> {
            throw new IllegalStateException("database away (test)");
        });
        RecordingTransport ann = connect("ann");
        send(ann, new ClientMessage.Subscribe(TOPIC, null, "s1", true));
        JsonObject error = ann.await("error", WAIT_MS);
        assertEquals("unavailable", error.getString("code"));
        assertEquals("s1", error.getString("ref"));
        relay(1);
        send(ann, new ClientMessage.Unsubscribe(TOPIC, "u1"));
        assertEquals("not_joined", ann.await("error", WAIT_MS).getString("code"), "not subscribed, nothing delivered");
    }

    @Test
    void aClientThatUnsubscribesWhileItsSnapshotIsTakenGetsNothingOfIt() throws Exception {
        CountDownLatch taking = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        tables.answer(() -> {
            taking.countDown();
            await(release);
            return new Snapshot(rows(0), false, hub.head(TOPIC));
        });
        RecordingTransport ann = connect("ann");
        send(ann, new ClientMessage.Subscribe(TOPIC, null, null, true));
        assertTrue(taking.await(WAIT_MS, TimeUnit.MILLISECONDS));
        send(ann, new ClientMessage.Unsubscribe(TOPIC, "u1"));
        assertEquals("u1", ann.await("unsubscribed", WAIT_MS).getString("ref"));
        release.countDown();
        // a marker subscription answered by the same single snapshot thread after the cancelled one
        tables.answer(() -> new Snapshot(rows(0), false, hub.head(TOPIC)));
        send(ann, new ClientMessage.Subscribe(TOPIC, null, "again", true));
        assertEquals("again", ann.await("subscribed", WAIT_MS).getString("ref"), "the cancelled one sent nothing");
    }

    // ------------------------------------------------------------------------------------------ helpers

    private void relay(int n) {
        hub.relayed(TOPIC, Json.createObjectBuilder().add("n", n).build(), "install:" + n).toCompletableFuture().join();
    }

    private static List<JsonObject> rows(int n) {
        List<JsonObject> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(Json.createObjectBuilder().add("id", i).add("item", "tea").build());
        }
        return out;
    }

    private RecordingTransport connect(String user) throws Exception {
        RecordingTransport socket = new RecordingTransport();
        Connection c = hub.open(Identity.principal(user), "10.0.0.1", Connection.Endpoint.NOTIFICATIONS, socket);
        socket.expect("welcome");
        sockets.put(socket, c);
        return socket;
    }

    private void send(RecordingTransport socket, ClientMessage m) {
        hub.receive(sockets.get(socket), m);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(WAIT_MS, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The database's side as the test scripts it: table {@code orders} is watched; snapshots do what the test says. */
    private static final class ScriptedTables implements TableSource {
        private volatile Supplier<Snapshot> answer = () -> {
            throw new AssertionError("no snapshot expected");
        };

        void answer(Supplier<Snapshot> answer) {
            this.answer = answer;
        }

        @Override
        public boolean watches(String table) {
            return table.equals("orders");
        }

        @Override
        public Snapshot snapshot(String table, long maxBytes) {
            assertTrue(maxBytes > 0 && maxBytes < Long.MAX_VALUE, "bounded by the connection's outbox");
            return answer.get();
        }
    }
}

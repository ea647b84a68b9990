package dev.switchboard.standalone;

import dev.switchboard.auth.Authenticator;
import dev.switchboard.settings.Settings;
import dev.switchboard.testing.Jsons;
import dev.switchboard.testing.Poll;
import dev.switchboard.testing.WsClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chat half of docs/protocol.md, spoken by a real WebSocket client to the standalone runner. */
class ChatProtocolTest {

    private static final String SECRET = "test-secret-of-at-least-32-bytes";
    private static Runner runner;
    private static URI chat;

    @BeforeAll
    static void start() throws Exception {
        runner = Runner.start(Settings.of(Map.of("historyPage", "5", "statsIntervalMs", "0", "tokenSecret", SECRET)),
                "127.0.0.1", 0, null);
        chat = URI.create("ws://127.0.0.1:" + runner.port() + "/ws/chat");
    }

    @AfterAll
    static void stop() {
        runner.close();
    }

    private static WsClient guest(String name) {
        return WsClient.connect(URI.create(chat + "?name=" + name));
    }

    private static String room(String prefix) {
        return prefix + "-" + System.nanoTime();
    }

    @Test
    void welcomeNamesTheGuestAndTheLimitsAndSelectsTheSubprotocol() {
        try (WsClient ann = guest("ann")) {
            JsonObject welcome = ann.welcome();
            assertTrue(ann.user().startsWith("guest:ann"), "a guest's identity is guest:NAME: " + ann.user());
            assertEquals("switchboard.v1", welcome.getString("protocol"));
            assertEquals("switchboard.v1", ann.subprotocol());
            assertEquals(25000, welcome.getInt("heartbeatMs"));
            assertEquals(65536, welcome.getJsonObject("limits").getInt("maxMessageBytes"));
            assertEquals(4000, welcome.getJsonObject("limits").getInt("maxTextChars"));
            assertFalse(welcome.getString("session").isEmpty());
        }
    }

    @Test
    void guestNamesAreMadeUnique() {
        try (WsClient first = guest("zed"); WsClient second = guest("zed"); WsClient third = guest("%20zed%20")) {
            assertEquals("guest:zed", first.user());
            assertEquals("guest:zed-2", second.user());
            assertEquals("guest:zed-3", third.user());
        }
    }

    @Test
    void aGuestKeepsItsNameWithTheTicketFromWelcome() {
        WsClient first = guest("kim");
        String ticket = first.welcome().getString("guest");
        try (WsClient inUse = WsClient.connect(URI.create(chat + "?name=kim&guest=" + ticket))) {
            assertTrue(inUse.user().startsWith("guest:kim-"), "a name in use is never shared: " + inUse.user());
        }
        first.abort(); // dropped: once the server has noticed, the name is free again
        Poll.until(() -> runner.switchboard().hub().connectionCount() == 0, "the dropped connection is gone");
        try (WsClient back = WsClient.connect(URI.create(chat + "?name=kim&guest=" + ticket));
             WsClient stranger = guest("kim");
             WsClient forger = WsClient.connect(URI.create(chat + "?name=kim&guest=" + ticket.replace('.', 'x')))) {
            assertEquals("guest:kim", back.user(), "the ticket gives the name back");
            assertTrue(stranger.user().startsWith("guest:kim-"), "without it, a new name: " + stranger.user());
            assertTrue(forger.user().startsWith("guest:kim-"), "a bad ticket is ignored: " + forger.user());
        }
    }

    @Test
    void presenceCountsUsersNotTabs() {
        String room = room("tabs");
        URI asCarol = URI.create(chat + "?token=" + Authenticator.sign(SECRET, "carol", Instant.now().plusSeconds(600)));
        try (WsClient watcher = guest("watcher"); WsClient tab1 = WsClient.connect(asCarol);
             WsClient tab2 = WsClient.connect(asCarol)) {
            assertEquals("carol", tab1.user());
            assertEquals("carol", tab2.user());
            watcher.send("type", "join", "room", room).expect("joined");
            tab1.send("type", "join", "room", room).expect("joined");
            assertEquals("join", watcher.expect("presence").getString("event"));
            tab2.send("type", "join", "room", room);
            assertEquals(List.of("guest:watcher", "carol"), Jsons.strings(tab2.expect("joined").get("members"), "user")
                    .stream().map(u -> u.startsWith("guest:watcher") ? "guest:watcher" : u).toList());
            tab1.send("type", "say", "room", room, "text", "from tab 1");
            assertEquals("from tab 1", tab2.expect("message").getString("text"));
            assertEquals("message", watcher.next().getString("type"), "no second presence join for a second tab");
            tab1.close();
            tab2.send("type", "say", "room", room, "text", "still here");
            assertEquals("still here", watcher.next().getString("text"), "no leave while a tab remains");
            tab2.close();
            JsonObject leave = watcher.expect("presence");
            assertEquals("leave", leave.getString("event"));
            assertEquals("carol", leave.getString("user"));
        }
    }

    @Test
    void aReconnectingClientGetsExactlyWhatItMissed() {
        String room = room("recover");
        try (WsClient ann = guest("ann"); WsClient bob = guest("bob")) {
            ann.send("type", "join", "room", room).expect("joined");
            ann.send("type", "say", "room", room, "text", "m1");
            ann.expect("message");
            bob.send("type", "join", "room", room);
            JsonObject joined = bob.expect("joined");
            String epoch = joined.getString("epoch");
            long seen = joined.getJsonNumber("offset").longValue();
            assertEquals(1, seen);
            bob.abort();
            ann.await("presence", p -> p.getString("event").equals("leave"));
            for (int i = 2; i <= 4; i++) {
                ann.send("type", "say", "room", room, "text", "m" + i);
                ann.expect("message");
            }
            try (WsClient again = guest("bob")) {
                again.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"since\":{\"offset\":" + seen
                        + ",\"epoch\":\"" + epoch + "\"}}");
                JsonObject recovered = again.expect("joined");
                assertTrue(recovered.getBoolean("recovered"));
                assertEquals(List.of(2L, 3L, 4L), Jsons.offsets(recovered.get("history")));
                assertEquals(List.of("m2", "m3", "m4"), Jsons.strings(recovered.get("history"), "text"));
                assertEquals(4, recovered.getJsonNumber("offset").longValue());

                ann.send("type", "say", "room", room, "text", "m5");
                assertEquals(5, again.expect("message").getJsonNumber("offset").longValue(), "live after replay");
            }
        }
    }

    @Test
    void anUnknownEpochAnswersRecoveredFalseWithTheLatestPage() {
        String room = room("epoch");
        try (WsClient ann = guest("ann")) {
            ann.send("type", "join", "room", room).expect("joined");
            for (int i = 1; i <= 7; i++) {
                ann.send("type", "say", "room", room, "text", "m" + i);
                ann.expect("message");
            }
            ann.send("type", "leave", "room", room).expect("left");
            ann.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"since\":{\"offset\":3,\"epoch\":\"not-this-one\"}}");
            JsonObject joined = ann.expect("joined");
            assertFalse(joined.getBoolean("recovered"));
            assertEquals(List.of(3L, 4L, 5L, 6L, 7L), Jsons.offsets(joined.get("history")), "latest page (historyPage=5)");
        }
    }

    @Test
    void historyPagesGoBackwards() {
        String room = room("pages");
        try (WsClient ann = guest("ann")) {
            ann.send("type", "join", "room", room).expect("joined");
            for (int i = 1; i <= 12; i++) {
                ann.send("type", "say", "room", room, "text", "m" + i);
                ann.expect("message");
            }
            ann.send("type", "history", "room", room, "before", 8, "limit", 3, "ref", "h1");
            JsonObject page = ann.expect("history");
            assertEquals(List.of(5L, 6L, 7L), Jsons.offsets(page.get("messages")));
            assertEquals("h1", page.getString("ref"));
            ann.send("type", "history", "room", room, "before", 2);
            assertEquals(List.of(1L), Jsons.offsets(ann.expect("history").get("messages")));
        }
    }

    @Test
    void whispersReachEveryTabOfBothUsersAndWaitForAnAbsentRecipient() {
        WsClient.withToken(chat, SECRET, "dora").close(); // dora has connected before: she exists
        // and is gone for the server too: a connection of hers still open would be written the whisper (delivered)
        Poll.until(() -> runner.switchboard().stats().connections.get() == 0, "dora's connection released");
        try (WsClient ann = guest("ann-w")) {
            ann.send("type", "whisper", "to", "dora", "text", "are you there?", "ref", "w-1");
            JsonObject copy = ann.expect("whisper");
            assertEquals("dora", copy.getString("to"));
            assertEquals(ann.user(), copy.getString("from"));
            try (WsClient dora = WsClient.withToken(chat, SECRET, "dora")) {
                JsonObject replayed = dora.expect("whisper");
                assertEquals("are you there?", replayed.getString("text"));
                assertEquals(ann.user(), replayed.getString("from"));
                assertEquals("w-1", replayed.getString("ref"));
                JsonObject delivered = ann.expect("delivered"); // chat 1.1: the replay reached dora
                assertEquals(copy.getString("id"), delivered.getString("whisper"));
                assertEquals("dora", delivered.getString("to"));
                dora.send("type", "whisper", "to", ann.user(), "text", "yes");
                assertEquals("yes", ann.expect("whisper").getString("text"));
                assertEquals("yes", dora.expect("whisper").getString("text"));
                assertEquals(ann.user(), dora.expect("delivered").getString("to"), "after the sender's copy");
            }
            try (WsClient doraLater = WsClient.withToken(chat, SECRET, "dora")) {
                doraLater.send("type", "ping");
                doraLater.expect("pong"); // nothing replayed twice: pong is the next frame
            }
        }
    }

    @Test
    void badFramesGetErrorFramesAndTheConnectionStaysOpen() {
        try (WsClient ann = guest("ann")) {
            ann.send("{not json");
            assertEquals("bad_json", ann.expect("error").getString("code"));
            ann.send("{\"type\":\"dance\",\"ref\":\"x-1\"}");
            JsonObject unknown = ann.expect("error");
            assertEquals("unknown_type", unknown.getString("code"));
            assertEquals("x-1", unknown.getString("ref"));
            ann.send("{\"room\":\"lobby\"}");
            assertEquals("invalid", ann.expect("error").getString("code"));
            ann.send("type", "join", "room", "bad room!", "ref", "j-1");
            JsonObject invalid = ann.expect("error");
            assertEquals("invalid", invalid.getString("code"));
            assertEquals("j-1", invalid.getString("ref"));
            ann.send("type", "say", "room", "nowhere", "text", "hi", "ref", "s-1");
            assertEquals("not_joined", ann.expect("error").getString("code"));
            ann.send("type", "join", "room", "long-" + System.nanoTime()).expect("joined");
            ann.send("type", "say", "room", "x", "text", "a".repeat(4001));
            assertEquals("too_long", ann.expect("error").getString("code"));
            ann.send("type", "subscribe", "topic", "orders");
            assertEquals("unknown_type", ann.expect("error").getString("code"));
            ann.send("type", "ping", "ref", "p-1");
            assertEquals("p-1", ann.expect("pong").getString("ref"));
            ann.expectNothing(Duration.ofMillis(100));
        }
    }

    @Test
    void offsetsHaveNoGapsUnderConcurrentSenders() throws Exception {
        String room = room("race");
        int senders = 4;
        int each = 50;
        try (WsClient reader = guest("reader")) {
            reader.send("type", "join", "room", room).expect("joined");
            Thread[] threads = new Thread[senders];
            for (int s = 0; s < senders; s++) {
                int id = s;
                threads[s] = new Thread(() -> {
                    try (WsClient w = guest("w" + id)) {
                        w.send("type", "join", "room", room).expect("joined");
                        for (int i = 0; i < each; i++) {
                            w.send("type", "say", "room", room, "text", id + ":" + i);
                        }
                        w.await("message", m -> m.getString("text").equals(id + ":" + (each - 1)));
                    }
                });
                threads[s].start();
            }
            long[] offsets = new long[senders * each];
            for (int i = 0; i < offsets.length; i++) {
                offsets[i] = reader.await("message").getJsonNumber("offset").longValue();
            }
            for (Thread t : threads) {
                t.join();
            }
            assertTrue(java.util.Arrays.equals(LongStream.rangeClosed(1, offsets.length).toArray(), offsets),
                    "offsets 1..N in order without gaps");
        }
    }
}

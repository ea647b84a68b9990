package dev.switchboard.testing;

import dev.switchboard.auth.Authenticator;
import jakarta.json.JsonObject;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13, identity part, as a client sees it (docs/security.md): the same scenarios against the runner
 * ({@code IdentitySecurityTest}) and the WAR in Tomcat and Payara ({@code SecurityIT}), all with {@link #SETTINGS}.
 * Every client names its own address in {@code X-Forwarded-For} (the deployment trusts the loopback as its proxy and
 * caps connections per address at {@value #PER_ADDRESS}), as clients behind nginx would appear.
 */
public final class SecurityScenarios {

    public static final String SECRET = "security-scenarios-secret-32-bytes!";
    public static final String KEY = "security-scenarios-publisher-key";
    public static final int PER_ADDRESS = 2;
    /** The deployment these scenarios expect. */
    public static final Map<String, String> SETTINGS = Map.of("tokenSecret", SECRET, "publisherKey", KEY,
            "trustedProxies", "127.0.0.1,::1", "maxConnectionsPerAddress", Integer.toString(PER_ADDRESS),
            "guestRooms", "lobby*", "guestTopics", "news*", "statsSubscribers", "ops", "statsIntervalMs", "0",
            "demoIntervalMs", "0");
    private static final AtomicInteger ADDRESSES = new AtomicInteger();

    private SecurityScenarios() {
    }

    private static String unique(String prefix) {
        return prefix + "-" + System.nanoTime();
    }

    /** A client from an address of its own, as a proxy would forward it. */
    private static Map<String, String> fromOwnAddress() {
        int n = ADDRESSES.incrementAndGet();
        return Map.of("X-Forwarded-For", "198.51." + (n / 250 % 250) + "." + (1 + n % 250));
    }

    private static WsClient guest(URI base, String path, String query) {
        return WsClient.connect(URI.create(Scenarios.ws(base, path) + "?" + query), fromOwnAddress());
    }

    private static WsClient user(URI base, String path, String user) {
        return WsClient.connect(URI.create(Scenarios.ws(base, path) + "?token="
                + Authenticator.sign(SECRET, user, Instant.now().plusSeconds(600))), fromOwnAddress());
    }

    /**
     * A guest asking for the name of a token user who is offline is {@code guest:NAME}: it gets none of the user's
     * stored whispers (the user still gets them), cannot subscribe to {@code user:NAME}, and its whispers carry its
     * guest identity.
     */
    public static void guestsCannotTakeAUsersIdentity(URI base) {
        String alice = unique("alice");
        String bob = unique("bob");
        String room = unique("r");
        WsClient first = user(base, "ws/chat", alice); // alice exists
        first.join(room);
        try (WsClient b = user(base, "ws/chat", bob)) {
            b.join(room);
            first.close();
            // and is offline now, also for the server (its "leave" follows once it has released her connection): a
            // whisper meanwhile would be written to that connection (delivered, not replayed), as it should be
            b.await("presence", p -> alice.equals(p.getString("user")) && "leave".equals(p.getString("event")));
            b.send("type", "whisper", "to", alice, "text", "for alice only", "ref", "w1");
            assertEquals(alice, b.expect("whisper").getString("to"));
            try (WsClient fake = guest(base, "ws/chat", "name=" + alice);
                 WsClient fakeLive = guest(base, "ws/notifications", "name=" + alice)) {
                assertEquals("guest:" + alice, fake.user(), "a guest never holds a user's identity");
                fake.send("type", "ping");
                assertEquals("pong", fake.next().getString("type"), "none of alice's whispers");
                fakeLive.send("type", "subscribe", "topic", "user:" + alice, "ref", "s1");
                assertEquals("forbidden", fakeLive.expect("error").getString("code"));
                fake.send("type", "whisper", "to", bob, "text", "it's me, alice");
                JsonObject received = b.expect("whisper");
                assertEquals("guest:" + alice, received.getString("from"));
            }
            try (WsClient real = user(base, "ws/chat", alice)) {
                JsonObject replayed = real.expect("whisper");
                assertEquals("for alice only", replayed.getString("text"), "still waiting for the real alice");
                assertEquals(bob, replayed.getString("from"));
            }
        }
    }

    /**
     * A guest ticket asks for its name back, and gets it only where nobody holds it: a name taken meanwhile by another
     * guest is never shared.
     */
    public static void guestTicketsNeverShareAName(URI base) {
        String name = unique("kim");
        WsClient first = guest(base, "ws/chat", "name=" + name);
        String ticket = first.welcome().getString("guest");
        first.close();
        WsClient taken = null;
        long deadline = System.nanoTime() + WsClient.TIMEOUT.toNanos();
        while (taken == null) { // until the server has let go of the closed connection's name
            WsClient stranger = guest(base, "ws/chat", "name=" + name);
            if (stranger.user().equals("guest:" + name) || System.nanoTime() > deadline) {
                taken = stranger;
            } else {
                stranger.close();
            }
        }
        try (WsClient stranger = taken) {
            assertEquals("guest:" + name, stranger.user(), "the name was free");
            try (WsClient back = guest(base, "ws/chat", "name=" + name + "&guest=" + ticket)) {
                assertNotEquals(stranger.user(), back.user(), "a fresh name, never a shared one");
                assertTrue(back.user().startsWith("guest:kim"), back.user());
                assertTrue(back.welcome().getString("guest").length() > 10, "and a ticket for it");
            }
        }
    }

    /** Guests have their own room and topic patterns; token claims that are not arrays of names refuse the token. */
    public static void guestPatternsAndMalformedClaims(URI base) {
        try (WsClient g = guest(base, "ws/chat", "name=g")) {
            g.send("type", "join", "room", "staff", "ref", "j1");
            assertEquals("forbidden", g.expect("error").getString("code"));
            g.send("type", "join", "room", "lobby-" + System.nanoTime());
            g.expect("joined");
        }
        try (WsClient g = guest(base, "ws/notifications", "name=g")) {
            g.send("type", "subscribe", "topic", "orders", "ref", "s1");
            assertEquals("forbidden", g.expect("error").getString("code"));
            g.send("type", "subscribe", "topic", "news-" + System.nanoTime());
            g.expect("subscribed");
        }
        long exp = Instant.now().getEpochSecond() + 600;
        for (String claim : new String[] {"\"lobby\"", "null", "{\"lobby\":1}"}) {
            String token = hs256("{\"sub\":\"lim\",\"exp\":" + exp + ",\"rooms\":" + claim + "}");
            try (WsClient refused = WsClient.open(URI.create(Scenarios.ws(base, "ws/chat") + "?token=" + token),
                    fromOwnAddress())) {
                assertEquals(4401, refused.awaitClose(), claim);
                assertEquals(0, refused.pending(), "no welcome with rooms " + claim);
            }
        }
    }

    /** A token whose subject holds CR/LF (a forged log line) or a bidi control is refused with 4401. */
    public static void controlCharactersInSubjectsAreRefused(URI base) {
        long exp = Instant.now().getEpochSecond() + 600;
        for (String sub : new String[] {"mallory\\r\\nINFO: forged log line", "mallory\\u202Egnp.exe"}) {
            String token = hs256("{\"sub\":\"" + sub + "\",\"exp\":" + exp + "}");
            try (WsClient refused = WsClient.open(URI.create(Scenarios.ws(base, "ws/chat") + "?token=" + token),
                    fromOwnAddress())) {
                assertEquals(4401, refused.awaitClose(), sub);
            }
        }
    }

    /** Whispers go to users who connected before, or to guests online now; any other name is not_found. */
    public static void whispersOnlyToIdentitiesThatExist(URI base) {
        try (WsClient ann = guest(base, "ws/chat", "name=ann"); WsClient cy = guest(base, "ws/chat", "name=cy")) {
            for (String nobody : new String[] {unique("nobody"), "guest:" + unique("gone")}) {
                ann.send("type", "whisper", "to", nobody, "text", "hello?", "ref", "n1");
                JsonObject error = ann.expect("error");
                assertEquals("not_found", error.getString("code"), nobody);
                assertEquals("n1", error.getString("ref"));
            }
            ann.send("type", "whisper", "to", cy.user(), "text", "hi cy");
            assertEquals("hi cy", cy.expect("whisper").getString("text"), "a guest online now");
        }
    }

    /**
     * Behind a trusted proxy each client counts under its forwarded address: one client's many sockets do not lock
     * the others out.
     */
    public static void theCapCountsForwardedAddresses(URI base) {
        Map<String, String> greedy = Map.of("X-Forwarded-For", "6.6.6.6, 203.0.113." + (ADDRESSES.incrementAndGet() % 250));
        URI chat = URI.create(Scenarios.ws(base, "ws/chat") + "?name=greedy");
        WsClient[] mine = new WsClient[PER_ADDRESS];
        try {
            for (int i = 0; i < PER_ADDRESS; i++) {
                mine[i] = WsClient.connect(chat, greedy);
            }
            try (WsClient more = WsClient.open(chat, greedy)) {
                assertEquals(4429, more.awaitClose(), "over the cap of its address");
            }
            for (int i = 0; i < PER_ADDRESS + 1; i++) { // others, through the same proxy, still get in
                try (WsClient other = guest(base, "ws/chat", "name=other")) {
                    assertTrue(other.user().startsWith("guest:other"));
                }
            }
        } finally {
            for (WsClient c : mine) {
                if (c != null) {
                    c.close();
                }
            }
        }
    }

    /** {@code /api/health} says UP or DEGRADED to anyone; what is behind it only with the key. */
    public static void healthDetailsNeedTheKey(URI base) {
        JsonObject open = Scenarios.json(Http.get(base.resolve("api/health"), null).body());
        assertEquals("UP", open.getString("status"));
        assertEquals(1, open.size(), "nothing but the status: " + open);
        JsonObject keyed = Scenarios.json(Http.get(base.resolve("api/health"), KEY).body());
        assertEquals("UP", keyed.getString("status"));
        assertTrue(keyed.containsKey("backplane") && keyed.containsKey("connections"), keyed.toString());
        assertFalse(Scenarios.json(Http.get(base.resolve("api/health"), "wrong").body()).containsKey("backplane"));
    }

    /** The topic {@code stats} is restricted to the identities of {@code statsSubscribers}. */
    public static void statsAreRestricted(URI base) {
        try (WsClient g = guest(base, "ws/notifications", "name=ops"); WsClient eve = user(base, "ws/notifications", "eve");
             WsClient ops = user(base, "ws/notifications", "ops")) {
            for (WsClient refused : new WsClient[] {g, eve}) {
                refused.send("type", "subscribe", "topic", "stats", "ref", "s");
                assertEquals("forbidden", refused.expect("error").getString("code"));
            }
            ops.send("type", "subscribe", "topic", "stats");
            ops.expect("subscribed");
        }
    }

    /** An HS256 token over exactly this claims text. */
    static String hs256(String claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return input + "." + b64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}

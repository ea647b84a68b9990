package dev.switchboard.auth;

import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Names;
import dev.switchboard.testing.Hubs;
import dev.switchboard.testing.MutableClock;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who connects: principal, token, guest (in its own name space), guest tickets; the refusals a handshake gets. */
class AuthenticatorTest {

    static final String SECRET = "authenticator-test-secret-32-bytes!";
    private final MutableClock clock = new MutableClock();

    private Authenticator authenticator(Map<String, String> settings) {
        return new Authenticator(Hubs.settings(settings), clock);
    }

    @Test
    void tokensAreVerifiedAndThePrincipalWins() throws Exception {
        Authenticator auth = authenticator(Map.of("tokenSecret", SECRET));
        String good = Authenticator.sign(SECRET, "tess", clock.instant().plusSeconds(60));
        assertEquals("tess", auth.authenticate(null, good, "ignored").user());
        assertEquals(Identity.Source.TOKEN, auth.authenticate(null, good, null).source());
        assertEquals("boss", auth.authenticate("boss", good, null).user(), "the container principal wins");
    }

    @Test
    void forgedExpiredAndMalformedTokensAreRefusedWith401And4401() {
        Authenticator auth = authenticator(Map.of("tokenSecret", SECRET));
        String forged = Authenticator.sign("another-secret-of-at-least-32-bytes", "tess", clock.instant().plusSeconds(60));
        Refusal refused = assertThrows(Refusal.class, () -> auth.authenticate(null, forged, null));
        assertEquals(401, refused.status());
        assertEquals(CloseCode.UNAUTHORIZED, refused.code());
        String expired = Authenticator.sign(SECRET, "tess", clock.instant().minusSeconds(31));
        assertEquals("token expired", assertThrows(Refusal.class, () -> auth.authenticate(null, expired, null)).getMessage());
        assertThrows(Refusal.class, () -> auth.authenticate(null, "a.b", null));
    }

    @Test
    void aTokenSecretShorterThan32BytesStopsTheStart() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> authenticator(Map.of("tokenSecret", "s3cret")));
        assertTrue(e.getMessage().contains("tokenSecret") && e.getMessage().contains("32"), e.getMessage());
    }

    @Test
    void withoutGuestsAnAnonymousClientIsRefused() {
        Authenticator noGuests = authenticator(Map.of("guests", "false"));
        assertEquals(401, assertThrows(Refusal.class, () -> noGuests.authenticate(null, null, "ann")).status());
    }

    @Test
    void guestsLiveInTheirOwnNameSpace() throws Exception {
        Authenticator auth = authenticator(Map.of("tokenSecret", SECRET));
        assertEquals("guest:alice", auth.authenticate(null, null, "alice").user());
        assertEquals("guest:script", auth.authenticate(null, null, "  <script> ").user());
        assertEquals("guest", Names.guestName(" <> "));
        assertEquals("ann-lee", Names.guestName(" ann lee "));
        assertEquals(Names.MAX_GUEST_NAME_CHARS, Names.guestName("x".repeat(100)).length());
        for (String taken : new String[] {"guest:alice", "Guest:alice", "GUEST:x"}) {
            String token = Authenticator.sign(SECRET, taken, clock.instant().plusSeconds(60));
            assertEquals(401, assertThrows(Refusal.class, () -> auth.authenticate(null, token, null)).status(), taken);
            assertEquals(401, assertThrows(Refusal.class, () -> auth.authenticate(taken, null, null)).status(), taken);
        }
    }

    @Test
    void principalsWithControlOrBidiCharactersAreRefused() {
        Authenticator auth = authenticator(Map.of());
        for (String bad : new String[] {"bob\r\nINFO: forged", "bob\u202Eevil", "x".repeat(129)}) {
            assertEquals(401, assertThrows(Refusal.class, () -> auth.authenticate(bad, null, null)).status());
        }
    }

    @Test
    void guestsGetTheGuestRoomAndTopicPatterns() throws Exception {
        Identity any = authenticator(Map.of()).authenticate(null, null, "ann");
        assertTrue(any.mayJoin("anything") && any.maySubscribe("anything"));
        Identity limited = authenticator(Map.of("guestRooms", "lobby,help-*", "guestTopics", ""))
                .authenticate(null, null, "ann");
        assertTrue(limited.mayJoin("lobby") && limited.mayJoin("help-1"));
        assertTrue(!limited.mayJoin("staff") && !limited.maySubscribe("demo"));
        assertEquals(Set.of("lobby", "help-*"), limited.rooms());
    }

    @Test
    void aGuestTicketAsksForItsNameBackAndAForgedOneIsIgnored() throws Exception {
        Authenticator auth = authenticator(Map.of());
        String ticket = auth.guestTicket("guest:ann-2");
        Identity back = auth.authenticate(null, null, "someone", ticket);
        assertEquals("guest:ann-2", back.user());
        assertEquals(Identity.Source.RETURNING_GUEST, back.source());
        String forged = ticket.substring(0, ticket.indexOf('.') + 1) + "AAAA";
        assertEquals(Identity.Source.GUEST, auth.authenticate(null, null, "someone", forged).source());
        Authenticator otherProcess = authenticator(Map.of());
        assertEquals(Identity.Source.GUEST, otherProcess.authenticate(null, null, "x", ticket).source(),
                "without a shared secret a ticket is valid in the process that made it only");
        assertNull(auth.authenticate(null, null, "x", null).expires());
        assertThrows(IllegalArgumentException.class, () -> auth.guestTicket("alice"), "tickets name guests only");
    }

    @Test
    void guestTicketsExpire() throws Exception {
        Authenticator auth = authenticator(Map.of("guestTicketTtlMs", "60000"));
        String ticket = auth.guestTicket("guest:ann");
        clock.advance(Duration.ofSeconds(59));
        assertEquals("guest:ann", auth.authenticate(null, null, "x", ticket).user());
        clock.advance(Duration.ofSeconds(2));
        assertEquals(Identity.Source.GUEST, auth.authenticate(null, null, "x", ticket).source(), "expired");
    }

    /**
     * The old ticket was HMAC(tokenSecret, "guest:" + name) over a name the guest chose: a MAC made with the JWT key
     * over client-chosen text. Tickets are now made with a key of their own (HKDF of the secret): neither that old
     * shape nor the new payload MACed with the JWT key itself passes.
     */
    @Test
    void ticketsCannotBeMadeWithTheTokenKey() throws Exception {
        Authenticator auth = authenticator(Map.of("tokenSecret", SECRET));
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String oldShape = b64.encodeToString("alice".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(hmac(SECRET, "guest:alice"));
        assertEquals("guest:x", auth.authenticate(null, null, "x", oldShape).user());
        String payload = "guest:alice\n" + (clock.millis() / 1000 + 3600);
        String withTokenKey = b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(hmac(SECRET, "guest-ticket\n" + payload));
        assertEquals("guest:x", auth.authenticate(null, null, "x", withTokenKey).user());
        Authenticator sameSecret = authenticator(Map.of("tokenSecret", SECRET));
        assertEquals("guest:alice", sameSecret.authenticate(null, null, "x", auth.guestTicket("guest:alice")).user(),
                "a shared tokenSecret makes tickets valid on every node");
    }

    private static byte[] hmac(String key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }
}

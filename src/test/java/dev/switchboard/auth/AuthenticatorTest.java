package dev.switchboard.auth;

import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Names;
import dev.switchboard.settings.Settings;
import dev.switchboard.testing.Hubs;
import dev.switchboard.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Who connects: principal, token, guest; the refusals a handshake gets. */
class AuthenticatorTest {

    private final MutableClock clock = new MutableClock();

    private Authenticator authenticator(Map<String, String> settings) {
        return new Authenticator(Hubs.settings(settings), clock);
    }

    @Test
    void tokensAreVerifiedAndThePrincipalWins() throws Exception {
        Authenticator auth = authenticator(Map.of("tokenSecret", "k"));
        String good = Authenticator.sign("k", "tess", clock.instant().plusSeconds(60));
        assertEquals("tess", auth.authenticate(null, good, "ignored").user());
        assertEquals(Identity.Source.TOKEN, auth.authenticate(null, good, null).source());
        assertEquals("boss", auth.authenticate("boss", good, null).user(), "the container principal wins");
    }

    @Test
    void forgedExpiredAndMalformedTokensAreRefusedWith401And4401() {
        Authenticator auth = authenticator(Map.of("tokenSecret", "k"));
        String forged = Authenticator.sign("other", "tess", clock.instant().plusSeconds(60));
        Refusal refused = assertThrows(Refusal.class, () -> auth.authenticate(null, forged, null));
        assertEquals(401, refused.status());
        assertEquals(CloseCode.UNAUTHORIZED, refused.code());
        String expired = Authenticator.sign("k", "tess", clock.instant().minusSeconds(1));
        assertThrows(Refusal.class, () -> auth.authenticate(null, expired, null));
        assertThrows(Refusal.class, () -> auth.authenticate(null, "a.b", null));
    }

    @Test
    void withoutGuestsAnAnonymousClientIsRefused() {
        Authenticator noGuests = authenticator(Map.of("guests", "false"));
        assertEquals(401, assertThrows(Refusal.class, () -> noGuests.authenticate(null, null, "ann")).status());
    }

    @Test
    void guestNamesAreMadeSafe() throws Exception {
        Authenticator auth = authenticator(Map.of());
        assertEquals("script", auth.authenticate(null, null, "  <script> ").user());
        assertEquals("guest", Names.guestName(" <> "));
        assertEquals("ann-lee", Names.guestName(" ann lee "));
        assertEquals(Names.MAX_GUEST_NAME_CHARS, Names.guestName("x".repeat(100)).length());
    }

    @Test
    void aGuestTicketGivesItsNameBackAndAForgedOneIsIgnored() throws Exception {
        Authenticator auth = authenticator(Map.of());
        String ticket = auth.guestTicket("ann-2");
        Identity back = auth.authenticate(null, null, "someone", ticket);
        assertEquals("ann-2", back.user());
        assertEquals(Identity.Source.RETURNING_GUEST, back.source());
        String forged = ticket.substring(0, ticket.indexOf('.') + 1) + "AAAA";
        assertEquals(Identity.Source.GUEST, auth.authenticate(null, null, "someone", forged).source());
        Authenticator otherProcess = authenticator(Map.of());
        assertEquals(Identity.Source.GUEST, otherProcess.authenticate(null, null, "x", ticket).source(),
                "without a shared secret a ticket is valid in the process that made it only");
        assertNull(auth.authenticate(null, null, "x", null).expires());
    }
}

package dev.switchboard.auth;

import dev.switchboard.protocol.Names;
import dev.switchboard.settings.Settings;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;

/**
 * Decides who connects (docs/protocol.md, "Identity"; docs/security.md): the container's principal; else a JWT from
 * {@code ?token=} ({@link TokenVerifier}); else, where guests are allowed, a guest: {@code guest:NAME} from
 * {@code ?name=} (the core makes it unique), or the name a valid {@code ?guest=} ticket names ({@link GuestTickets}).
 * Guests live in their own name space, so a principal or token user starting with {@code guest:} is refused; they
 * get the {@code guestRooms} / {@code guestTopics} patterns. A client field never sets identity.
 */
public final class Authenticator {

    private static final Logger LOG = System.getLogger(Authenticator.class.getName());

    private final boolean guests;
    private final TokenVerifier tokens;
    private final GuestTickets tickets;
    private final Set<String> guestRooms;
    private final Set<String> guestTopics;

    /** Throws {@link IllegalArgumentException} naming the setting when a token setting is invalid. */
    public Authenticator(Settings settings, Clock clock) {
        this.guests = settings.getBoolean(Settings.Key.GUESTS);
        this.tokens = new TokenVerifier(settings, clock);
        this.tickets = new GuestTickets(settings, clock);
        this.guestRooms = Identity.patterns(settings.getList(Settings.Key.GUEST_ROOMS));
        this.guestTopics = Identity.patterns(settings.getList(Settings.Key.GUEST_TOPICS));
        boolean tokensOn = !settings.get(Settings.Key.TOKEN_SECRET).isEmpty()
                || !settings.get(Settings.Key.TOKEN_JWKS_URL).isEmpty();
        if (guests && tokensOn && guestRooms == null && guestTopics == null) {
            LOG.log(Level.WARNING, "guests are allowed: the rooms/topics claims of tokens restrict token users only, "
                    + "and anyone can connect as a guest without one. Set guests=false, or restrict guests with "
                    + "guestRooms and guestTopics (docs/security.md)");
        }
    }

    public Identity authenticate(String principal, String token, String name) throws Refusal {
        return authenticate(principal, token, name, null);
    }

    /**
     * As above; {@code guestTicket} ({@code ?guest=}) is the ticket a guest got in {@code welcome}: presenting it asks
     * for the name it names back instead of a new one (given where nobody holds that name now).
     */
    public Identity authenticate(String principal, String token, String name, String guestTicket) throws Refusal {
        if (principal != null && !principal.isBlank()) {
            if (!Names.isUser(principal) || Names.inGuestSpace(principal)) {
                throw Refusal.unauthorized("login name not allowed: control or bidi characters, over "
                        + Names.MAX_USER_CHARS + " characters, or " + Names.GUEST_PREFIX);
            }
            return Identity.principal(principal);
        }
        if (token != null && !token.isEmpty()) {
            return tokens.verify(token);
        }
        if (!guests) {
            throw Refusal.unauthorized("authentication required: log in, or pass ?token=");
        }
        String returning = guestTicket == null ? null : tickets.identity(guestTicket);
        return returning != null ? Identity.returningGuest(returning, guestRooms, guestTopics)
                : Identity.guest(Names.guestName(name), guestRooms, guestTopics);
    }

    /** The ticket for a guest identity ({@code guest:ann}), valid for {@code guestTicketTtlMs}. */
    public String guestTicket(String identity) {
        return tickets.issue(identity);
    }

    /** Verifies a {@code ?token=} JWT (see {@link TokenVerifier}). */
    public Identity verify(String token) throws Refusal {
        return tokens.verify(token);
    }

    /**
     * Creates a signed HS256 token with {@code sub} and {@code exp} (for tests, the demo and applications that mint
     * tokens with the same secret, which must have at least 32 bytes).
     */
    public static String sign(String secret, String subject, Instant expires) {
        return TokenVerifier.sign(secret, subject, expires);
    }
}

package dev.switchboard.auth;


import dev.switchboard.core.Ids;
import dev.switchboard.settings.Settings;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;

import dev.switchboard.protocol.Names;
import dev.switchboard.protocol.Wire;

/**
 * Decides who connects (docs/protocol.md, "Identity"): the container's principal; else an HS256 JWT from
 * {@code ?token=} checked with the configured secret; else, where guests are allowed, a guest name from
 * {@code ?name=} (the {@link Hub} makes it unique). A client field never sets identity.
 */
public final class Authenticator {

    private final boolean guests;
    private final byte[] secret;
    /** Signs guest tickets: the token secret where one is set (valid on every node), else a key of this process. */
    private final byte[] ticketKey;
    private final Clock clock;

    public Authenticator(Settings settings, Clock clock) {
        this.guests = settings.getBoolean(Settings.Key.GUESTS);
        String s = settings.get(Settings.Key.TOKEN_SECRET);
        this.secret = s.isEmpty() ? null : s.getBytes(StandardCharsets.UTF_8);
        this.ticketKey = secret != null ? secret : Ids.session().getBytes(StandardCharsets.US_ASCII);
        this.clock = clock;
    }

    public Identity authenticate(String principal, String token, String name) throws Refusal {
        return authenticate(principal, token, name, null);
    }

    /**
     * As above; {@code guestTicket} ({@code ?guest=}) is the ticket a guest got in {@code welcome}: presenting it
     * keeps the name it names instead of getting a new unique one (a reconnect after a dropped connection, a
     * second tab).
     */
    public Identity authenticate(String principal, String token, String name, String guestTicket) throws Refusal {
        if (principal != null && !principal.isBlank()) {
            return Identity.principal(principal);
        }
        if (token != null && !token.isEmpty()) {
            return verify(token);
        }
        if (!guests) {
            throw Refusal.unauthorized("authentication required: log in, or pass ?token=");
        }
        String returning = guestTicket == null ? null : ticketName(guestTicket);
        return returning != null ? Identity.returningGuest(returning) : Identity.guest(Names.guestName(name));
    }

    /** The ticket for a guest name: {@code base64url(name) "." base64url(HMAC-SHA256("guest:" + name))}. */
    public String guestTicket(String name) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString(name.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(hmac(ticketKey, ("guest:" + name).getBytes(StandardCharsets.UTF_8)));
    }

    /** The name a valid ticket names, or null (a bad ticket is ignored: the guest just gets a new name). */
    private String ticketName(String ticket) {
        int dot = ticket.indexOf('.');
        if (dot < 1) {
            return null;
        }
        try {
            String name = new String(Base64.getUrlDecoder().decode(ticket.substring(0, dot)), StandardCharsets.UTF_8);
            byte[] mac = Base64.getUrlDecoder().decode(ticket.substring(dot + 1));
            boolean valid = MessageDigest.isEqual(mac, hmac(ticketKey, ("guest:" + name).getBytes(StandardCharsets.UTF_8)));
            return valid && name.equals(Names.guestName(name)) ? name : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Verifies a compact HS256 JWT: signature, {@code exp} (required), {@code nbf}, {@code sub}. */
    public Identity verify(String token) throws Refusal {
        if (secret == null) {
            throw Refusal.unauthorized("tokens are not accepted: no tokenSecret is configured");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw Refusal.unauthorized("malformed token");
        }
        JsonObject header = json(parts[0]);
        JsonValue alg = header.get("alg");
        if (!(alg instanceof JsonString a) || !"HS256".equals(a.getString())) {
            throw Refusal.unauthorized("token must be signed with HS256");
        }
        byte[] expected = hmac(secret, (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        byte[] actual;
        try {
            actual = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw Refusal.unauthorized("malformed token");
        }
        if (!MessageDigest.isEqual(expected, actual)) {
            throw Refusal.unauthorized("bad token signature");
        }
        JsonObject claims = json(parts[1]);
        Instant now = clock.instant();
        if (!(claims.get("exp") instanceof JsonNumber exp)) {
            throw Refusal.unauthorized("token has no exp");
        }
        Instant expires = Instant.ofEpochSecond(exp.longValue());
        if (!now.isBefore(expires)) {
            throw Refusal.unauthorized("token expired");
        }
        if (claims.get("nbf") instanceof JsonNumber nbf && now.isBefore(Instant.ofEpochSecond(nbf.longValue()))) {
            throw Refusal.unauthorized("token not valid yet");
        }
        if (!(claims.get("sub") instanceof JsonString sub) || sub.getString().isBlank()) {
            throw Refusal.unauthorized("token has no sub");
        }
        return new Identity(sub.getString(), Identity.Source.TOKEN, expires,
                names(claims.get("rooms")), names(claims.get("topics")));
    }

    private static Set<String> names(JsonValue value) {
        if (!(value instanceof JsonArray array)) {
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonValue v : array) {
            if (v instanceof JsonString s) {
                out.add(s.getString());
            }
        }
        return out;
    }

    private static JsonObject json(String base64url) throws Refusal {
        try {
            String text = new String(Base64.getUrlDecoder().decode(base64url), StandardCharsets.UTF_8);
            JsonValue value = Wire.parseValue(text);
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                throw Refusal.unauthorized("malformed token");
            }
            return value.asJsonObject();
        } catch (RuntimeException e) {
            throw Refusal.unauthorized("malformed token");
        }
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Creates a signed HS256 token (for tests, the demo and applications that mint tokens with the same secret). */
    public static String sign(String secret, String subject, Instant expires) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(jakarta.json.Json.createObjectBuilder()
                .add("sub", subject).add("exp", expires.getEpochSecond()).build().toString()
                .getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] sig = mac.doFinal((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
            return header + "." + payload + "." + b64.encodeToString(sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}

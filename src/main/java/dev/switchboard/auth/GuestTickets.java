package dev.switchboard.auth;

import dev.switchboard.protocol.Names;
import dev.switchboard.settings.Settings;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;

/**
 * The ticket a guest gets in {@code welcome} ({@code "guest":"…"}) and presents as {@code ?guest=} on a reconnect to
 * ask for its name back: {@code base64url(IDENTITY "\n" EXPIRES) "." base64url(HMAC-SHA256(key, "guest-ticket\n" +
 * payload))}, IDENTITY always {@code guest:NAME}, EXPIRES in epoch seconds ({@code guestTicketTtlMs} after it was
 * issued).
 *
 * <p>The key is derived from {@code tokenSecret} with HKDF-SHA256 (RFC 5869) under its own label, so that no ticket
 * is an HMAC a token verifier would accept and no token signature is a ticket; without a {@code tokenSecret} it is
 * random per process, and a ticket then gives its name back only on the node that issued it. A ticket only asks: the
 * name is given back only where nobody holds it now (see {@code Sessions}).
 */
final class GuestTickets {

    /** Longest ticket looked at. */
    static final int MAX_TICKET_CHARS = 256;
    private static final byte[] HKDF_SALT = "switchboard/v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HKDF_INFO = "guest-ticket".getBytes(StandardCharsets.US_ASCII);
    private static final String MAC_LABEL = "guest-ticket\n";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final byte[] key;
    private final long ttlMs;
    private final Clock clock;

    GuestTickets(Settings settings, Clock clock) {
        String secret = settings.get(Settings.Key.TOKEN_SECRET);
        byte[] ikm;
        if (secret.isEmpty()) {
            ikm = new byte[32];
            new SecureRandom().nextBytes(ikm);
        } else {
            ikm = secret.getBytes(StandardCharsets.UTF_8);
        }
        this.key = hkdf(ikm);
        this.ttlMs = settings.getLong(Settings.Key.GUEST_TICKET_TTL_MS);
        this.clock = clock;
    }

    /** A ticket for a guest identity ({@code guest:ann}). */
    String issue(String identity) {
        if (!Names.isGuest(identity)) {
            throw new IllegalArgumentException("tickets are for guest identities only");
        }
        long expires = Math.addExact(clock.millis(), ttlMs) / 1000;
        String payload = identity + "\n" + expires;
        return ENCODER.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + ENCODER.encodeToString(mac(payload));
    }

    /** The guest identity a valid, unexpired ticket names; null for anything else (the guest gets a new name). */
    String identity(String ticket) {
        if (ticket == null || ticket.length() > MAX_TICKET_CHARS || !TokenVerifier.strictParts(ticket, 2)) {
            return null;
        }
        int dot = ticket.indexOf('.');
        try {
            String payload = new String(Base64.getUrlDecoder().decode(ticket.substring(0, dot)), StandardCharsets.UTF_8);
            byte[] mac = Base64.getUrlDecoder().decode(ticket.substring(dot + 1));
            if (!MessageDigest.isEqual(mac, mac(payload))) {
                return null;
            }
            int newline = payload.lastIndexOf('\n');
            String identity = payload.substring(0, newline);
            long expires = Long.parseLong(payload.substring(newline + 1));
            boolean shaped = Names.isGuest(identity)
                    && Names.guestNameOf(identity).equals(Names.guestName(Names.guestNameOf(identity)));
            return shaped && clock.millis() / 1000 < expires ? identity : null;
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return null;
        }
    }

    private byte[] mac(String payload) {
        return hmac(key, (MAC_LABEL + payload).getBytes(StandardCharsets.UTF_8));
    }

    /** HKDF-SHA256 extract-and-expand to one 32-byte block (RFC 5869, L = HashLen). */
    static byte[] hkdf(byte[] ikm) {
        byte[] prk = hmac(HKDF_SALT, ikm);
        byte[] info = new byte[HKDF_INFO.length + 1];
        System.arraycopy(HKDF_INFO, 0, info, 0, HKDF_INFO.length);
        info[HKDF_INFO.length] = 1;
        return hmac(prk, info);
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
}

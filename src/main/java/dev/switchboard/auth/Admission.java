package dev.switchboard.auth;

import dev.switchboard.settings.Settings;

import dev.switchboard.protocol.CloseCode;

/**
 * The handshake decision, the same in every adapter: the Origin against {@link OriginPolicy} (403), then identity
 * by {@link Authenticator} (401). Adapters that run before the upgrade answer with the HTTP status; the endpoint
 * configurator, which runs during it, closes the new socket with the matching close code instead.
 */
public final class Admission {

    /** Either an identity, or a refusal with its HTTP status and close code. */
    public record Decision(Identity identity, int status, CloseCode closeCode, String reason) {
        public boolean admitted() {
            return identity != null;
        }
    }

    private final OriginPolicy origins;
    private final Authenticator authenticator;
    private final TrustedProxies proxies;

    public Admission(Settings settings, Authenticator authenticator) {
        this.origins = new OriginPolicy(settings);
        this.authenticator = authenticator;
        this.proxies = new TrustedProxies(settings);
    }

    /** The client's address: the peer's, or behind a trusted proxy the one it forwarded ({@link TrustedProxies}). */
    public String clientAddress(String peer, Iterable<String> forwardedFor) {
        return proxies.client(peer, forwardedFor);
    }

    public Decision decide(String origin, String host, String principal, String token, String name,
                           String guestTicket) {
        if (!origins.allows(origin, host)) {
            return new Decision(null, 403, CloseCode.POLICY, "origin not allowed");
        }
        try {
            return new Decision(authenticator.authenticate(principal, token, name, guestTicket), 101, null, null);
        } catch (Refusal e) {
            return new Decision(null, e.status(), e.code(), e.getMessage());
        }
    }
}

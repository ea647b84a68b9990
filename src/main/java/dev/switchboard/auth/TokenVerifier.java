package dev.switchboard.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import dev.switchboard.core.LogSafe;
import dev.switchboard.protocol.Names;
import dev.switchboard.settings.Settings;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Verifies the {@code ?token=} JWT of a handshake with nimbus-jose-jwt (docs/security.md, "Identity and tokens"):
 * HS256 with {@code tokenSecret} (at least 32 bytes, else the start fails), or RS256/ES256 and kin against the keys of
 * a JWKS ({@code tokenJwksUrl}, picked by {@code kid}). Required: {@code exp} and the user claim ({@code sub}); checked
 * when configured: {@code aud}, {@code iss}; {@code nbf} and {@code exp} with {@code tokenLeewayMs} of clock skew.
 * A token is taken in compact form only, each part strict base64url (no padding, no spare bits: a signature has one
 * spelling); an unknown {@code crit} header is refused by the library's verifiers. Every failure is a
 * {@link Refusal#unauthorized} (401 / 4401) with a fixed message, never an exception to the adapter.
 *
 * <p>Threads: {@link #verify} runs on whichever thread decides the handshake (a servlet or Grizzly worker). The JWKS
 * is cached ({@code tokenJwksCacheMs}); a fetch happens when the cache is stale or a token names an unknown kid, at
 * most twice per {@value #JWKS_MIN_INTERVAL_MS} ms, each bounded by {@code tokenJwksTimeoutMs}; while the URL is down
 * the keys fetched last keep working for ten cache lifetimes.
 */
final class TokenVerifier {

    private static final Logger LOG = System.getLogger(TokenVerifier.class.getName());
    /** Longest token looked at; a longer one is refused unread. */
    static final int MAX_TOKEN_CHARS = 16_384;
    /** HS256 needs a key as long as its hash (RFC 7518, 3.2). */
    static final int MIN_SECRET_BYTES = 32;
    /** Most room or topic patterns a token's claims may hold. */
    static final int MAX_CLAIM_PATTERNS = 1000;
    static final long JWKS_MIN_INTERVAL_MS = 30_000;
    /** 9999-12-31T23:59:59Z: a time claim beyond it is malformed. */
    private static final long LATEST_TIME = 253_402_300_799L;
    private static final int MAX_JWKS_BYTES = 512 * 1024;
    private static final Set<JWSAlgorithm> ASYMMETRIC = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.ES256, JWSAlgorithm.ES384);
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final boolean enabled;
    private final String userClaim;
    private final long leewayMs;

    TokenVerifier(Settings settings, Clock clock) {
        String secret = settings.get(Settings.Key.TOKEN_SECRET);
        SecretKey hmac = secret.isEmpty() ? null : hmacKey(secret);
        JWSVerificationKeySelector<SecurityContext> jwks = jwks(settings);
        this.enabled = hmac != null || jwks != null;
        this.userClaim = settings.get(Settings.Key.TOKEN_USER_CLAIM).isEmpty()
                ? "sub" : settings.get(Settings.Key.TOKEN_USER_CLAIM);
        this.leewayMs = settings.getLong(Settings.Key.TOKEN_LEEWAY_MS);
        processor.setJWSKeySelector(selector(hmac, jwks));
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT,
                new JOSEObjectType("at+jwt"), new JOSEObjectType("application/at+jwt"), null));
        List<String> audiences = settings.getList(Settings.Key.TOKEN_AUDIENCE);
        String issuer = settings.get(Settings.Key.TOKEN_ISSUER);
        JWTClaimsSet exact = issuer.isEmpty() ? new JWTClaimsSet.Builder().build()
                : new JWTClaimsSet.Builder().issuer(issuer).build();
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                audiences.isEmpty() ? null : new HashSet<>(audiences), exact, Set.of("exp", userClaim), null) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        claims.setMaxClockSkew((int) Math.min(Integer.MAX_VALUE, (leewayMs + 999) / 1000));
        processor.setJWTClaimsSetVerifier(claims);
    }

    private static SecretKey hmacKey(String secret) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("setting " + Settings.Key.TOKEN_SECRET.settingName() + " / "
                    + Settings.Key.TOKEN_SECRET.environmentName() + " has " + bytes.length + " bytes; an HS256 secret "
                    + "needs at least " + MIN_SECRET_BYTES + " (e.g. the output of: openssl rand -base64 32)");
        }
        return new SecretKeySpec(bytes, "HmacSHA256");
    }

    /** The JWKS key selector, or null without {@code tokenJwksUrl}. */
    private static JWSVerificationKeySelector<SecurityContext> jwks(Settings settings) {
        String url = settings.get(Settings.Key.TOKEN_JWKS_URL);
        if (url.isEmpty()) {
            return null;
        }
        URL location;
        try {
            URI uri = new URI(url);
            if (!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme())) {
                throw new IllegalArgumentException("not http(s)");
            }
            location = uri.toURL();
        } catch (Exception e) {
            throw new IllegalArgumentException("setting " + Settings.Key.TOKEN_JWKS_URL.settingName() + " / "
                    + Settings.Key.TOKEN_JWKS_URL.environmentName() + " must be an http(s) URL, not \""
                    + Settings.maskUrl(url) + "\"");
        }
        int timeout = Math.max(1, settings.getInt(Settings.Key.TOKEN_JWKS_TIMEOUT_MS));
        long cacheMs = Math.max(2 * JWKS_MIN_INTERVAL_MS, settings.getLong(Settings.Key.TOKEN_JWKS_CACHE_MS));
        JWKSource<SecurityContext> source = JWKSourceBuilder
                .<SecurityContext>create(location, new DefaultResourceRetriever(timeout, timeout, MAX_JWKS_BYTES))
                .cache(cacheMs, 2L * timeout + 500)
                .refreshAheadCache(false)
                .rateLimited(JWKS_MIN_INTERVAL_MS)
                .outageTolerant(10 * cacheMs)
                .retrying(false)
                .build();
        return new JWSVerificationKeySelector<>(ASYMMETRIC, source);
    }

    /** HS256 → the secret; an asymmetric algorithm → the JWKS; anything else (none, HS384 …) → no key. */
    private static JWSKeySelector<SecurityContext> selector(SecretKey hmac,
                                                           JWSVerificationKeySelector<SecurityContext> jwks) {
        return (header, context) -> {
            JWSAlgorithm alg = header.getAlgorithm();
            if (JWSAlgorithm.HS256.equals(alg) && hmac != null) {
                return List.<Key>of(hmac);
            }
            if (jwks != null && ASYMMETRIC.contains(alg)) {
                return jwks.selectJWSKeys(header, context);
            }
            return List.of();
        };
    }

    Identity verify(String token) throws Refusal {
        if (!enabled) {
            throw Refusal.unauthorized("tokens are not accepted: neither tokenSecret nor tokenJwksUrl is configured");
        }
        if (token.length() > MAX_TOKEN_CHARS || !strictParts(token, 3)) {
            throw Refusal.unauthorized("malformed token");
        }
        JWTClaimsSet claims;
        Map<String, Object> raw; // the claims as sent: the library's view turns "sub":7 into "7"
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            claims = processor.process(jwt, null);
            raw = jwt.getPayload().toJSONObject();
        } catch (ExpiredJWTException e) {
            throw Refusal.unauthorized("token expired");
        } catch (BadJWTException e) {
            throw Refusal.unauthorized(claimProblem(e.getMessage()));
        } catch (BadJWSException e) {
            throw Refusal.unauthorized("bad token signature");
        } catch (KeySourceException e) {
            LOG.log(Level.WARNING, "token keys could not be fetched from {0}: {1}", "tokenJwksUrl",
                    LogSafe.text(e.getMessage()));
            throw Refusal.unauthorized("token keys unavailable");
        } catch (BadJOSEException e) {
            throw Refusal.unauthorized("token not accepted: unknown key or algorithm");
        } catch (Exception e) { // ParseException, JOSEException, and whatever odd claim values make of the parser
            throw Refusal.unauthorized("malformed token");
        }
        return identity(claims, raw);
    }

    private static String claimProblem(String message) {
        String m = message == null ? "" : message;
        if (m.contains("before use time")) {
            return "token not valid yet";
        }
        if (m.contains("aud")) {
            return "token audience not accepted";
        }
        if (m.contains("iss")) {
            return "token issuer not accepted";
        }
        if (m.contains("missing required claims")) {
            return "token lacks exp or its user claim";
        }
        return "token claims not accepted";
    }

    private Identity identity(JWTClaimsSet claims, Map<String, Object> all) throws Refusal {
        for (String time : new String[] {"exp", "nbf", "iat"}) {
            // "nbf":null is no "not before", and 1e300 is no time: the library would read both as long ago
            if (all.containsKey(time) && !(all.get(time) instanceof Number n
                    && n.doubleValue() >= 0 && n.doubleValue() <= LATEST_TIME)) {
                throw Refusal.unauthorized("malformed token: " + time + " must be a time in seconds");
            }
        }
        if (!(all.get(userClaim) instanceof String user) || user.isBlank() || !Names.isUser(user)) {
            throw Refusal.unauthorized("token user (" + userClaim + ") must be " + Names.USER_RULE);
        }
        if (Names.inGuestSpace(user)) {
            throw Refusal.unauthorized("token user must not start with " + Names.GUEST_PREFIX);
        }
        Date exp = claims.getExpirationTime();
        if (exp == null) { // "exp":null passes the library's check for required claims
            throw Refusal.unauthorized("token lacks exp or its user claim");
        }
        Instant expires = Instant.ofEpochMilli(exp.getTime()); // the leeway is for admission; a connection ends at exp
        return new Identity(user, Identity.Source.TOKEN, expires, patterns(all, "rooms"), patterns(all, "topics"));
    }

    /** An optional restriction claim: absent = no restriction; anything but an array of names refuses the token. */
    private static Set<String> patterns(Map<String, Object> claims, String name) throws Refusal {
        if (!claims.containsKey(name)) {
            return null;
        }
        if (!(claims.get(name) instanceof List<?> list) || list.size() > MAX_CLAIM_PATTERNS) {
            throw Refusal.unauthorized("token claim " + name + " must be an array of names");
        }
        Set<String> out = new LinkedHashSet<>();
        for (Object item : list) {
            if (!(item instanceof String s) || s.isEmpty() || s.length() > 130) {
                throw Refusal.unauthorized("token claim " + name + " must be an array of names");
            }
            out.add(s);
        }
        return out;
    }

    /** {@code count} dot-separated parts of base64url, each spelled the one canonical way (no '=', no spare bits). */
    static boolean strictParts(String token, int count) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != count) {
            return false;
        }
        for (String part : parts) {
            if (!BASE64URL.matcher(part).matches()) {
                return false;
            }
            try {
                if (!part.equals(ENCODER.encodeToString(Base64.getUrlDecoder().decode(part)))) {
                    return false;
                }
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return true;
    }

    /** An HS256 token with {@code sub} and {@code exp} (tests, the demo, applications minting tokens). */
    static String sign(String secret, String subject, Instant expires) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
                    new JWTClaimsSet.Builder().subject(subject).expirationTime(Date.from(expires)).build());
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalArgumentException("cannot sign with this secret: " + e.getMessage(), e);
        }
    }
}

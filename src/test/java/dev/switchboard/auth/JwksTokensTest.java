package dev.switchboard.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.testing.Hubs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RS256 / ES256 tokens of an OpenID Connect provider, verified against its JWKS, which this test serves itself over
 * HTTP (a JDK HttpServer): keys are picked by kid, cached (one fetch for many handshakes), rotated (a new kid is
 * fetched), and while the JWKS is down the cached keys keep working and an unknown kid is a clean, prompt 401.
 */
class JwksTokensTest {

    private HttpServer server;
    private final AtomicReference<String> served = new AtomicReference<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private RSAKey rsa1;
    private RSAKey rsa2;
    private ECKey ec1;

    @BeforeEach
    void serveJwks() throws Exception {
        rsa1 = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        rsa2 = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
        ec1 = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        served.set(jwks(rsa1, ec1));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/jwks", exchange -> {
            fetches.incrementAndGet();
            byte[] body = served.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static String jwks(JWK... keys) {
        return new JWKSet(List.of(keys)).toPublicJWKSet().toString();
    }

    private Authenticator authenticator(Map<String, String> more) {
        Map<String, String> settings = new java.util.HashMap<>(more);
        settings.put("tokenJwksUrl", "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks");
        settings.put("tokenJwksTimeoutMs", "1000");
        return new Authenticator(Hubs.settings(settings), Clock.systemUTC());
    }

    static String rs256(RSAKey key, String subject) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims(subject));
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static String es256(ECKey key, String subject) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                claims(subject));
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    private static JWTClaimsSet claims(String subject) {
        return new JWTClaimsSet.Builder().subject(subject).issuer("https://idp.example").audience("switchboard")
                .expirationTime(Date.from(Instant.now().plusSeconds(300))).build();
    }

    @Test
    void tokensOfTheProviderAreVerifiedByKidAndTheJwksIsFetchedOnceForManyHandshakes() throws Exception {
        Authenticator auth = authenticator(Map.of("tokenIssuer", "https://idp.example", "tokenAudience", "switchboard"));
        for (int i = 0; i < 5; i++) {
            assertEquals("rita", auth.verify(rs256(rsa1, "rita")).user());
            assertEquals("emil", auth.verify(es256(ec1, "emil")).user());
        }
        assertEquals(1, fetches.get(), "cached: not fetched per handshake");
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("rsa-1").generate(); // a known kid, another key
        assertEquals(401, assertThrows(Refusal.class, () -> auth.verify(rs256(stranger, "rita"))).status());
        assertEquals(401, assertThrows(Refusal.class, () -> auth.verify(TokenVerifierTest.hs256(
                "a-secret-that-is-long-enough-for-hs256", "{\"alg\":\"HS256\"}", "{\"sub\":\"x\",\"exp\":9999999999}")))
                .status(), "HS256 without a tokenSecret");
    }

    @Test
    void aRotatedKeyIsFetchedByItsKidAndAnOutageKeepsTheCachedKeys() throws Exception {
        Authenticator auth = authenticator(Map.of());
        auth.verify(rs256(rsa1, "rita"));
        served.set(jwks(rsa1, rsa2)); // the provider rotates: a new key, published beside the old one
        assertEquals("rita", auth.verify(rs256(rsa2, "rita")).user(), "a new kid is fetched at once");
        assertEquals(2, fetches.get());

        server.stop(0); // the JWKS is down
        assertEquals("rita", auth.verify(rs256(rsa1, "rita")).user(), "cached keys keep working");
        assertEquals("rita", auth.verify(rs256(rsa2, "rita")).user());
        RSAKey rsa3 = new RSAKeyGenerator(2048).keyID("rsa-3").generate();
        long start = System.nanoTime();
        Refusal refused = assertThrows(Refusal.class, () -> auth.verify(rs256(rsa3, "rita")));
        assertEquals(401, refused.status());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 5_000,
                "bounded by tokenJwksTimeoutMs, not stuck");
    }

    @Test
    void aJwksThatWasNeverReachableRefusesCleanly() throws Exception {
        server.stop(0);
        Authenticator auth = authenticator(Map.of());
        long start = System.nanoTime();
        Refusal refused = assertThrows(Refusal.class, () -> auth.verify(rs256(rsa1, "rita")));
        assertEquals(401, refused.status());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 5_000);
    }

    @Test
    void aJwksUrlThatIsNotHttpStopsTheStart() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Authenticator(
                Hubs.settings(Map.of("tokenJwksUrl", "file:///etc/passwd")), Clock.systemUTC()));
        assertTrue(e.getMessage().contains("tokenJwksUrl"), e.getMessage());
    }
}

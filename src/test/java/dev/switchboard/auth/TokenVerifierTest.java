package dev.switchboard.auth;

import dev.switchboard.protocol.CloseCode;
import dev.switchboard.testing.Hubs;
import dev.switchboard.testing.MutableClock;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * HS256 tokens as a hostile client may shape them: every odd one is a clean 401 / 4401 refusal (a {@link Refusal}),
 * never another exception, and nothing but a well-formed token with sane claims is accepted.
 */
class TokenVerifierTest {

    static final String SECRET = AuthenticatorTest.SECRET;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final String HS256 = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

    private final MutableClock clock = new MutableClock();

    private Authenticator auth(Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(more);
        settings.put("tokenSecret", SECRET);
        return new Authenticator(Hubs.settings(settings), clock);
    }

    private long now() {
        return clock.millis() / 1000;
    }

    /** A compact JWS over exactly these JSON texts, signed with {@code key}. */
    static String hs256(String key, String header, String claims) {
        String input = B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private String token(String claims) {
        return hs256(SECRET, HS256, claims);
    }

    private static Refusal refused(Authenticator auth, String token) {
        Refusal r = assertThrows(Refusal.class, () -> auth.verify(token), token);
        assertEquals(401, r.status());
        assertEquals(CloseCode.UNAUTHORIZED, r.code());
        return r;
    }

    @Test
    void aWellFormedTokenIsAccepted() throws Exception {
        Identity tess = auth(Map.of()).verify(token("{\"sub\":\"tess\",\"exp\":" + (now() + 60) + "}"));
        assertEquals("tess", tess.user());
        assertEquals(Identity.Source.TOKEN, tess.source());
        assertEquals(now() + 60, tess.expires().getEpochSecond());
        assertNull(tess.rooms());
    }

    @Test
    void oddExpAndNbfValuesAreCleanRefusals() {
        Authenticator auth = auth(Map.of());
        for (String exp : new String[] {"\"tomorrow\"", "null", "true", "{}", "[1]", "-1", "0", "1.5", "1e300",
                "-1e300", "9223372036854775807", "99999999999999999999999999", "1e-300"}) {
            refused(auth, token("{\"sub\":\"tess\",\"exp\":" + exp + "}"));
        }
        for (String nbf : new String[] {"\"now\"", "null", "1e300", "9223372036854775807", "" + (now() + 3600)}) {
            refused(auth, token("{\"sub\":\"tess\",\"exp\":" + (now() + 60) + ",\"nbf\":" + nbf + "}"));
        }
        refused(auth, token("{\"sub\":\"tess\"}"));
        refused(auth, token("{\"exp\":" + (now() + 60) + "}"));
        refused(auth, token("[]"));
        refused(auth, token("not json"));
    }

    @Test
    void theLeewayToleratesClockSkewOnly() throws Exception {
        Authenticator auth = auth(Map.of("tokenLeewayMs", "30000"));
        auth.verify(token("{\"sub\":\"tess\",\"exp\":" + (now() - 20) + "}"));
        auth.verify(token("{\"sub\":\"tess\",\"exp\":" + (now() + 60) + ",\"nbf\":" + (now() + 20) + "}"));
        assertEquals("token expired", refused(auth, token("{\"sub\":\"tess\",\"exp\":" + (now() - 40) + "}")).getMessage());
        refused(auth, token("{\"sub\":\"tess\",\"exp\":" + (now() + 60) + ",\"nbf\":" + (now() + 40) + "}"));
    }

    @Test
    void malformedRoomAndTopicClaimsRefuseTheToken() throws Exception {
        Authenticator auth = auth(Map.of());
        for (String claim : new String[] {"\"lobby\"", "null", "{}", "{\"lobby\":true}", "[1]", "[null]", "[\"\"]",
                "[[\"lobby\"]]", "true", "7"}) {
            refused(auth, token("{\"sub\":\"lim\",\"exp\":" + (now() + 60) + ",\"rooms\":" + claim + "}"));
            refused(auth, token("{\"sub\":\"lim\",\"exp\":" + (now() + 60) + ",\"topics\":" + claim + "}"));
        }
        Identity lim = auth.verify(token("{\"sub\":\"lim\",\"exp\":" + (now() + 60)
                + ",\"rooms\":[\"team-*\"],\"topics\":[]}"));
        assertEquals(Set.of("team-*"), lim.rooms());
        assertEquals(Set.of(), lim.topics(), "an empty list allows nothing");
    }

    @Test
    void onlyTheOneCanonicalSpellingOfATokenIsAccepted() throws Exception {
        Authenticator auth = auth(Map.of());
        String good = token("{\"sub\":\"tess\",\"exp\":" + (now() + 60) + "}");
        auth.verify(good);
        String[] parts = good.split("\\.");
        String signature = parts[2]; // 32 bytes: 43 characters, the last one carrying two spare bits
        char last = signature.charAt(42);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char sibling = alphabet.charAt(alphabet.indexOf(last) ^ 1); // same 4 data bits, a spare bit set
        refused(auth, parts[0] + "." + parts[1] + "." + signature.substring(0, 42) + sibling);
        refused(auth, good + "=");
        refused(auth, parts[0] + "=." + parts[1] + "." + parts[2]);
        refused(auth, parts[0] + "." + parts[1] + "." + parts[2].replace('-', '+').replace('_', '/'));
        refused(auth, good + ".");
        refused(auth, " " + good);
        refused(auth, parts[0] + "." + parts[1] + ".");
        refused(auth, "x".repeat(20_000));
    }

    @Test
    void otherAlgorithmsUnknownCritAndForeignKeysAreRefused() {
        Authenticator auth = auth(Map.of());
        String claims = "{\"sub\":\"tess\",\"exp\":" + (now() + 60) + "}";
        refused(auth, hs256(SECRET, "{\"alg\":\"HS256\",\"crit\":[\"x-unknown\"],\"x-unknown\":1}", claims));
        refused(auth, hs256(SECRET, "{\"alg\":\"HS512\"}", claims));
        refused(auth, hs256(SECRET, "{\"alg\":\"none\"}", claims));
        refused(auth, hs256(SECRET, "{\"alg\":\"RS256\"}", claims));
        refused(auth, B64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".");
        refused(auth, hs256(SECRET, "{\"alg\":\"HS256\",\"typ\":\"JOSE+JSON\"}", claims));
    }

    @Test
    void audienceAndIssuerAreCheckedWhenConfigured() throws Exception {
        Authenticator auth = auth(Map.of("tokenAudience", "switchboard,chat", "tokenIssuer", "https://idp.example"));
        long exp = now() + 60;
        auth.verify(token("{\"sub\":\"t\",\"exp\":" + exp + ",\"aud\":\"chat\",\"iss\":\"https://idp.example\"}"));
        auth.verify(token("{\"sub\":\"t\",\"exp\":" + exp + ",\"aud\":[\"x\",\"switchboard\"],\"iss\":\"https://idp.example\"}"));
        refused(auth, token("{\"sub\":\"t\",\"exp\":" + exp + ",\"iss\":\"https://idp.example\"}"));
        refused(auth, token("{\"sub\":\"t\",\"exp\":" + exp + ",\"aud\":\"other\",\"iss\":\"https://idp.example\"}"));
        refused(auth, token("{\"sub\":\"t\",\"exp\":" + exp + ",\"aud\":\"chat\"}"));
        refused(auth, token("{\"sub\":\"t\",\"exp\":" + exp + ",\"aud\":\"chat\",\"iss\":\"https://evil.example\"}"));
        auth(Map.of()).verify(token("{\"sub\":\"t\",\"exp\":" + exp + ",\"aud\":\"anything\",\"iss\":\"any\"}"));
    }

    @Test
    void subjectsWithControlOrBidiCharactersAreRefused() throws Exception {
        Authenticator auth = auth(Map.of());
        long exp = now() + 60;
        for (String sub : new String[] {"alice\\r\\nINFO: forged line", "alice\\u0000", "\\u202Eecila", "a\\u2066b",
                "a\\u0085b", "", " ", "guest:alice", "x".repeat(129)}) {
            refused(auth, token("{\"sub\":\"" + sub + "\",\"exp\":" + exp + "}"));
        }
        refused(auth, token("{\"sub\":7,\"exp\":" + exp + "}"));
        assertEquals("名前 ok", auth.verify(token("{\"sub\":\"名前 ok\",\"exp\":" + exp + "}")).user());
    }

    @Test
    void theUserClaimCanBeAnotherClaim() throws Exception {
        Authenticator auth = auth(Map.of("tokenUserClaim", "preferred_username"));
        long exp = now() + 60;
        assertEquals("tess", auth.verify(token("{\"sub\":\"f81d4fae\",\"preferred_username\":\"tess\",\"exp\":" + exp
                + "}")).user());
        refused(auth, token("{\"sub\":\"f81d4fae\",\"exp\":" + exp + "}"));
    }

    @Test
    void withoutSecretOrJwksTokensAreRefused() {
        refused(new Authenticator(Hubs.settings(Map.of()), clock),
                token("{\"sub\":\"tess\",\"exp\":" + (now() + 60) + "}"));
    }
}

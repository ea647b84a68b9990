package dev.switchboard.auth;

import dev.switchboard.testing.Hubs;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client's address: X-Forwarded-For is read only from trusted proxies, from the right. */
class TrustedProxiesTest {

    private static TrustedProxies proxies(String value) {
        return new TrustedProxies(Hubs.settings(Map.of("trustedProxies", value)));
    }

    @Test
    void withoutTrustedProxiesTheHeaderIsIgnored() {
        assertEquals("127.0.0.1", proxies("").client("127.0.0.1", List.of("203.0.113.7")));
    }

    @Test
    void theRightMostHopThatIsNotATrustedProxyIsTheClient() {
        TrustedProxies p = proxies("127.0.0.1, 10.0.0.0/8, ::1");
        assertEquals("203.0.113.7", p.client("127.0.0.1", List.of("203.0.113.7")));
        assertEquals("203.0.113.7", p.client("127.0.0.1", List.of("6.6.6.6, 203.0.113.7, 10.1.2.3")),
                "hops left of the first untrusted one were written by the client");
        assertEquals("203.0.113.7", p.client("127.0.0.1", List.of("6.6.6.6", "203.0.113.7")), "two header lines");
        assertEquals("198.51.100.1", p.client("198.51.100.1", List.of("203.0.113.7")), "an untrusted peer");
        assertEquals("10.1.2.3", p.client("127.0.0.1", List.of("10.1.2.3")), "only proxies: the left-most");
        assertEquals("127.0.0.1", p.client("127.0.0.1", List.of()), "no header");
        assertEquals("10.0.0.9", p.client("127.0.0.1", List.of("evil.example, 10.0.0.9")),
                "a hop that is no IP literal ends the walk at the last trusted hop");
        assertEquals("2001:db8:0:0:0:0:0:1", p.client("0:0:0:0:0:0:0:1", List.of("[2001:db8::1]")));
        assertEquals("203.0.113.7", p.client("::1", List.of("203.0.113.7:5443")), "an IPv4 hop with a port");
        assertEquals("127.0.0.1", p.client("127.0.0.1", List.of("999.1.1.1")), "not an address");
    }

    @Test
    void entriesThatAreNotAddressesStopTheStart() {
        for (String bad : new String[] {"proxy.example", "10.0.0.0/33", "10.0.0.0/x", "1.2.3"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> proxies(bad));
            assertTrue(e.getMessage().contains("trustedProxies"), e.getMessage());
        }
    }
}

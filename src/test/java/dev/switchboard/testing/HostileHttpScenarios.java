package dev.switchboard.testing;

import jakarta.json.JsonObject;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What hostile or broken HTTP requests get (issue 13, item 4), with a plain socket that sends half requests
 * and bodies that never come. Run against the standalone runner and the WAR in Tomcat and Payara, all started with
 * {@link #SETTINGS} and a publisher key.
 */
public final class HostileHttpScenarios {

    /** A short body timeout, so that a stalled body shows quickly. */
    public static final Map<String, String> SETTINGS = Map.of("apiReadTimeoutMs", "1500", "statsIntervalMs", "0",
            "demoIntervalMs", "0");
    private static final Duration T = Duration.ofSeconds(5);

    private final URI base;
    private final String key;

    public HostileHttpScenarios(URI base, String publisherKey) {
        this.base = base;
        this.key = publisherKey;
    }

    private String request(String method, String path, String key, int declared, String sent) {
        return method + " " + base.getPath() + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                + "\r\nContent-Type: application/json\r\n" + (key == null ? "" : "Authorization: Bearer " + key + "\r\n")
                + (declared >= 0 ? "Content-Length: " + declared + "\r\n" : "") + "\r\n" + sent;
    }

    private static String body(String response) {
        int at = response.indexOf("\r\n\r\n");
        return at < 0 ? "" : response.substring(at + 4);
    }

    /**
     * A POST without the key is answered 401 at once, though only 1 of its 1000 declared bytes came, and its
     * connection is closed (nobody waits for the rest); one declaring more than maxMessageBytes gets 413 likewise.
     *
     * @param closes whether the server is expected to close the connection (Payara keeps it to skip the body)
     */
    public void aPostIsRefusedBeforeItsBodyArrives(boolean closes) throws Exception {
        try (RawHttp http = RawHttp.connect(base)) {
            http.send(request("POST", "api/topics/slow", null, 1000, "{"));
            String response = http.read(T);
            assertTrue(response.startsWith("HTTP/1.1 401"), "answered without waiting for the 999 bytes: " + response);
            assertEquals("unauthorized", Scenarios.json(body(response)).getString("error"));
            if (closes) {
                assertTrue(http.awaitEnd(T), "and the connection closed: its body is never read");
            }
        }
        try (RawHttp http = RawHttp.connect(base)) {
            http.send(request("POST", "api/topics/slow", key, 10_000_000, "{"));
            assertEquals(413, http.status(T), "a declared body over maxMessageBytes is not read");
        }
    }

    /** An authorised POST whose body stalls gets 408 after apiReadTimeoutMs (1500 ms) and its connection closed. */
    public void aStalledBodyGets408AfterApiReadTimeoutMs() throws Exception {
        try (RawHttp http = RawHttp.connect(base)) {
            long start = System.nanoTime();
            http.send(request("POST", "api/topics/slow", key, 20, "{\"half\":"));
            String response = http.read(Duration.ofSeconds(10));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(response.startsWith("HTTP/1.1 408"), response);
            assertEquals("timeout", Scenarios.json(body(response)).getString("error"));
            assertTrue(ms >= 1400 && ms < 8000, "after apiReadTimeoutMs (1500): " + ms);
            assertTrue(http.awaitEnd(T), "and the connection closed");
        }
    }
}

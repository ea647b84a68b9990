package dev.switchboard.testing;

import jakarta.json.JsonObject;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What hostile or broken HTTP requests get (issue 13, items 4 and 13), with a plain socket that sends half requests
 * and bodies that never come. Run against the standalone runner and the WAR in Tomcat and Payara, all started with
 * {@link #SETTINGS} and a publisher key.
 */
public final class HostileHttpScenarios {

    /** A short body timeout, so that a stalled body shows quickly. */
    public static final Map<String, String> SETTINGS = Map.of("apiReadTimeoutMs", "1500", "statsIntervalMs", "0",
            "demoIntervalMs", "0");
    private static final Duration T = Duration.ofSeconds(5);
    /** Deeper than JSON-P's (Parsson's) limit of 1000 levels. */
    static final String DEEP = "[".repeat(3000) + "]".repeat(3000);

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
        // Some of the body, none of it, all of it: the refusal never waits for the rest, and the server does not
        // hold the connection for a body it will not read (ApiServlet completes a refused request at the read
        // listener's first callback where some body is there, at once where none is).
        String whole = "{\"text\":\"" + "x".repeat(989) + "\"}";
        for (String sent : new String[] {"{", "", whole}) {
            try (RawHttp http = RawHttp.connect(base)) {
                http.send(request("POST", "api/topics/slow", null, 1000, sent));
                String response = http.read(T);
                assertTrue(response.startsWith("HTTP/1.1 401"),
                        "answered without waiting for the rest (" + sent.length() + " of 1000 bytes sent): " + response);
                assertEquals("unauthorized", Scenarios.json(body(response)).getString("error"));
                if (closes) {
                    assertTrue(http.awaitEnd(T), "and the connection closed: its body is never read ("
                            + sent.length() + " of 1000 bytes sent)");
                }
            }
        }
        try (RawHttp http = RawHttp.connect(base)) {
            http.send(request("POST", "api/topics/slow", key, 10_000_000, "{"));
            assertEquals(413, http.status(T), "a declared body over maxMessageBytes is not read");
        }
    }

    /**
     * An authorised POST whose body stalls gets 408 after apiReadTimeoutMs (1500 ms) and its connection closed.
     *
     * @param closes whether the server is expected to close the connection (Payara keeps it to skip the body)
     */
    public void aStalledBodyGets408AfterApiReadTimeoutMs(boolean closes) throws Exception {
        try (RawHttp http = RawHttp.connect(base)) {
            long start = System.nanoTime();
            http.send(request("POST", "api/topics/slow", key, 20, "{\"half\":"));
            String response = http.read(Duration.ofSeconds(10));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(response.startsWith("HTTP/1.1 408"), response);
            assertEquals("timeout", Scenarios.json(body(response)).getString("error"));
            assertTrue(ms >= 1400 && ms < 8000, "after apiReadTimeoutMs (1500): " + ms);
            if (closes) {
                assertTrue(http.awaitEnd(T), "and the connection closed");
            }
        }
    }

    /** A bad % escape in the query string: 401 without the key, 400 with it; JSON either way, never a 500. */
    public void aBadPercentEscapeInTheQueryGets400() throws Exception {
        aBadPercentEscapeInTheQueryGets400(false);
    }

    /**
     * @param containerRefuses the container's HTTP parser refuses a malformed escape itself, before any application
     *     code, with or without the key (Undertow in WildFly: 400 with an empty body): then that 400, showing nothing;
     *     escapes of bytes that are not UTF-8 reach the application there too
     */
    public void aBadPercentEscapeInTheQueryGets400(boolean containerRefuses) throws Exception {
        for (String query : new String[] {"since=%zz", "since=1%", "%", "limit=%E2%82"}) {
            if (containerRefuses && !query.startsWith("limit")) {
                for (String k : new String[] {null, key}) {
                    String refused = get("api/topics/news?" + query, k);
                    assertTrue(refused.startsWith("HTTP/1.1 400"), query + ": " + refused);
                    assertEquals("", body(refused), query + ": " + refused);
                }
                continue;
            }
            String anonymous = get("api/topics/news?" + query, null);
            assertTrue(anonymous.startsWith("HTTP/1.1 401"), query + ": " + anonymous);
            String keyed = get("api/topics/news?" + query, key);
            assertTrue(keyed.startsWith("HTTP/1.1 400"), query + ": " + keyed);
            assertEquals("invalid", Scenarios.json(body(keyed)).getString("error"));
        }
    }

    /** A GET sent as it is (java.net.URI refuses bad escapes), answered whole. */
    private String get(String path, String key) throws Exception {
        try (RawHttp http = RawHttp.connect(base)) {
            http.send("GET " + base.getPath() + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\n" + (key == null ? "" : "Authorization: Bearer " + key + "\r\n") + "Connection: close\r\n\r\n");
            return http.read(T);
        }
    }

    /** JSON nested deeper than the parser allows: 400 bad_json over HTTP, a bad_json frame over WebSocket. */
    public void deeplyNestedJsonGetsBadJson() throws Exception {
        Http.Reply reply = Http.post(base.resolve("api/topics/deep"), key, DEEP);
        assertEquals(400, reply.status(), reply.body());
        assertEquals("bad_json", Scenarios.json(reply.body()).getString("error"));
        reply = Http.post(base.resolve("api/topics/deep"), key, "{\"a\":" + DEEP + "}");
        assertEquals(400, reply.status(), reply.body());
        try (RawWebSocket ws = RawWebSocket.open(URI.create(Scenarios.ws(base, "ws/chat") + "?name=deep"), T)) {
            assertTrue(ws.awaitText(T).get(0).startsWith("{\"type\":\"welcome\""));
            for (String text : new String[] {DEEP, "{\"type\":\"say\",\"room\":\"x\",\"text\":" + DEEP + "}"}) {
                ws.sendText(text);
                JsonObject error = Scenarios.json(ws.awaitLine(T));
                assertEquals("error", error.getString("type"));
                assertEquals("bad_json", error.getString("code"));
            }
            ws.sendText("{\"type\":\"ping\"}");
            assertEquals("pong", Scenarios.json(ws.awaitLine(T)).getString("type"));
        }
    }

    /**
     * Error pages name the status only: no stack trace, no server name or version (in the page or a header).
     *
     * @param path a path that answers an error from this server (not the API's JSON errors)
     * @param headersToo whether no header may name the server either
     */
    public void errorPagesShowNoTraceNorVersion(String path, int status, boolean headersToo) throws Exception {
        try (RawHttp http = RawHttp.connect(base)) {
            http.send("GET " + base.getPath() + path + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\nConnection: close"
                    + "\r\n\r\n");
            String response = http.read(T);
            assertTrue(response.startsWith("HTTP/1.1 " + status), response);
            String lower = (headersToo ? response : body(response)).toLowerCase(Locale.ROOT);
            for (String banner : new String[] {"grizzly", "tomcat", "payara", "glassfish", "tyrus", "exception",
                    "\tat ", "server:", "x-powered-by"}) {
                assertFalse(lower.contains(banner), "'" + banner + "' in " + response);
            }
        }
    }
}

package dev.switchboard.web;

import dev.switchboard.metrics.SwitchboardMetrics;
import dev.switchboard.store.Appended;
import dev.switchboard.store.Entry;
import dev.switchboard.protocol.Names;
import dev.switchboard.settings.Settings;
import dev.switchboard.store.Slice;
import dev.switchboard.store.StoreOutcomeUnknownException;
import dev.switchboard.store.StoreUnavailableException;
import dev.switchboard.Switchboard;
import dev.switchboard.core.Trace;
import dev.switchboard.protocol.Wire;
import dev.switchboard.LiveDatabase;
import dev.switchboard.protocol.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The HTTP API (docs/protocol.md, "HTTP API"), independent of any server: the servlet and the standalone runner's
 * Grizzly handler only copy requests in and responses out.
 * <ul>
 *   <li>{@code POST /api/topics/{topic}} with a JSON body and {@code Authorization: Bearer <publisherKey>} → 202
 *       {@code {"topic":…,"offset":…,"epoch":…}}</li>
 *   <li>{@code GET /api/topics/{topic}?since=N&limit=M} (same key) → 200 {@code {"topic":…,"epoch":…,"notifications":[…]}}</li>
 *   <li>{@code GET /api/health} → 200 {@code {"status":"UP"}} (or {@code DEGRADED}); with the publisher key also
 *       {@code backplane} (the reason) and {@code connections}</li>
 *   <li>{@code GET /api/stats} → 200 counters</li>
 *   <li>{@code /api/admin/*} with {@code Authorization: Bearer <adminKey>}: the admin view ({@link AdminApi})</li>
 *   <li>{@code GET /api/tables} → 200 the watched database tables (no key needed)</li>
 *   <li>{@code GET /api/metrics} with {@code Authorization: Bearer <metricsKey or publisherKey>} → 200 Prometheus
 *       text ({@link SwitchboardMetrics#CONTENT_TYPE})</li>
 * </ul>
 * Errors are JSON: {@code {"error":"bad_json","message":"…"}}.
 */
public final class HttpApi {

    /** A response: status, body and its content type (JSON unless said otherwise). */
    public record Response(int status, String json, String contentType) {
        public Response(int status, String json) {
            this(status, json, "application/json");
        }
    }

    private final Switchboard switchboard;
    private final AdminApi admin;

    public HttpApi(Switchboard switchboard) {
        this.switchboard = switchboard;
        this.admin = new AdminApi(switchboard);
    }

    /** Largest accepted request body; the adapters stop reading beyond it and answer 413. */
    public int maxBodyBytes() {
        return switchboard.settings().getInt(Settings.Key.MAX_MESSAGE_BYTES);
    }

    /**
     * Whether the answer to this request depends on its body: only an authorised POST to a valid topic that may be
     * published to does. The adapters read a body only then, and only after asking (so method, path and key are
     * checked before any byte of it is read); every other request is answered by {@link #serve} without its body (an
     * empty one), and its connection is closed where a body was declared but not read.
     */
    public boolean wantsBody(String method, String path, String authorization) {
        String p = path == null ? "" : path;
        String topic = p.startsWith("/topics/") ? p.substring("/topics/".length()) : null;
        return "POST".equals(method) && topic != null && Names.isTopic(topic) && !Names.isTableTopic(topic)
                && checkKey(authorization) == null;
    }

    /** {@link #serve} with the {@code Authorization} header as the only header. */
    public Response handle(String method, String path, String authorization, Map<String, String> query, byte[] body) {
        return serve(method, path, name -> "Authorization".equalsIgnoreCase(name) ? authorization : null, query, body);
    }

    /**
     * One request, as the adapters copy it in.
     *
     * @param path   the part after {@code /api}, e.g. {@code /topics/orders}
     * @param header the request's headers by name (case-insensitive): {@code Authorization}, and {@code traceparent}
     *               on a publish (docs/tracing.md)
     * @param query  the query string's parameters ({@link #parseQuery}); null when the query string was malformed
     * @param body   the request body, or null when it was larger than {@link #maxBodyBytes()}
     */
    public Response serve(String method, String path, Function<String, String> header, Map<String, String> query,
                          byte[] body) {
        String p = path == null || path.isEmpty() ? "/" : path;
        String authorization = header.apply("Authorization");
        if (p.equals("/admin") || p.startsWith("/admin/")) {
            return query == null ? malformedQuery()
                    : admin.handle(method, p.substring("/admin".length()), authorization, query);
        }
        if (p.equals("/health")) {
            return "GET".equals(method) ? health(keyMatches(authorization)) : notAllowed("GET");
        }
        if (p.equals("/stats")) {
            return "GET".equals(method) ? stats() : notAllowed("GET");
        }
        if (p.equals("/tables")) {
            return "GET".equals(method) ? tables() : notAllowed("GET");
        }
        if (p.equals("/metrics")) {
            return "GET".equals(method) ? metrics(authorization) : notAllowed("GET");
        }
        if (p.startsWith("/topics/")) {
            String topic = p.substring("/topics/".length());
            Response refused = checkKey(authorization);
            if (refused != null) {
                return refused;
            }
            if (!Names.isTopic(topic)) {
                return error(400, "invalid", "bad topic name: 1-64 letters, digits, '_', '.' or '-', optionally "
                        + "followed by ':' and a name (user:NAME)");
            }
            if ("POST".equals(method) && Names.isTableTopic(topic)) {
                return error(403, "forbidden", Names.TABLE_RULE);
            }
            return switch (method) {
                case "POST" -> publish(topic, body, header.apply("traceparent"));
                case "GET" -> read(topic, query);
                default -> notAllowed("GET, POST");
            };
        }
        return error(404, "not_found", "no such resource: /api" + p);
    }

    private Response checkKey(String authorization) {
        if (switchboard.settings().get(Settings.Key.PUBLISHER_KEY).isEmpty()) {
            return error(401, "unauthorized", "publishing over HTTP is disabled: set the publisherKey setting "
                    + "(system property switchboard.publisherKey or environment SWITCHBOARD_PUBLISHER_KEY) and send "
                    + "Authorization: Bearer <key>");
        }
        if (!keyMatches(authorization)) {
            return error(401, "unauthorized", "missing or wrong publisher key: send Authorization: Bearer <publisherKey>");
        }
        return null;
    }

    /** Whether {@code Authorization: Bearer <publisherKey>} was sent (never without a configured key). */
    private boolean keyMatches(String authorization) {
        return BearerKey.matches(switchboard.settings().get(Settings.Key.PUBLISHER_KEY), authorization);
    }

    /** The meters, to whoever presents the metrics key or the publisher key. */
    private Response metrics(String authorization) {
        String metricsKey = switchboard.settings().get(Settings.Key.METRICS_KEY);
        String publisherKey = switchboard.settings().get(Settings.Key.PUBLISHER_KEY);
        if (metricsKey.isEmpty() && publisherKey.isEmpty()) {
            return error(401, "unauthorized", "metrics are disabled: set the metricsKey setting (or publisherKey) and "
                    + "send Authorization: Bearer <key>");
        }
        if (!BearerKey.matches(metricsKey, authorization) && !BearerKey.matches(publisherKey, authorization)) {
            return error(401, "unauthorized", "missing or wrong key: send Authorization: Bearer <metricsKey>");
        }
        return new Response(200, switchboard.metrics().scrape(), SwitchboardMetrics.CONTENT_TYPE);
    }

    private Response publish(String topic, byte[] body, String traceparent) {
        if (body == null) {
            return error(413, "too_long", "the body is larger than " + maxBodyBytes() + " bytes (maxMessageBytes)");
        }
        JsonValue data;
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
            data = Wire.parseValue(text);
        } catch (CharacterCodingException | JsonException e) {
            return error(400, "bad_json", "the body must be JSON (UTF-8), nested at most 1000 levels deep");
        }
        try {
            Trace trace = Trace.accepted(traceparent, topic, "http"); // null when absent or invalid: sent untraced
            Appended appended = switchboard.publish(topic, data, trace);
            JsonObjectBuilder answer = Json.createObjectBuilder().add("topic", topic)
                    .add("offset", appended.entry().offset()).add("epoch", appended.epoch());
            if (trace != null) {
                answer.add("trace", trace.traceparent()); // validated: tells the caller it was carried
            }
            return new Response(202, answer.build().toString());
        } catch (StoreOutcomeUnknownException e) {
            return error(503, "unavailable", "the notification may still be stored and sent (the store did not "
                    + "answer in time): " + e.getMessage());
        } catch (StoreUnavailableException e) {
            return error(503, "unavailable", "the notification could not be stored and was not sent: " + e.getMessage());
        }
    }

    private Response read(String topic, Map<String, String> query) {
        if (query == null) {
            return malformedQuery();
        }
        long since;
        int limit;
        try {
            since = Long.parseLong(query.getOrDefault("since", "0"));
            limit = Integer.parseInt(query.getOrDefault("limit", "100"));
        } catch (NumberFormatException e) {
            return error(400, "invalid", "since and limit must be whole numbers");
        }
        if (since < 0 || limit < 1) {
            return error(400, "invalid", "since must be >= 0 and limit >= 1");
        }
        try {
            Slice slice = switchboard.hub().notifications(topic, since, limit);
            List<String> items = new ArrayList<>(slice.entries().size());
            for (Entry e : slice.entries()) {
                items.add(e.json());
            }
            String head = Json.createObjectBuilder().add("topic", topic).add("epoch", slice.epoch())
                    .add("offset", slice.head()).build().toString();
            return new Response(200, Wire.withRawField(head, "notifications", Wire.rawArray(items)));
        } catch (StoreUnavailableException e) {
            return error(503, "unavailable", "history cannot be read right now: " + e.getMessage());
        }
    }

    /**
     * The watched database tables, for pages that show them: {@code {"tables":[{"name":"orders","topic":"table:orders",
     * "key":["id"]}]}}. No key needed: whoever may subscribe to the topics may know their names.
     */
    private Response tables() {
        JsonArrayBuilder tables = Json.createArrayBuilder();
        LiveDatabase db = switchboard.database();
        for (String table : db == null ? List.<String>of() : db.tables()) {
            tables.add(Json.createObjectBuilder().add("name", table).add("topic", Names.TABLE_TOPIC_PREFIX + table)
                    .add("key", Json.createArrayBuilder(db.key(table))));
        }
        return new Response(200, Json.createObjectBuilder().add("tables", tables).build().toString());
    }

    /**
     * UP or DEGRADED for anyone (load balancers); what is wrong with the backplane (hosts, errors) and the connection
     * count only with the publisher key.
     */
    private Response health(boolean details) {
        String backplane = switchboard.health().toString();
        boolean up = "UP".equals(backplane);
        JsonObjectBuilder body = Json.createObjectBuilder().add("status", up ? "UP" : "DEGRADED");
        if (details) {
            body.add("backplane", backplane).add("connections", switchboard.stats().connections.get());
        }
        return new Response(200, body.build().toString());
    }

    private Response stats() {
        JsonObjectBuilder body = Json.createObjectBuilder();
        body.add("rooms", switchboard.hub().countChannels(dev.switchboard.store.ChannelId.Kind.ROOM));
        body.add("topics", switchboard.hub().countChannels(dev.switchboard.store.ChannelId.Kind.TOPIC));
        body.add("storedChannels", switchboard.hub().storedChannels());
        for (Map.Entry<String, Long> e : switchboard.stats().snapshot().entrySet()) {
            body.add(e.getKey(), e.getValue());
        }
        return new Response(200, body.build().toString());
    }

    private static Response notAllowed(String allowed) {
        return error(405, "method_not_allowed", "use " + allowed);
    }

    /**
     * {@code a=1&b=x%20y} → {a=1, b="x y"}; the first value of a repeated name wins. Null when the query string is not
     * valid URL encoding (a '%' without two hex digits): {@link #handle} answers that with 400, never an exception.
     */
    public static Map<String, String> parseQuery(String query) {
        Map<String, String> out = new java.util.HashMap<>();
        if (query == null || query.isEmpty()) {
            return out;
        }
        try {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.putIfAbsent(name, value);
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return out;
    }

    private static Response malformedQuery() {
        return error(400, "invalid", "the query string is not valid URL encoding (a '%' must be followed by two hex "
                + "digits)");
    }

    /** 408: the request did not arrive in time (its connection is closed). */
    public static Response timeout(String message) {
        return error(408, "timeout", message);
    }

    /** 503: the server cannot answer now. */
    public static Response unavailable(String message) {
        return error(503, "unavailable", message);
    }

    static Response error(int status, String code, String message) {
        return new Response(status, Json.createObjectBuilder().add("error", code).add("message", message).build().toString());
    }
}

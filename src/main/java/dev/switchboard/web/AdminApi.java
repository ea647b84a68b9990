package dev.switchboard.web;

import dev.switchboard.Switchboard;
import dev.switchboard.core.Admin;
import dev.switchboard.core.Overview;
import dev.switchboard.feeds.StatsFeed;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Wire;
import dev.switchboard.settings.Settings;
import dev.switchboard.store.StoreUnavailableException;
import dev.switchboard.protocol.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;

import java.io.StringReader;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The admin API, {@code /api/admin/*} (docs/admin.md), behind {@code Authorization: Bearer <adminKey>}; part of
 * {@link HttpApi}, so it is as server-independent. With no {@code adminKey} set every path answers 404, as if there
 * were no admin API; a wrong or missing key gets 401. What it shows is this node's (the one that answers), plus every
 * node's shared counters.
 * <ul>
 *   <li>{@code GET /api/admin/overview?limit=N} → this node's connections (user, address, endpoint, rooms, topics,
 *       queue depth), rooms with their users, topics with subscriber counts, per-node counters and cluster totals</li>
 *   <li>{@code GET /api/admin/rooms/{room}/messages?limit=N} → the room's latest messages in their current state</li>
 *   <li>{@code DELETE /api/admin/connections/{id}} → closes it with 4500 ("closed by an administrator")</li>
 *   <li>{@code DELETE /api/admin/rooms/{room}/messages/{id}} → removes the message for everyone (an {@code admin}
 *       delete event)</li>
 * </ul>
 */
final class AdminApi {

    static final int DEFAULT_LIMIT = 500;
    static final int MAX_LIMIT = 2000;
    static final int DEFAULT_MESSAGES = 20;

    private final Switchboard switchboard;

    AdminApi(Switchboard switchboard) {
        this.switchboard = switchboard;
    }

    /** @param path the part after {@code /api/admin}, e.g. {@code /overview} */
    HttpApi.Response handle(String method, String path, String authorization, Map<String, String> query) {
        String key = switchboard.settings().get(Settings.Key.ADMIN_KEY);
        if (key.isEmpty()) {
            return HttpApi.error(404, "not_found", "no such resource: /api/admin" + path);
        }
        if (!BearerKey.matches(key, authorization)) {
            return HttpApi.error(401, "unauthorized", "missing or wrong admin key: send Authorization: Bearer <adminKey>");
        }
        List<String> parts;
        try {
            parts = segments(path);
        } catch (IllegalArgumentException e) {
            return HttpApi.error(400, "invalid", "the path is not well-formed");
        }
        try {
            if (parts.equals(List.of("overview"))) {
                return "GET".equals(method) ? overview(query) : notAllowed("GET");
            }
            if (parts.size() == 2 && parts.get(0).equals("connections")) {
                return "DELETE".equals(method) ? close(parts.get(1)) : notAllowed("DELETE");
            }
            if (parts.size() == 3 && parts.get(0).equals("rooms") && parts.get(2).equals("messages")) {
                return "GET".equals(method) ? messages(parts.get(1), query) : notAllowed("GET");
            }
            if (parts.size() == 4 && parts.get(0).equals("rooms") && parts.get(2).equals("messages")) {
                return "DELETE".equals(method) ? remove(parts.get(1), parts.get(3)) : notAllowed("DELETE");
            }
        } catch (NumberFormatException e) {
            return HttpApi.error(400, "invalid", "limit must be a whole number");
        } catch (IllegalArgumentException e) {
            return HttpApi.error(400, "invalid", e.getMessage());
        } catch (StoreUnavailableException e) {
            return HttpApi.error(503, "unavailable", "the store cannot be reached right now; try again");
        }
        return HttpApi.error(404, "not_found", "no such resource: /api/admin" + path);
    }

    private Admin admin() {
        return switchboard.hub().admin();
    }

    private HttpApi.Response overview(Map<String, String> query) {
        Overview o = admin().overview(limit(query, DEFAULT_LIMIT, MAX_LIMIT));
        JsonArrayBuilder connections = Json.createArrayBuilder();
        for (Overview.ConnectionView c : o.connections()) {
            connections.add(Json.createObjectBuilder()
                    .add("id", c.id()).add("user", c.user()).add("address", c.address()).add("endpoint", c.endpoint())
                    .add("opened", Instant.ofEpochMilli(c.openedMillis()).toString())
                    .add("rooms", Json.createArrayBuilder(c.rooms())).add("topics", Json.createArrayBuilder(c.topics()))
                    .add("queuedFrames", c.queuedFrames()).add("queuedBytes", c.queuedBytes())
                    .add("sending", c.sending()));
        }
        Map<String, String> shared = switchboard.feeds().nodeCounters();
        JsonArrayBuilder nodes = Json.createArrayBuilder();
        shared.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            JsonObject counters = object(e.getValue());
            if (counters != null) {
                nodes.add(Json.createObjectBuilder(counters).add("node", e.getKey()));
            }
        });
        JsonObjectBuilder body = Json.createObjectBuilder()
                .add("node", o.node())
                .add("at", Instant.now().toString())
                .add("connections", connections)
                .add("rooms", channels(o.rooms()))
                .add("topics", channels(o.topics()))
                .add("truncated", o.truncated())
                .add("nodes", nodes)
                .add("cluster", StatsFeed.total(shared.values()));
        return new HttpApi.Response(200, body.build().toString());
    }

    private static JsonArrayBuilder channels(List<Overview.ChannelView> views) {
        JsonArrayBuilder out = Json.createArrayBuilder();
        for (Overview.ChannelView v : views) {
            out.add(Json.createObjectBuilder().add("name", v.name()).add("connections", v.connections())
                    .add("users", Json.createArrayBuilder(v.users())));
        }
        return out;
    }

    private HttpApi.Response messages(String room, Map<String, String> query) {
        int max = switchboard.settings().getInt(Settings.Key.HISTORY_PAGE);
        List<String> page = admin().latestMessages(room, limit(query, Math.min(DEFAULT_MESSAGES, max), max));
        String head = Json.createObjectBuilder().add("room", room).build().toString();
        return new HttpApi.Response(200, Wire.withRawField(head, "messages", Wire.rawArray(page)));
    }

    private HttpApi.Response close(String connectionId) {
        if (!admin().close(connectionId)) {
            return HttpApi.error(404, "not_found", "this node has no open connection with that id");
        }
        return new HttpApi.Response(200, Json.createObjectBuilder().add("closed", connectionId)
                .add("code", CloseCode.CLOSED_BY_ADMIN.code()).build().toString());
    }

    private HttpApi.Response remove(String room, String messageId) {
        Admin.Removal removal;
        try {
            removal = admin().remove(room, messageId).toCompletableFuture()
                    .get(2L * switchboard.settings().getLong(Settings.Key.REDIS_TIMEOUT_MS) + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | CompletionException e) {
            return HttpApi.error(503, "unavailable", "the removal could not be stored; try again");
        } catch (TimeoutException e) {
            return HttpApi.error(503, "unavailable", "the removal was not stored in time; try again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HttpApi.error(503, "unavailable", "interrupted");
        }
        return switch (removal) {
            case REMOVED -> new HttpApi.Response(200, Json.createObjectBuilder().add("room", room)
                    .add("removed", messageId).build().toString());
            case ALREADY_DELETED -> HttpApi.error(409, "deleted", "the message was deleted already");
            case NOT_FOUND -> HttpApi.error(404, "not_found", "no such message in the kept history of " + room);
        };
    }

    private static int limit(Map<String, String> query, int fallback, int max) {
        String given = query.get("limit");
        int limit = given == null ? fallback : Integer.parseInt(given);
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        return Math.min(limit, max);
    }

    /** {@code /rooms/lobby/messages} → [rooms, lobby, messages], each segment percent-decoded. */
    private static List<String> segments(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.isEmpty()) {
            return List.of();
        }
        String[] raw = p.split("/", -1);
        String[] out = new String[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = URLDecoder.decode(raw[i].replace("+", "%2B"), StandardCharsets.UTF_8);
        }
        return List.of(out);
    }

    private static JsonObject object(String json) {
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        } catch (JsonException | IllegalStateException e) {
            return null;
        }
    }

    private static HttpApi.Response notAllowed(String allowed) {
        return HttpApi.error(405, "method_not_allowed", "use " + allowed);
    }
}

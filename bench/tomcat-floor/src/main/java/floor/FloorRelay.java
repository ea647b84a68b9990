package floor;

import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The least a JSR 356 relay can do for the bench's chat and fan-out scenarios, to measure what the servlet container
 * itself costs per message: the subset of Switchboard's chat protocol that bench/node-relay speaks (welcome; join →
 * joined with the last page; say → message to every member, the sender included; leave; ping → pong), no limits, no
 * presence, no JSON parser (the fields are found with {@code indexOf}, the text is copied as it came), each message
 * made once as a {@code String} and sent with {@code getBasicRemote().sendText} to each member in offset order under
 * its room's lock, the textbook way. Not a product: it trusts its input.
 */
@ServerEndpoint(value = "/ws/chat", subprotocols = "switchboard.v1")
public class FloorRelay {
    private static final int HISTORY = 1000, PAGE = 50;
    private static final String EPOCH = Long.toHexString(System.nanoTime() & 0xffffffffffffL);
    private static final Map<String, Room> ROOMS = new ConcurrentHashMap<>();
    private static final AtomicLong SESSIONS = new AtomicLong();

    private final List<Room> joined = new ArrayList<>();
    private String jsonUser;

    static final class Room {
        final String jsonName;
        final List<Session> members = new ArrayList<>();
        final String[] ring = new String[HISTORY];
        long offset;

        Room(String name) {
            jsonName = '"' + name + '"';
        }
    }

    @OnOpen
    public void open(Session session) throws IOException {
        List<String> names = session.getRequestParameterMap().get("name");
        jsonUser = '"' + (names == null || names.isEmpty() ? "guest" : names.get(0)) + '"';
        session.getBasicRemote().sendText("{\"type\":\"welcome\",\"user\":" + jsonUser + ",\"session\":\"s"
                + SESSIONS.incrementAndGet() + "\",\"protocol\":\"switchboard.v1\",\"heartbeatMs\":25000}");
    }

    @OnMessage
    public void message(Session session, String frame) throws IOException {
        String type = token(frame, "type");
        if ("\"say\"".equals(type)) {
            Room room = ROOMS.get(unquote(token(frame, "room")));
            if (room == null || !joined.contains(room)) {
                send(session, "{\"type\":\"error\",\"code\":\"not_joined\",\"message\":\"join the room first\"}");
                return;
            }
            String ref = token(frame, "ref");
            synchronized (room) {
                long offset = ++room.offset;
                String json = "{\"type\":\"message\",\"room\":" + room.jsonName + ",\"offset\":" + offset + ",\"id\":\""
                        + EPOCH + '-' + offset + "\",\"from\":" + jsonUser + ",\"text\":" + token(frame, "text")
                        + ",\"ts\":\"" + Instant.now() + '"' + (ref == null ? "" : ",\"ref\":" + ref) + '}';
                room.ring[(int) (offset % HISTORY)] = json;
                for (Session member : room.members) {
                    send(member, json);
                }
            }
        } else if ("\"ping\"".equals(type)) {
            send(session, "{\"type\":\"pong\"}");
        } else if ("\"join\"".equals(type)) {
            Room room = ROOMS.computeIfAbsent(unquote(token(frame, "room")), Room::new);
            synchronized (room) {
                StringBuilder history = new StringBuilder();
                for (long o = Math.max(1, room.offset - PAGE + 1); o <= room.offset; o++) {
                    history.append(history.length() == 0 ? "" : ",").append(room.ring[(int) (o % HISTORY)]);
                }
                send(session, "{\"type\":\"joined\",\"room\":" + room.jsonName + ",\"offset\":" + room.offset
                        + ",\"epoch\":\"" + EPOCH + "\",\"recovered\":false,\"members\":[],\"history\":[" + history + "]}");
                room.members.add(session);
            }
            joined.add(room);
        } else if ("\"leave\"".equals(type)) {
            String name = unquote(token(frame, "room"));
            Room room = ROOMS.get(name);
            if (room != null && joined.remove(room)) {
                synchronized (room) {
                    room.members.remove(session);
                }
            }
            send(session, "{\"type\":\"left\",\"room\":\"" + name + "\"}");
        } else {
            send(session, "{\"type\":\"error\",\"code\":\"unknown_type\",\"message\":\"unknown type\"}");
        }
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        for (Room room : joined) {
            synchronized (room) {
                room.members.remove(session);
            }
        }
        joined.clear();
    }

    @OnError
    public void error(Session session, Throwable t) {
        // a client that went away mid-send; its close follows
    }

    private static void send(Session session, String json) {
        synchronized (session) {
            try {
                if (session.isOpen()) {
                    session.getBasicRemote().sendText(json);
                }
            } catch (IOException | IllegalStateException e) {
                // closed underneath: its OnClose removes it
            }
        }
    }

    /** The raw JSON value of {@code "key":} in a flat object (a string with its quotes), or null. */
    static String token(String json, String key) {
        int k = json.indexOf("\"" + key + "\":");
        if (k < 0) {
            return null;
        }
        int s = k + key.length() + 3;
        if (json.charAt(s) != '"') {
            int e = s;
            while (e < json.length() && json.charAt(e) != ',' && json.charAt(e) != '}') {
                e++;
            }
            return json.substring(s, e);
        }
        int e = s + 1;
        while (json.charAt(e) != '"') {
            e += json.charAt(e) == '\\' ? 2 : 1;
        }
        return json.substring(s, e + 1);
    }

    private static String unquote(String token) {
        return token == null ? "" : token.substring(1, token.length() - 1);
    }
}

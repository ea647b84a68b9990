package dev.switchboard.auth;

import java.time.Instant;
import java.util.Set;

/**
 * Who a connection is, decided by the server at the handshake (never by a field the client sends).
 *
 * @param user     the user name every message of this connection carries as {@code from}
 * @param source   how it was decided
 * @param expires  when a token-based identity stops being valid (null: never)
 * @param rooms    rooms this identity may join, as names or prefixes ending in {@code *} (null: any)
 * @param topics   topics this identity may subscribe to, likewise (null: any; {@code user:NAME} stays private)
 */
public record Identity(String user, Source source, Instant expires, Set<String> rooms, Set<String> topics) {

    /** {@code RETURNING_GUEST}: a guest who presented the ticket of a name the server gave out, and keeps it. */
    public enum Source { PRINCIPAL, TOKEN, GUEST, RETURNING_GUEST }

    public boolean isGuest() {
        return source == Source.GUEST || source == Source.RETURNING_GUEST;
    }

    public static Identity principal(String user) {
        return new Identity(user, Source.PRINCIPAL, null, null, null);
    }

    public static Identity guest(String requestedName) {
        return new Identity(requestedName, Source.GUEST, null, null, null);
    }

    public static Identity returningGuest(String name) {
        return new Identity(name, Source.RETURNING_GUEST, null, null, null);
    }

    public Identity withUser(String name) {
        return new Identity(name, source, expires, rooms, topics);
    }

    public boolean mayJoin(String room) {
        return matches(rooms, room);
    }

    public boolean maySubscribe(String topic) {
        return matches(topics, topic);
    }

    private static boolean matches(Set<String> allowed, String name) {
        if (allowed == null) {
            return true;
        }
        for (String pattern : allowed) {
            if (pattern.endsWith("*") ? name.startsWith(pattern.substring(0, pattern.length() - 1)) : pattern.equals(name)) {
                return true;
            }
        }
        return false;
    }
}

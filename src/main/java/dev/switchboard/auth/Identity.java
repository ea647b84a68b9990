package dev.switchboard.auth;

import dev.switchboard.protocol.Names;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Who a connection is, decided by the server at the handshake (never by a field the client sends).
 *
 * @param user     the identity every message of this connection carries as {@code from}: a user's name, or for a
 *                 guest {@code guest:NAME} (the guests' own name space, {@link Names#GUEST_PREFIX})
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

    /** A new guest asking for {@code name} (made safe already): identity {@code guest:NAME}, any room and topic. */
    public static Identity guest(String name) {
        return guest(name, null, null);
    }

    /** A new guest with the guests' room and topic patterns ({@code guestRooms}, {@code guestTopics}; null: any). */
    public static Identity guest(String name, Set<String> rooms, Set<String> topics) {
        return new Identity(Names.guest(name), Source.GUEST, null, rooms, topics);
    }

    /** A guest whose valid ticket names {@code identity} ({@code guest:NAME}). */
    public static Identity returningGuest(String identity, Set<String> rooms, Set<String> topics) {
        if (!Names.isGuest(identity)) {
            throw new IllegalArgumentException("not a guest identity");
        }
        return new Identity(identity, Source.RETURNING_GUEST, null, rooms, topics);
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

    /**
     * A list of names and {@code prefix*} patterns as {@link #matches} takes it: {@code *} alone means any (null);
     * an empty list, none.
     */
    public static Set<String> patterns(List<String> list) {
        return list.equals(List.of("*")) ? null : new LinkedHashSet<>(list);
    }

    /** Whether {@code name} is one of the names, or starts with a prefix written {@code prefix*} (null: any name). */
    public static boolean matches(Set<String> allowed, String name) {
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

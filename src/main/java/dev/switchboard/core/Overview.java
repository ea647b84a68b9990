package dev.switchboard.core;

import dev.switchboard.store.ChannelId;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What this node holds at one moment, for the admin view (docs/admin.md): its connections, and the rooms and topics
 * they are in. Plain records copied out of the core (nothing here refers back into it), bounded: at most
 * {@code limit} connections and {@code limit} rooms and topics each, and at most {@value #MAX_USERS} users per channel;
 * {@code truncated} says when something was left out.
 *
 * @param node        this node's id
 * @param connections this node's open connections, oldest first
 * @param rooms       rooms with members on this node, by name
 * @param topics      topics with subscribers on this node, by name
 */
public record Overview(String node, List<ConnectionView> connections, List<ChannelView> rooms,
                       List<ChannelView> topics, boolean truncated) {

    /** Users listed per room or topic. */
    public static final int MAX_USERS = 100;

    /**
     * One connection.
     *
     * @param queuedFrames frames waiting in its outbound queue (the queue depth), {@code queuedBytes} their size
     * @param sending      whether a send to it is in flight
     */
    public record ConnectionView(String id, String user, String address, String endpoint, long openedMillis,
                                 List<String> rooms, List<String> topics, int queuedFrames, long queuedBytes,
                                 boolean sending) {}

    /**
     * One room or topic on this node.
     *
     * @param connections this node's connections in it (a user's tabs count once each)
     * @param users       their users, each once, in the order they came (at most {@value #MAX_USERS})
     */
    public record ChannelView(String name, int connections, List<String> users) {}

    static Overview of(String node, Collection<Connection> open, Collection<LocalChannel> channels, int limit) {
        boolean[] truncated = {false};
        List<Connection> oldestFirst = new ArrayList<>(open);
        oldestFirst.sort(Comparator.comparingLong((Connection c) -> c.openedMillis).thenComparing(Connection::id));
        List<ConnectionView> connections = new ArrayList<>(Math.min(limit, oldestFirst.size()));
        for (Connection c : oldestFirst) {
            if (c.closed) {
                continue;
            }
            if (connections.size() == limit) {
                truncated[0] = true;
                break;
            }
            connections.add(view(c));
        }
        List<LocalChannel> byName = new ArrayList<>(channels);
        byName.sort(Comparator.comparing((LocalChannel l) -> l.id.name()));
        return new Overview(node, connections, channels(byName, ChannelId.Kind.ROOM, limit, truncated),
                channels(byName, ChannelId.Kind.TOPIC, limit, truncated), truncated[0]);
    }

    private static ConnectionView view(Connection c) {
        List<String> rooms = new ArrayList<>();
        List<String> topics = new ArrayList<>();
        for (ChannelId id : c.subscriptions.keySet()) {
            if (id.kind() == ChannelId.Kind.ROOM) {
                rooms.add(id.name());
            } else if (id.kind() == ChannelId.Kind.TOPIC) {
                topics.add(id.name());
            } // a chat connection's own inbox (whispers) is not shown
        }
        rooms.sort(null);
        topics.sort(null);
        Outbox.Depth depth = c.outbox.depth();
        return new ConnectionView(c.id(), c.user(), c.address(), c.endpoint().name().toLowerCase(java.util.Locale.ROOT),
                c.openedMillis, rooms, topics, depth.frames(), depth.bytes(), depth.sending());
    }

    private static List<ChannelView> channels(List<LocalChannel> byName, ChannelId.Kind kind, int limit,
                                              boolean[] truncated) {
        List<ChannelView> out = new ArrayList<>();
        for (LocalChannel local : byName) {
            if (local.id.kind() != kind || local.members.isEmpty()) {
                continue;
            }
            if (out.size() == limit) {
                truncated[0] = true;
                break;
            }
            Set<String> users = new LinkedHashSet<>();
            for (Subscription s : local.members) {
                if (users.size() == MAX_USERS) {
                    truncated[0] = true;
                    break;
                }
                users.add(s.connection.user());
            }
            out.add(new ChannelView(local.id.name(), local.members.size(), List.copyOf(users)));
        }
        return out;
    }
}

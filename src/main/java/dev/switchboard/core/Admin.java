package dev.switchboard.core;

import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Names;
import dev.switchboard.store.ChannelId;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * What an administrator may see and do on this node (docs/admin.md; the HTTP side is {@code web.AdminApi}): a
 * read-only {@link Overview}, a room's latest messages, closing a connection with {@link CloseCode#CLOSED_BY_ADMIN},
 * and removing a message (an {@code admin} delete, {@link Edits#remove}). Nothing here checks who asks: the adapter in
 * front of it does.
 */
public final class Admin {

    private static final Logger LOG = System.getLogger(Admin.class.getName());
    /** What the closed client is told (the close frame's reason). */
    static final String CLOSE_REASON = "closed by an administrator";

    /** What an administrator's removal did. */
    public enum Removal { REMOVED, NOT_FOUND, ALREADY_DELETED }

    private final String node;
    private final Sessions sessions;
    private final Channels channels;
    private final Rooms rooms;
    private final Edits edits;

    Admin(String node, Sessions sessions, Channels channels, Rooms rooms, Edits edits) {
        this.node = node;
        this.sessions = sessions;
        this.channels = channels;
        this.rooms = rooms;
        this.edits = edits;
    }

    /** This node's connections, rooms and topics, at most {@code limit} of each. */
    public Overview overview(int limit) {
        return Overview.of(node, sessions.all(), channels.all(), Math.max(1, limit));
    }

    /** Closes a connection of this node with 4500; false when this node has no open connection with that id. */
    public boolean close(String connectionId) {
        Connection c = connectionId == null ? null : sessions.find(connectionId);
        if (c == null || c.closed) {
            return false;
        }
        LOG.log(Level.INFO, "an administrator closes {0}", c);
        sessions.close(c, CloseCode.CLOSED_BY_ADMIN, CLOSE_REASON);
        return true;
    }

    /**
     * Up to {@code limit} of a room's latest messages in their current state, oldest first, as JSON texts (what the
     * admin picks a message to remove from). May block on the store.
     *
     * @throws IllegalArgumentException for a bad room name
     */
    public List<String> latestMessages(String room, int limit) {
        if (!Names.isRoom(room)) {
            throw new IllegalArgumentException(Names.ROOM_RULE);
        }
        return rooms.page(ChannelId.room(room), Long.MAX_VALUE, Math.max(1, limit));
    }

    /** Removes a message for everyone, on every node (see {@link Edits#remove}); logged with the room and id. */
    public CompletionStage<Removal> remove(String room, String messageId) {
        CompletionStage<Removal> done = edits.remove(room, messageId);
        return done.whenComplete((removal, failure) -> {
            if (removal == Removal.REMOVED) {
                LOG.log(Level.INFO, "an administrator removed message {0} of room {1}", messageId, room);
            }
        });
    }
}

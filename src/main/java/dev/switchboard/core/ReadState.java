package dev.switchboard.core;

import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.Wire;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Cursors;
import dev.switchboard.store.Entry;
import dev.switchboard.store.Log;

import java.util.List;

/**
 * Chat 1.1 read positions: one per user and room in {@link Cursors} (shared by the user's connections, devices and
 * nodes; it never moves backwards), {@code read}/{@code unread} in {@code joined}, and what a {@code read} request
 * causes: the position is stored, the user's connections in the room get {@code read} (on every node: a
 * {@link UserSignal} on the room's channel) and the other members a coalesced {@code receipt} ({@link Receipts}).
 *
 * <p>A {@code read} costs no store round trip: each connection knows the highest position of its user in the room
 * (from {@code joined}, its own requests and the {@code read} signals it received), and only a higher one is stored
 * (without blocking) and announced; a position beyond the newest offset the connection was sent counts as that
 * offset (nobody reads what they were not shown).
 */
final class ReadState {

    private final Cursors cursors;
    private final Channels channels;
    private final Log log;
    private final Receipts receipts;
    private final Replies replies;
    private final int historySize;

    ReadState(Cursors cursors, Channels channels, Log log, Receipts receipts, Replies replies, int historySize) {
        this.cursors = cursors;
        this.channels = channels;
        this.log = log;
        this.receipts = receipts;
        this.replies = replies;
        this.historySize = historySize;
    }

    /** {@code joined.read} and {@code joined.unread}. */
    record Position(long read, long unread) {}

    /**
     * The user's position for the {@code joined} of {@code sub}, whose reply read {@code known} (consecutive entries up
     * to {@code head}, oldest first) already: only what lies between the position and those is read besides, at most
     * {@code historySize} entries. May block (a store read), like the rest of a join.
     */
    Position joined(Subscription sub, List<Entry> known, long head) {
        String user = sub.connection.user();
        long read = Math.min(cursors.get(sub.channel, user), head); // never beyond the history it points into
        sub.raiseRead(read);
        return new Position(read, unread(sub.channel, user, read, known, head));
    }

    /** Messages after {@code read} up to {@code head} not written by {@code user}; edits, deletes, reactions do not count. */
    private long unread(ChannelId room, String user, long read, List<Entry> known, long head) {
        if (read >= head) {
            return 0;
        }
        String byUser = "\"from\":" + Wire.quote(user);
        long count = 0;
        long lowest = head + 1;
        for (Entry e : known) {
            if (e.offset() > read && e.offset() <= head) {
                lowest = Math.min(lowest, e.offset());
                count += byOther(e, byUser);
            }
        }
        if (lowest > read + 1) {
            int gap = (int) Math.min(lowest - read - 1, historySize);
            for (Entry e : log.readBefore(room, lowest, gap).entries()) {
                if (e.offset() > read) {
                    count += byOther(e, byUser);
                }
            }
        }
        return count;
    }

    /** 1 for a message by someone else than the user whose {@code "from":…} is {@code byUser}, else 0. */
    private static int byOther(Entry e, String byUser) {
        String json = e.json();
        if (!Wire.isType(json, Folding.MESSAGE)) {
            return 0;
        }
        int from = json.indexOf("\"from\":"); // room and id, which come first, hold no quotes
        return from >= 0 && json.startsWith(byUser, from) ? 0 : 1;
    }

    void read(Connection c, ClientMessage.Read read) {
        ChannelId room = replies.joinedRoom(c, read.room(), read.ref(), "before you mark it read");
        if (room == null) {
            return;
        }
        if (read.offset() == null || read.offset() < 0) {
            replies.error(c, ErrorCode.INVALID, "read needs \"offset\": the offset of the newest message read",
                    read.ref());
            return;
        }
        Subscription sub = c.subscriptions.get(room);
        if (sub == null) {
            return; // left meanwhile
        }
        long position = Math.min(read.offset(), sub.sent());
        if (!sub.raiseRead(position)) {
            return; // not beyond the known position: ignored, as the protocol says
        }
        cursors.advance(room, c.user(), position); // never blocks
        channels.signal(room, new UserSignal(c.user(), position,
                Wire.encode(new ServerMessage.Read(room.name(), position))));
        receipts.offer(room, c.user(), position);
    }
}

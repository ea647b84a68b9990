package dev.switchboard.core;

import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Names;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.Wire;
import dev.switchboard.store.Bus;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Presence;
import dev.switchboard.store.PresenceEvent;
import dev.switchboard.store.Slice;
import dev.switchboard.store.StoreUnavailableException;

import java.util.ArrayList;
import java.util.List;

/**
 * Chat rooms: join and leave (with presence, once per user however many tabs, a user back within the grace never
 * gone: {@link PresenceGrace}), say, typing (throttled per user and room, {@link TypingThrottle}) and history pages. A room's messages are stored in its log with gap-free offsets;
 * members get them through the bus. Chat 1.1: history pages show messages in their current state ({@link Folding}
 * over a bounded {@link LogScan}), and {@code joined} carries the user's read position ({@link ReadState}).
 */
final class Rooms implements ChannelRules, Presence.Listener {

    private final Membership membership;
    private final LogScan scan;
    private final Bus bus;
    private final Presence presence;
    private final Replies replies;
    private final Texts texts;
    private final ReadState reads;
    private final TypingThrottle typing = new TypingThrottle();
    private final PresenceGrace departures;
    private final int maxRooms;
    private final int historyPage;

    Rooms(Membership membership, LogScan scan, Bus bus, Presence presence, Replies replies, Texts texts,
          ReadState reads, int maxRooms, int historyPage, long presenceGraceMs) {
        this.membership = membership;
        this.scan = scan;
        this.bus = bus;
        this.presence = presence;
        this.replies = replies;
        this.texts = texts;
        this.reads = reads;
        this.maxRooms = maxRooms;
        this.historyPage = historyPage;
        this.departures = new PresenceGrace(presence, presenceGraceMs, (room, user) -> announce(room, user, false));
    }

    void join(Connection c, ClientMessage.Join join) {
        membership.enter(c, this, join.room(), join.since(), join.ref());
    }

    void leave(Connection c, ClientMessage.Leave leave) {
        if (!Names.isRoom(leave.room())) {
            replies.error(c, ErrorCode.INVALID, Names.ROOM_RULE, leave.ref());
        } else if (!membership.exit(c, this, ChannelId.room(leave.room()))) {
            replies.error(c, ErrorCode.NOT_JOINED, "you are not in " + leave.room(), leave.ref());
        } else {
            c.send(Wire.encode(new ServerMessage.Left(leave.room(), leave.ref())));
        }
    }

    void say(Connection c, ClientMessage.Say say) {
        if (!Names.isRoom(say.room())) {
            replies.error(c, ErrorCode.INVALID, Names.ROOM_RULE, say.ref());
            return;
        }
        ChannelId id;
        if (!texts.valid(c, say.text(), say.ref())
                || (id = replies.joinedRoom(c, say.room(), say.ref(), "before you say something there")) == null) {
            return;
        }
        texts.store(c, id, Replies.template(ServerMessage.Message.said(say.room(), 0L, Ids.message(), c.user(),
                say.text(), replies.now(), say.ref())), say.ref());
    }

    void typing(Connection c, ClientMessage.Typing typing) {
        ChannelId id = replies.joinedRoom(c, typing.room(), typing.ref(), "");
        if (id != null && this.typing.allow(id, c.user(), replies.millis())) {
            bus.signal(id, Wire.encode(new ServerMessage.Typing(typing.room(), c.user())), c.user());
        }
    }

    /** Once a second: forgets typers whose throttle window has passed; announces users gone after their grace. */
    void tick() {
        long now = replies.millis();
        typing.purge(now);
        departures.due(now);
    }

    /** {@code limit} (at most {@code historyPage}) messages before an offset, in their current state. */
    void history(Connection c, ClientMessage.History history) {
        ChannelId id = replies.joinedRoom(c, history.room(), history.ref(), "to read its history");
        if (id == null) {
            return;
        }
        long before = history.before() == null ? Long.MAX_VALUE : history.before();
        int limit = history.limit() == null ? historyPage : history.limit();
        if (before < 1 || limit < 1) {
            replies.error(c, ErrorCode.INVALID, "before and limit must be positive", history.ref());
            return;
        }
        limit = Math.min(limit, historyPage);
        try {
            List<String> page = page(id, before, limit);
            c.send(Wire.withRawField(Wire.encode(new ServerMessage.History(history.room(), null, history.ref())),
                    "messages", Wire.rawArray(page)));
        } catch (StoreUnavailableException e) {
            replies.error(c, ErrorCode.UNAVAILABLE, "history cannot be read right now; try again", history.ref());
        }
    }

    /** Up to {@code limit} messages before offset {@code before}, oldest first, in their current state. May block. */
    List<String> page(ChannelId id, long before, int limit) {
        return Folding.page(window(id, before, limit).entries(), before, limit);
    }

    /**
     * The room's log from its newest entry back to the {@code limit}-th newest message below {@code before}: that
     * page's messages and every later event that may change them (bounded by the retained history).
     */
    private Slice window(ChannelId id, long before, int limit) {
        int[] messages = {0};
        return scan.back(id, e -> e.offset() < before && Wire.isType(e.json(), Folding.MESSAGE)
                && ++messages[0] >= limit);
    }

    // ------------------------------------------------------------------------------------------ rules of a room

    @Override
    public ChannelId.Kind kind() {
        return ChannelId.Kind.ROOM;
    }

    @Override
    public Refused check(Connection c, String name) {
        if (!Names.isRoom(name)) {
            return new Refused(ErrorCode.INVALID, Names.ROOM_RULE);
        }
        return c.identity().mayJoin(name) ? null : new Refused(ErrorCode.FORBIDDEN, "you may not join " + name);
    }

    @Override
    public int cap() {
        return maxRooms;
    }

    /** Before the reply: whoever joins after this client has seen "joined" finds it in members, not in a late event. */
    @Override
    public void entered(Connection c, ChannelId id, boolean fresh) {
        if (fresh && presence.join(id, c.user())) {
            announce(id, c.user(), true);
        }
    }

    /** Counted there a little longer: a user back within the grace was never gone for the others. */
    @Override
    public void exited(Connection c, ChannelId id) {
        departures.leave(id, c.user(), replies.millis());
    }

    /** The raw window of the latest page; {@link #reply} folds it (and counts unread messages in it). */
    @Override
    public Slice latest(ChannelId id, boolean askedToRecover) {
        return window(id, Long.MAX_VALUE, historyPage);
    }

    /**
     * {@code joined}: recovered, the missed log entries as they are (messages and events, in offset order); else the
     * latest page folded. With the user's read position and unread count.
     */
    @Override
    public List<String> reply(Subscription sub, Recovery.Result result, boolean askedToRecover, String ref) {
        ChannelId id = sub.channel;
        List<ServerMessage.Member> members = new ArrayList<>();
        for (String user : presence.members(id)) {
            members.add(new ServerMessage.Member(user));
        }
        Slice slice = result.slice();
        long page = sub.connection.outbox.pageBytes();
        List<String> history;
        List<String> after = List.of();
        if (result.recovered()) {
            // What fits in a page goes inside joined, the rest right after it as the live frames they were (the
            // client applies them alike, by offset), so that a long recovery goes out as the client reads it.
            List<String> missed = Replies.texts(slice.entries());
            int inside = Recovery.oldestWithin(missed, page);
            history = missed.subList(0, inside);
            after = missed.subList(inside, missed.size());
        } else {
            history = Recovery.newestWithin(Folding.page(slice.entries(), Long.MAX_VALUE, historyPage), page);
        }
        ReadState.Position read = reads.joined(sub, slice.entries(), slice.head());
        String joined = Wire.withRawField(Wire.encode(new ServerMessage.Joined(id.name(), slice.head(), slice.epoch(),
                result.recovered(), read.read(), read.unread(), members, null, ref)), "history",
                Wire.rawArray(history));
        if (after.isEmpty()) {
            return List.of(joined);
        }
        List<String> frames = new ArrayList<>(1 + after.size());
        frames.add(joined);
        frames.addAll(after);
        return frames;
    }

    @Override
    public String unavailable() {
        return "the room's history cannot be read right now; try again";
    }

    /** Presence that changed elsewhere (a dead node's users left, a node resynchronised after an outage). */
    @Override
    public void onPresence(PresenceEvent event) {
        if (event.channel().kind() == ChannelId.Kind.ROOM) {
            announce(event.channel(), event.user(), event.joined());
        }
    }

    private void announce(ChannelId id, String user, boolean joined) {
        bus.signal(id, Wire.encode(new ServerMessage.Presence(id.name(), user, joined ? "join" : "leave")), user);
    }
}

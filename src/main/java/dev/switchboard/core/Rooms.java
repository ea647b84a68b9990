package dev.switchboard.core;

import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Names;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.Wire;
import dev.switchboard.store.Bus;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Log;
import dev.switchboard.store.Presence;
import dev.switchboard.store.PresenceEvent;
import dev.switchboard.store.Slice;
import dev.switchboard.store.StoreUnavailableException;

import java.util.ArrayList;
import java.util.List;

/**
 * Chat rooms: join and leave (with presence, once per user however many tabs), say, typing and history pages. A
 * room's messages are stored in its log with gap-free offsets; members get them through the bus.
 */
final class Rooms implements ChannelRules, Presence.Listener {

    private final Membership membership;
    private final Log log;
    private final Bus bus;
    private final Presence presence;
    private final Replies replies;
    private final Texts texts;
    private final int maxRooms;
    private final int historyPage;

    Rooms(Membership membership, Log log, Bus bus, Presence presence, Replies replies, Texts texts, int maxRooms,
          int historyPage) {
        this.membership = membership;
        this.log = log;
        this.bus = bus;
        this.presence = presence;
        this.replies = replies;
        this.texts = texts;
        this.maxRooms = maxRooms;
        this.historyPage = historyPage;
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
                || (id = joined(c, say.room(), say.ref(), "before you say something there")) == null) {
            return;
        }
        texts.store(c, id, Replies.template(new ServerMessage.Message(say.room(), 0L, Ids.message(), c.user(),
                say.text(), replies.now(), say.ref())), say.ref());
    }

    void typing(Connection c, ClientMessage.Typing typing) {
        ChannelId id = joined(c, typing.room(), typing.ref(), "");
        if (id != null) {
            bus.signal(id, Wire.encode(new ServerMessage.Typing(typing.room(), c.user())), c.user());
        }
    }

    void history(Connection c, ClientMessage.History history) {
        ChannelId id = joined(c, history.room(), history.ref(), "to read its history");
        if (id == null) {
            return;
        }
        long before = history.before() == null ? Long.MAX_VALUE : history.before();
        int limit = history.limit() == null ? historyPage : history.limit();
        if (before < 1 || limit < 1) {
            replies.error(c, ErrorCode.INVALID, "before and limit must be positive", history.ref());
            return;
        }
        try {
            Slice page = log.readBefore(id, before, Math.min(limit, historyPage));
            c.send(Wire.withRawField(Wire.encode(new ServerMessage.History(history.room(), null, history.ref())),
                    "messages", Replies.rawArray(page.entries())));
        } catch (StoreUnavailableException e) {
            replies.error(c, ErrorCode.UNAVAILABLE, "history cannot be read right now; try again", history.ref());
        }
    }

    /** The room's channel when the name is valid and the connection is in it; otherwise answers with an error. */
    private ChannelId joined(Connection c, String room, String ref, String what) {
        if (!Names.isRoom(room)) {
            replies.error(c, ErrorCode.INVALID, Names.ROOM_RULE, ref);
            return null;
        }
        ChannelId id = ChannelId.room(room);
        if (!c.subscriptions.containsKey(id)) {
            replies.error(c, ErrorCode.NOT_JOINED, what.isEmpty() ? "you are not in " + room
                    : "join " + room + " " + what, ref);
            return null;
        }
        return id;
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

    @Override
    public void exited(Connection c, ChannelId id) {
        if (presence.leave(id, c.user())) {
            announce(id, c.user(), false);
        }
    }

    @Override
    public List<String> reply(Connection c, ChannelId id, Recovery.Result result, boolean askedToRecover, String ref) {
        List<ServerMessage.Member> members = new ArrayList<>();
        for (String user : presence.members(id)) {
            members.add(new ServerMessage.Member(user));
        }
        Slice slice = result.slice();
        return List.of(Wire.withRawField(Wire.encode(new ServerMessage.Joined(id.name(), slice.head(), slice.epoch(),
                result.recovered(), members, null, ref)), "history", Replies.rawArray(slice.entries())));
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

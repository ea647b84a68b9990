package dev.switchboard.core;

import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Names;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.Wire;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Routes each client frame to the part that owns it — {@link Rooms}, {@link Topics}, {@link Whispers}, and for chat
 * 1.1 {@link Edits}, {@link ReadState}, {@link WhisperReceipts} — after the checks every frame passes: the rate limit,
 * unreadable frames, the {@code ref} length, and the endpoint the frame type belongs to.
 *
 * <p>Threads: {@link #receive} and {@link #controlFrame} run on the container's thread for that connection, one frame
 * at a time per connection; nothing here blocks on a socket.
 */
final class Router {

    private static final Logger LOG = System.getLogger(Router.class.getName());

    private final Sessions sessions;
    private final Replies replies;
    private final Stats stats;
    private final RateLimit rateLimit;
    private final Rooms rooms;
    private final Topics topics;
    private final Whispers whispers;
    private final Edits edits;
    private final ReadState reads;
    private final WhisperReceipts whisperReceipts;

    Router(Sessions sessions, Replies replies, Stats stats, RateLimit rateLimit, Rooms rooms, Topics topics,
           Whispers whispers, Edits edits, ReadState reads, WhisperReceipts whisperReceipts) {
        this.sessions = sessions;
        this.replies = replies;
        this.stats = stats;
        this.rateLimit = rateLimit;
        this.rooms = rooms;
        this.topics = topics;
        this.whispers = whispers;
        this.edits = edits;
        this.reads = reads;
        this.whisperReceipts = whisperReceipts;
    }

    /** One decoded client frame. */
    void receive(Connection c, ClientMessage message) {
        if (c.closed) {
            return;
        }
        long now = replies.millis();
        sessions.seen(c, now);
        stats.messagesIn.increment();
        RateLimit.Verdict verdict = rateLimit.take(c.rate, now);
        if (verdict != RateLimit.Verdict.PASS) {
            limited(c, verdict);
        } else if (message instanceof ClientMessage.Unreadable u) {
            replies.error(c, u.code(), u.message(), u.ref());
        } else if (message.ref() != null && message.ref().length() > Names.MAX_REF_CHARS) {
            replies.error(c, ErrorCode.INVALID, "ref is longer than " + Names.MAX_REF_CHARS + " characters", null);
        } else if (message instanceof ClientMessage.Ping p) {
            c.send(Wire.encode(new ServerMessage.Pong(p.ref())));
        } else if (c.endpoint() == Connection.Endpoint.CHAT) {
            receiveChat(c, message);
        } else {
            receiveNotifications(c, message);
        }
    }

    /**
     * A ping the client sent, which the server answers by itself with {@code answerBytes} (out of sight of
     * {@link #receive}): it counts against the rate limit like any client frame (no error frame: past
     * {@code rateStrikes} the connection is closed 1008), and its answer against the outbox's byte limit (4001), so a
     * client that floods pings and never reads holds no more memory than a slow reader. False when the connection is
     * closed (or being closed) for it.
     */
    boolean controlFrame(Connection c, int answerBytes) {
        if (c.closed) {
            return false;
        }
        RateLimit.Verdict verdict = rateLimit.take(c.rate, replies.millis());
        if (verdict == RateLimit.Verdict.CLOSE) {
            limited(c, verdict);
            return false;
        }
        if (verdict == RateLimit.Verdict.REFUSE) {
            stats.rateLimited.increment();
        }
        return c.outbox.admitTransportBytes(answerBytes);
    }

    private void limited(Connection c, RateLimit.Verdict verdict) {
        if (verdict == RateLimit.Verdict.CLOSE && c.outbox.closing()) {
            return; // frames that arrive while its close goes out: one close, one count and one line per flood
        }
        stats.rateLimited.increment();
        if (verdict == RateLimit.Verdict.CLOSE) {
            stats.abuseCloses.increment();
            LOG.log(Level.WARNING, "closing {0}: sustained flood", c);
            sessions.close(c, CloseCode.POLICY, "too many messages");
        } else {
            replies.error(c, ErrorCode.RATE_LIMITED, "slow down: at most " + (long) rateLimit.perSecond()
                    + " frames per second", null);
        }
    }

    private void receiveChat(Connection c, ClientMessage message) {
        if (message instanceof ClientMessage.Say say) {
            rooms.say(c, say);
        } else if (message instanceof ClientMessage.Join join) {
            rooms.join(c, join);
        } else if (message instanceof ClientMessage.Leave leave) {
            rooms.leave(c, leave);
        } else if (message instanceof ClientMessage.Typing typing) {
            rooms.typing(c, typing);
        } else if (message instanceof ClientMessage.Whisper whisper) {
            whispers.whisper(c, whisper);
        } else if (message instanceof ClientMessage.History history) {
            rooms.history(c, history);
        } else if (message instanceof ClientMessage.Read read) {
            reads.read(c, read);
        } else if (message instanceof ClientMessage.Edit edit) {
            edits.edit(c, edit);
        } else if (message instanceof ClientMessage.Delete delete) {
            edits.delete(c, delete);
        } else if (message instanceof ClientMessage.React react) {
            edits.react(c, react);
        } else if (message instanceof ClientMessage.Seen seen) {
            whisperReceipts.seen(c, seen);
        } else {
            wrongEndpoint(c, message, "/ws/notifications");
        }
    }

    private void receiveNotifications(Connection c, ClientMessage message) {
        if (message instanceof ClientMessage.Subscribe subscribe) {
            topics.subscribe(c, subscribe);
        } else if (message instanceof ClientMessage.Unsubscribe unsubscribe) {
            topics.unsubscribe(c, unsubscribe);
        } else {
            wrongEndpoint(c, message, "/ws/chat");
        }
    }

    private void wrongEndpoint(Connection c, ClientMessage message, String where) {
        String type = Wire.encode(message).replaceFirst("^\\{\"type\":\"([a-z]+)\".*", "$1");
        replies.error(c, ErrorCode.UNKNOWN_TYPE, "\"" + type + "\" is not available on this endpoint; use " + where,
                message.ref());
    }
}

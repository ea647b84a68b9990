package dev.switchboard.protocol;

import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;

import java.util.List;
import java.util.Map;

/**
 * Every frame the server sends. Wire form: one JSON object whose {@code "type"} names the record, e.g.
 * {@code {"type":"message","room":"lobby","offset":58,"id":"…","from":"ann","text":"hello","ts":"…","ref":"c-17"}}.
 * Null fields are left out. Several frames may share one WebSocket text frame, separated by {@code \n}.
 *
 * <p>Fields that hold stored entries ({@code history}, {@code messages}, {@code last}) are typed so that clients
 * and tests can decode them; the server splices the stored JSON text in instead of re-encoding it
 * ({@link Wire#withRawField}).
 */
@JsonbTypeInfo(key = "type", value = {
        @JsonbSubtype(alias = "welcome", type = ServerMessage.Welcome.class),
        @JsonbSubtype(alias = "pong", type = ServerMessage.Pong.class),
        @JsonbSubtype(alias = "error", type = ServerMessage.ErrorReply.class),
        @JsonbSubtype(alias = "joined", type = ServerMessage.Joined.class),
        @JsonbSubtype(alias = "left", type = ServerMessage.Left.class),
        @JsonbSubtype(alias = "message", type = ServerMessage.Message.class),
        @JsonbSubtype(alias = "presence", type = ServerMessage.Presence.class),
        @JsonbSubtype(alias = "typing", type = ServerMessage.Typing.class),
        @JsonbSubtype(alias = "whisper", type = ServerMessage.Whisper.class),
        @JsonbSubtype(alias = "history", type = ServerMessage.History.class),
        @JsonbSubtype(alias = "edited", type = ServerMessage.Edited.class),
        @JsonbSubtype(alias = "deleted", type = ServerMessage.Deleted.class),
        @JsonbSubtype(alias = "reaction", type = ServerMessage.Reaction.class),
        @JsonbSubtype(alias = "read", type = ServerMessage.Read.class),
        @JsonbSubtype(alias = "receipt", type = ServerMessage.Receipt.class),
        @JsonbSubtype(alias = "delivered", type = ServerMessage.Delivered.class),
        @JsonbSubtype(alias = "seen", type = ServerMessage.Seen.class),
        @JsonbSubtype(alias = "subscribed", type = ServerMessage.Subscribed.class),
        @JsonbSubtype(alias = "notification", type = ServerMessage.Notification.class),
        @JsonbSubtype(alias = "unsubscribed", type = ServerMessage.Unsubscribed.class)
})
public sealed interface ServerMessage {

    /**
     * {@code {"type":"welcome","user":"ann","session":"…","protocol":"switchboard.v1","heartbeatMs":25000,"limits":{…}}}.
     * Extension: {@code guest}, for guests only, is a ticket that keeps the name when sent back as {@code ?guest=}.
     */
    @JsonbPropertyOrder({"user", "session", "protocol", "heartbeatMs", "limits", "guest"})
    record Welcome(String user, String session, String protocol, Long heartbeatMs, Limits limits, String guest)
            implements ServerMessage {}

    /** {@code {"maxMessageBytes":65536,"maxTextChars":4000}} */
    record Limits(Integer maxMessageBytes, Integer maxTextChars) {}

    /** {@code {"type":"pong"}} */
    record Pong(String ref) implements ServerMessage {}

    /** {@code {"type":"error","code":"not_joined","message":"join the room first","ref":"c-17"}} */
    @JsonbPropertyOrder({"code", "message", "ref"})
    record ErrorReply(String code, String message, String ref) implements ServerMessage {}

    /**
     * {@code {"type":"joined","room":"lobby","offset":57,"epoch":"E","recovered":true,"read":55,"unread":2,"members":[…],"history":[…]}}.
     * Chat 1.1: {@code read} is the user's stored read position (0 when none), {@code unread} the messages of others
     * after it. {@code history} is the latest page of messages in their current state, or, answering a {@code since}
     * with {@code recovered:true}, the missed log entries themselves (messages, edits, deletes, reactions: hence typed
     * by the interface, so that a decoder tells them apart).
     */
    @JsonbPropertyOrder({"room", "offset", "epoch", "recovered", "read", "unread", "members", "history", "ref"})
    record Joined(String room, Long offset, String epoch, Boolean recovered, Long read, Long unread,
                  List<Member> members, List<ServerMessage> history, String ref) implements ServerMessage {}

    /** {@code {"user":"ann"}} */
    record Member(String user) {}

    /** {@code {"type":"left","room":"lobby"}} */
    record Left(String room, String ref) implements ServerMessage {}

    /**
     * {@code {"type":"message","room":"lobby","offset":58,"id":"…","from":"ann","text":"hello","ts":"…","ref":"c-17"}}.
     * {@code offset} directly follows {@code room} so that a stored entry can be stamped with its offset by text
     * substitution ({@link Wire#offsetSlot}), and {@code id} and {@code from} come before the user's text.
     *
     * <p>Chat 1.1, in history pages only (a message's current state): {@code edited} (when it was last edited, with
     * the new {@code text}), {@code deleted:true} (and no {@code text}), {@code reactions} (emoji → users, in the
     * order they came). Stored and live messages never carry them.
     */
    @JsonbPropertyOrder({"room", "offset", "id", "from", "text", "ts", "ref", "edited", "deleted", "reactions"})
    record Message(String room, Long offset, String id, String from, String text, String ts, String ref,
                   String edited, Boolean deleted, Map<String, List<String>> reactions) implements ServerMessage {

        /** A message as it is said and stored (one constructor only: JSON-B refuses records with several). */
        public static Message said(String room, Long offset, String id, String from, String text, String ts,
                                   String ref) {
            return new Message(room, offset, id, from, text, ts, ref, null, null, null);
        }
    }

    /**
     * Chat 1.1, a stored event: {@code {"type":"edited","room":"lobby","offset":59,"id":"<message id>","from":"ann","text":"new text","ts":"…","ref":"c-20"}}.
     * Like every stored event, {@code offset} follows {@code room} (see {@link Message}).
     */
    @JsonbPropertyOrder({"room", "offset", "id", "from", "text", "ts", "ref"})
    record Edited(String room, Long offset, String id, String from, String text, String ts, String ref)
            implements ServerMessage {}

    /**
     * Chat 1.1, a stored event: {@code {"type":"deleted","room":"lobby","offset":60,"id":"<message id>","from":"ann","ts":"…","ref":"c-21"}}.
     * Extension: {@code "admin":true} marks a removal by an administrator (docs/admin.md); its {@code from} is
     * {@value #ADMIN}, and it deletes the message whoever wrote it. Only the server writes it (no client frame can).
     */
    @JsonbPropertyOrder({"room", "offset", "id", "from", "ts", "ref", "admin"})
    record Deleted(String room, Long offset, String id, String from, String ts, String ref, Boolean admin)
            implements ServerMessage {

        /** The {@code from} of a removal by an administrator. */
        public static final String ADMIN = "admin";

        /** A delete by the message's author. */
        public static Deleted byAuthor(String room, Long offset, String id, String from, String ts, String ref) {
            return new Deleted(room, offset, id, from, ts, ref, null);
        }

        /** A removal by an administrator. */
        public static Deleted byAdmin(String room, Long offset, String id, String ts) {
            return new Deleted(room, offset, id, ADMIN, ts, null, Boolean.TRUE);
        }

        public boolean byAdministrator() {
            return Boolean.TRUE.equals(admin);
        }
    }

    /**
     * Chat 1.1, a stored event: {@code {"type":"reaction","room":"lobby","offset":61,"id":"<message id>","user":"bob","emoji":"👍","on":true,"ts":"…","ref":"c-22"}}
     * ({@code on}: the user's reaction with that emoji is now there, or gone).
     */
    @JsonbPropertyOrder({"room", "offset", "id", "user", "emoji", "on", "ts", "ref"})
    record Reaction(String room, Long offset, String id, String user, String emoji, Boolean on, String ts, String ref)
            implements ServerMessage {}

    /** Chat 1.1: {@code {"type":"read","room":"lobby","offset":58}}, to the user's own connections in the room. */
    @JsonbPropertyOrder({"room", "offset"})
    record Read(String room, Long offset) implements ServerMessage {}

    /** Chat 1.1: {@code {"type":"receipt","room":"lobby","user":"bob","offset":58}}, to the room's other members. */
    @JsonbPropertyOrder({"room", "user", "offset"})
    record Receipt(String room, String user, Long offset) implements ServerMessage {}

    /** Chat 1.1: {@code {"type":"delivered","whisper":"<id>","to":"bob"}}, to the whisper's sender. */
    @JsonbPropertyOrder({"whisper", "to"})
    record Delivered(String whisper, String to) implements ServerMessage {}

    /** Chat 1.1: {@code {"type":"seen","whisper":"<id>","by":"bob"}}, to the whisper's sender. */
    @JsonbPropertyOrder({"whisper", "by"})
    record Seen(String whisper, String by) implements ServerMessage {}

    /** {@code {"type":"presence","room":"lobby","user":"bob","event":"join"}} ({@code event} is join or leave) */
    @JsonbPropertyOrder({"room", "user", "event"})
    record Presence(String room, String user, String event) implements ServerMessage {}

    /** {@code {"type":"typing","room":"lobby","user":"bob"}} */
    @JsonbPropertyOrder({"room", "user"})
    record Typing(String room, String user) implements ServerMessage {}

    /** {@code {"type":"whisper","id":"…","from":"ann","to":"bob","text":"psst","ts":"…","ref":"c-18"}} */
    @JsonbPropertyOrder({"id", "from", "to", "text", "ts", "ref"})
    record Whisper(String id, String from, String to, String text, String ts, String ref) implements ServerMessage {}

    /** {@code {"type":"history","room":"lobby","messages":[…]}} */
    @JsonbPropertyOrder({"room", "messages", "ref"})
    record History(String room, List<Message> messages, String ref) implements ServerMessage {}

    /**
     * {@code {"type":"subscribed","topic":"orders","offset":57,"epoch":"E","recovered":true,"last":{…}}}.
     * Extension: when a client asked to recover and could not ({@code recovered:false}), {@code history} holds the
     * latest page so that it can resynchronise. Database topics, answering {@code snapshot:true}: {@code rows} (the
     * table's rows at {@code offset}, in primary-key order) and {@code truncated:true} when there were more.
     */
    @JsonbPropertyOrder({"topic", "offset", "epoch", "recovered", "last", "history", "rows", "truncated", "ref"})
    record Subscribed(String topic, Long offset, String epoch, Boolean recovered, Notification last,
                      List<Notification> history, List<JsonValue> rows, Boolean truncated, String ref)
            implements ServerMessage {}

    /**
     * {@code {"type":"notification","topic":"orders","offset":58,"ts":"…","data":{…}}} ({@code offset} follows topic,
     * see {@link Message}). Extension: {@code trace}, the W3C {@code traceparent} the publisher gave
     * ({@link TraceParent}; docs/tracing.md), directly after {@code offset} so that it is found without parsing
     * ({@link Wire#traceOf}); absent when the notification is not traced.
     */
    @JsonbPropertyOrder({"topic", "offset", "trace", "ts", "data"})
    record Notification(String topic, Long offset, String trace, String ts, JsonValue data) implements ServerMessage {

        /** An untraced notification. */
        public static Notification of(String topic, Long offset, String ts, JsonValue data) {
            return new Notification(topic, offset, null, ts, data);
        }
    }

    /** {@code {"type":"unsubscribed","topic":"orders"}} */
    record Unsubscribed(String topic, String ref) implements ServerMessage {}
}

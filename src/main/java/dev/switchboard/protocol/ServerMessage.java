package dev.switchboard.protocol;

import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;

import java.util.List;

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

    /** {@code {"type":"joined","room":"lobby","offset":57,"epoch":"E","recovered":true,"members":[…],"history":[…]}} */
    @JsonbPropertyOrder({"room", "offset", "epoch", "recovered", "members", "history", "ref"})
    record Joined(String room, Long offset, String epoch, Boolean recovered, List<Member> members,
                  List<Message> history, String ref) implements ServerMessage {}

    /** {@code {"user":"ann"}} */
    record Member(String user) {}

    /** {@code {"type":"left","room":"lobby"}} */
    record Left(String room, String ref) implements ServerMessage {}

    /**
     * {@code {"type":"message","room":"lobby","offset":58,"id":"…","from":"ann","text":"hello","ts":"…","ref":"c-17"}}.
     * {@code offset} directly follows {@code room} so that a stored entry can be stamped with its offset by text
     * substitution ({@link Wire#template}).
     */
    @JsonbPropertyOrder({"room", "offset", "id", "from", "text", "ts", "ref"})
    record Message(String room, Long offset, String id, String from, String text, String ts, String ref)
            implements ServerMessage {}

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
     * latest page so that it can resynchronise.
     */
    @JsonbPropertyOrder({"topic", "offset", "epoch", "recovered", "last", "history", "ref"})
    record Subscribed(String topic, Long offset, String epoch, Boolean recovered, Notification last,
                      List<Notification> history, String ref) implements ServerMessage {}

    /** {@code {"type":"notification","topic":"orders","offset":58,"ts":"…","data":{…}}} ({@code offset} follows topic, see {@link Message}) */
    @JsonbPropertyOrder({"topic", "offset", "ts", "data"})
    record Notification(String topic, Long offset, String ts, JsonValue data) implements ServerMessage {}

    /** {@code {"type":"unsubscribed","topic":"orders"}} */
    record Unsubscribed(String topic, String ref) implements ServerMessage {}
}

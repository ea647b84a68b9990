package dev.switchboard.protocol;

import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;

/**
 * Every frame a client may send, on either endpoint. Wire form: one JSON object whose {@code "type"} names the
 * record, e.g. {@code {"type":"say","room":"lobby","text":"hello","ref":"c-17"}}.
 *
 * <p>Every request may carry a client-chosen {@code ref}; error frames echo it. Fields are boxed so that a missing
 * field decodes as {@code null} and is reported as {@code invalid} by the core instead of failing the decoder.
 * {@link Unreadable} is not a wire type: the decoder produces it for text that is not a valid request.
 */
@JsonbTypeInfo(key = "type", value = {
        @JsonbSubtype(alias = "join", type = ClientMessage.Join.class),
        @JsonbSubtype(alias = "leave", type = ClientMessage.Leave.class),
        @JsonbSubtype(alias = "say", type = ClientMessage.Say.class),
        @JsonbSubtype(alias = "typing", type = ClientMessage.Typing.class),
        @JsonbSubtype(alias = "whisper", type = ClientMessage.Whisper.class),
        @JsonbSubtype(alias = "history", type = ClientMessage.History.class),
        @JsonbSubtype(alias = "edit", type = ClientMessage.Edit.class),
        @JsonbSubtype(alias = "delete", type = ClientMessage.Delete.class),
        @JsonbSubtype(alias = "react", type = ClientMessage.React.class),
        @JsonbSubtype(alias = "read", type = ClientMessage.Read.class),
        @JsonbSubtype(alias = "seen", type = ClientMessage.Seen.class),
        @JsonbSubtype(alias = "ping", type = ClientMessage.Ping.class),
        @JsonbSubtype(alias = "subscribe", type = ClientMessage.Subscribe.class),
        @JsonbSubtype(alias = "unsubscribe", type = ClientMessage.Unsubscribe.class)
})
public sealed interface ClientMessage {

    /** The client's correlation id, echoed in replies and errors; may be null. */
    String ref();

    /** {@code {"type":"join","room":"lobby","since":{"offset":41,"epoch":"E"}}} */
    record Join(String room, Since since, String ref) implements ClientMessage {}

    /** {@code {"type":"leave","room":"lobby"}} */
    record Leave(String room, String ref) implements ClientMessage {}

    /** {@code {"type":"say","room":"lobby","text":"hello","ref":"c-17"}} */
    record Say(String room, String text, String ref) implements ClientMessage {}

    /** {@code {"type":"typing","room":"lobby"}} (not stored) */
    record Typing(String room, String ref) implements ClientMessage {}

    /** {@code {"type":"whisper","to":"bob","text":"psst","ref":"c-18"}} */
    record Whisper(String to, String text, String ref) implements ClientMessage {}

    /** {@code {"type":"history","room":"lobby","before":41,"limit":50}} */
    record History(String room, Long before, Integer limit, String ref) implements ClientMessage {}

    /** Chat 1.1: {@code {"type":"edit","room":"lobby","id":"<message id>","text":"new text","ref":"c-20"}} (author only) */
    record Edit(String room, String id, String text, String ref) implements ClientMessage {}

    /** Chat 1.1: {@code {"type":"delete","room":"lobby","id":"<message id>","ref":"c-21"}} (author only) */
    record Delete(String room, String id, String ref) implements ClientMessage {}

    /** Chat 1.1: {@code {"type":"react","room":"lobby","id":"<message id>","emoji":"👍","ref":"c-22"}} (a toggle) */
    record React(String room, String id, String emoji, String ref) implements ClientMessage {}

    /** Chat 1.1: {@code {"type":"read","room":"lobby","offset":58}} (the user read up to 58; not stored as an event) */
    record Read(String room, Long offset, String ref) implements ClientMessage {}

    /** Chat 1.1: {@code {"type":"seen","whisper":"<whisper id>"}} (the recipient read that whisper) */
    record Seen(String whisper, String ref) implements ClientMessage {}

    /** {@code {"type":"ping"}} */
    record Ping(String ref) implements ClientMessage {}

    /**
     * {@code {"type":"subscribe","topic":"orders","since":{"offset":41,"epoch":"E"}}}; database topics also
     * {@code {"type":"subscribe","topic":"table:orders","snapshot":true}} (the table's rows in {@code subscribed}).
     */
    record Subscribe(String topic, Since since, String ref, Boolean snapshot) implements ClientMessage {

        /** A subscribe without a snapshot. */
        public static Subscribe of(String topic, Since since, String ref) {
            return new Subscribe(topic, since, ref, null);
        }

        public boolean wantsSnapshot() {
            return Boolean.TRUE.equals(snapshot);
        }
    }

    /** {@code {"type":"unsubscribe","topic":"orders"}} */
    record Unsubscribe(String topic, String ref) implements ClientMessage {}

    /**
     * Not a wire type: what the decoder yields for text that is not a valid request (bad JSON, unknown type,
     * ill-typed field), so that the endpoint answers with an error frame and keeps the connection open.
     */
    record Unreadable(ErrorCode code, String message, String ref) implements ClientMessage {}
}

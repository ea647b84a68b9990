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

    /** {@code {"type":"ping"}} */
    record Ping(String ref) implements ClientMessage {}

    /** {@code {"type":"subscribe","topic":"orders","since":{"offset":41,"epoch":"E"}}} */
    record Subscribe(String topic, Since since, String ref) implements ClientMessage {}

    /** {@code {"type":"unsubscribe","topic":"orders"}} */
    record Unsubscribe(String topic, String ref) implements ClientMessage {}

    /**
     * Not a wire type: what the decoder yields for text that is not a valid request (bad JSON, unknown type,
     * ill-typed field), so that the endpoint answers with an error frame and keeps the connection open.
     */
    record Unreadable(ErrorCode code, String message, String ref) implements ClientMessage {}
}

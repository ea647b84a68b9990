package dev.switchboard.api;

/**
 * A CDI event that publishes a notification: {@code @Inject Event<Notify> notify; notify.fire(new Notify("orders", order));}.
 * Fired inside a transaction, it is delivered after commit (see {@link Notifications}).
 *
 * @param topic a topic name ({@code user:NAME} for one user)
 * @param data  a {@link jakarta.json.JsonValue} or any JSON-B-serialisable object
 */
public record Notify(String topic, Object data) {}

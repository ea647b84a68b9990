package dev.switchboard.api;

import dev.switchboard.store.Appended;
import dev.switchboard.Switchboard;
import dev.switchboard.core.Trace;
import dev.switchboard.protocol.Names;
import dev.switchboard.protocol.Wire;
import jakarta.json.JsonValue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Publishes notifications from application code, without CDI:
 * <pre>{@code
 * Notifications.publish("orders", Json.createObjectBuilder().add("id", 42).add("status", "shipped").build());
 * Notifications.publishToUser("ann", new OrderShipped(42));   // any JSON-B-serialisable object
 * }</pre>
 * Inside a JTA transaction (where the container has one), the notification is delivered only after the
 * transaction commits, and never when it rolls back; outside one, at once. Where the application has the
 * OpenTelemetry API, the current span's trace context travels with the notification as {@code "trace"}
 * (docs/tracing.md). The returned stage completes with the
 * stored offset once it is published, or exceptionally ({@link RolledBackException}) when the transaction rolled back.
 */
public final class Notifications {

    private Notifications() {
    }

    public static CompletionStage<Appended> publish(String topic, JsonValue data) {
        return publish(topic, data, Tracing.currentTraceparent());
    }

    /**
     * Publishes with an explicit W3C {@code traceparent} (docs/tracing.md), for callers that carry trace context
     * without the OpenTelemetry API; an invalid or null value publishes untraced. {@link #publish(String, JsonValue)}
     * takes the current OpenTelemetry span's context instead, where the application has the OpenTelemetry API.
     */
    public static CompletionStage<Appended> publish(String topic, JsonValue data, String traceparent) {
        Switchboard switchboard = Switchboard.running();
        switchboard.hub(); // fail fast on a stopped instance
        if (!Names.isTopic(topic)) {
            throw new IllegalArgumentException("bad topic name: " + Names.TOPIC_RULE);
        }
        Trace trace = Trace.accepted(traceparent, topic, "java"); // now, not after commit: the caller's context
        CompletableFuture<Appended> done = new CompletableFuture<>();
        Runnable send = () -> {
            try {
                switchboard.publishAsync(topic, data, trace).whenComplete((appended, failure) -> {
                    if (failure != null) {
                        done.completeExceptionally(failure);
                    } else {
                        done.complete(appended);
                    }
                });
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        };
        if (!Transactions.afterCommit(send, () -> done.completeExceptionally(new RolledBackException(topic)))) {
            send.run();
        }
        return done;
    }

    /** Publishes any object JSON-B can serialise (records, beans, maps). */
    public static CompletionStage<Appended> publish(String topic, Object data) {
        return publish(topic, Wire.toJsonValue(data));
    }

    /** Publishes any object JSON-B can serialise with an explicit W3C {@code traceparent} (see above). */
    public static CompletionStage<Appended> publish(String topic, Object data, String traceparent) {
        return publish(topic, Wire.toJsonValue(data), traceparent);
    }

    /** Publishes to the private topic {@code user:NAME}, which only that user may subscribe to. */
    public static CompletionStage<Appended> publishToUser(String user, Object data) {
        return publish(Names.userTopic(user), data);
    }

    /** The transaction the notification belonged to rolled back: it was not sent. */
    public static final class RolledBackException extends RuntimeException {
        RolledBackException(String topic) {
            super("transaction rolled back; nothing was published to " + topic, null, false, false);
        }
    }
}

package dev.switchboard.api;

import dev.switchboard.LiveDatabase;
import dev.switchboard.Switchboard;
import dev.switchboard.core.Trace;
import dev.switchboard.store.Appended;
import dev.switchboard.protocol.Names;
import dev.switchboard.protocol.Wire;
import jakarta.json.JsonValue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Publishes notifications from application code, without CDI:
 * <pre>{@code
 * Notifications.publish("orders", Json.createObjectBuilder().add("id", 42).add("status", "shipped").build());
 * Notifications.publishToUser("ann", new OrderShipped(42));   // any JSON-B-serialisable object
 * }</pre>
 * Inside a transaction (Spring's {@code @Transactional}, or JTA where the container has it), the notification is
 * delivered only after the transaction commits, and never when it rolls back; outside one, at once. Where the
 * transaction writes to Switchboard's database, the publish goes through the database's outbox in the same
 * transaction, so it survives a crash right after the commit: a Spring transaction holding a connection of the
 * application's DataSource with {@code dbUseAppDataSource} (Spring Boot), a JTA one with {@code dbDataSource}.
 * Otherwise it is held in memory until the commit.
 * {@link #publish(Connection, String, Object)} writes to the outbox in a JDBC transaction of the caller's (Spring's
 * {@code DataSourceUtils.getConnection} included). Where the application has the OpenTelemetry API, the current span's
 * trace context travels with the notification as {@code "trace"} (docs/tracing.md). The returned stage completes with the
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
        if (Names.isTableTopic(topic)) {
            throw new IllegalArgumentException(Names.TABLE_RULE);
        }
        LiveDatabase db = switchboard.database();
        DurablePublish.Write write = db == null ? null : Transactions.outboxWrite(db, topic, data);
        if (write != null) {
            return DurablePublish.publish(switchboard, db, topic, data, write);
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

    /**
     * Writes a notification into Switchboard's outbox in the transaction of {@code connection} (plain JDBC, Spring's
     * {@code DataSourceUtils.getConnection}, a JTA-enlisted connection alike; it must reach the database of
     * {@code dbUrl}/{@code dbDataSource}). It is delivered after the commit, exactly once, also when a node dies in
     * between; after a rollback, never. Does not commit.
     *
     * @throws IllegalStateException no database is configured
     * @throws IllegalArgumentException a bad topic name, or a {@code table:} topic (the relay's own)
     * @throws SQLException the insert failed (roll the transaction back)
     */
    public static void publish(Connection connection, String topic, Object data) throws SQLException {
        LiveDatabase db = Switchboard.running().database();
        if (db == null) {
            throw new IllegalStateException("no database is configured: publishing in a transaction needs dbUrl or "
                    + "dbDataSource (Switchboard's outbox lives in that database)");
        }
        db.outbox().write(connection, topic, Wire.toJsonValue(data));
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

package dev.switchboard.api;

import dev.switchboard.LiveDatabase;
import dev.switchboard.Switchboard;
import dev.switchboard.store.Appended;
import jakarta.json.JsonValue;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link Notifications#publish(String, JsonValue)} inside a transaction that can carry the outbox row (see
 * {@link Transactions#outboxWrite}: a Spring transaction holding a connection of the application's DataSource where
 * {@code dbUseAppDataSource} is set, or a JTA transaction where {@code dbDataSource} is set): the notification goes
 * into the outbox in that transaction, so it is delivered after the commit exactly once, also when this node dies
 * right after the commit; after a rollback, never. The stage completes with the stored entry after the commit (or fails with
 * {@link dev.switchboard.OffsetUnknownException} when that cannot be learned; the notification is delivered anyway),
 * or fails with {@link Notifications.RolledBackException}.
 */
final class DurablePublish {

    private DurablePublish() {
    }

    /** Writes the outbox row in the caller's transaction (not committed); returns its id. */
    interface Write {
        long row() throws SQLException;
    }

    static CompletionStage<Appended> publish(Switchboard switchboard, LiveDatabase db, String topic, JsonValue data,
                                             Write write) {
        long id;
        try {
            id = write.row();
        } catch (SQLException e) {
            throw new IllegalStateException("could not write the notification to the outbox: " + e.getMessage(), e);
        }
        CompletableFuture<Appended> done = new CompletableFuture<>();
        // the topic's head before the commit: the relay cannot have published the row before it (see OutboxLookups)
        AtomicLong headBefore = new AtomicLong(-1);
        Runnable before = () -> {
            try {
                headBefore.set(switchboard.hub().head(topic));
            } catch (RuntimeException e) {
                // unknown: the stage will say so; the commit must go on
            }
        };
        Runnable committed = () -> db.published(topic, data, id, headBefore.get()).whenComplete((appended, failure) -> {
            if (failure != null) {
                done.completeExceptionally(failure);
            } else {
                done.complete(appended);
            }
        });
        if (!Transactions.around(before, committed, () -> done.completeExceptionally(
                new Notifications.RolledBackException(topic)))) {
            committed.run(); // the transaction ended in between: the row committed on its own
        }
        return done;
    }
}

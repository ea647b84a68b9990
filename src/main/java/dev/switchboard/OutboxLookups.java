package dev.switchboard;

import dev.switchboard.core.Hub;
import dev.switchboard.db.Database;
import dev.switchboard.store.Appended;
import jakarta.json.JsonValue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What a JTA publish through the outbox completes with: the notification's stored entry (offset, epoch), learned
 * after the commit. The relay delivers the row whatever happens here; this only tells the caller where it went.
 *
 * <p>Rule: after the commit, one {@link Database#flush flush} publishes everything committed (this node, under the
 * relay lock; or another relay did it first, then the flush waits for that relay's step to end). Then an append with
 * the row's de-duplication key stores nothing and returns the original entry, provided the original is still in the
 * topic's history: it is newer than {@code headBefore} (read before the commit, when no relay could see the row), so
 * it is while {@code head - headBefore < historySize}. Otherwise (or {@code headBefore} unknown, or the database away)
 * nothing is appended and the stage fails with {@link OffsetUnknownException}: the notification is delivered all the
 * same, only its offset is not known here.
 *
 * <p>Threads: one thread of its own, started when needed; the rows that wait while a flush runs share the next one.
 */
final class OutboxLookups implements AutoCloseable {

    private record Waiting(String topic, JsonValue data, long id, long headBefore, CompletableFuture<Appended> done) {}

    private final Hub hub;
    private final Database database;
    private final int historySize;
    private final ThreadPoolExecutor executor;
    /** Guarded by itself. */
    private final List<Waiting> waiting = new ArrayList<>();

    OutboxLookups(Hub hub, Database database, int historySize) {
        this.hub = hub;
        this.database = database;
        this.historySize = historySize;
        this.executor = new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "switchboard-outbox-lookups");
            t.setDaemon(true);
            return t;
        });
    }

    CompletionStage<Appended> published(String topic, JsonValue data, long outboxId, long headBefore) {
        Waiting w = new Waiting(topic, data, outboxId, headBefore, new CompletableFuture<>());
        boolean first;
        synchronized (waiting) {
            first = waiting.isEmpty();
            waiting.add(w);
        }
        if (first) {
            try {
                executor.execute(this::run);
            } catch (RejectedExecutionException e) {
                take().forEach(x -> x.done.completeExceptionally(new OffsetUnknownException(x.topic, "shutting down")));
            }
        }
        return w.done;
    }

    private List<Waiting> take() {
        synchronized (waiting) {
            List<Waiting> batch = new ArrayList<>(waiting);
            waiting.clear();
            return batch;
        }
    }

    private void run() {
        List<Waiting> batch = take();
        try {
            database.flush();
        } catch (RuntimeException e) {
            batch.forEach(w -> w.done.completeExceptionally(new OffsetUnknownException(w.topic,
                    "the outbox could not be published after the commit (" + e.getMessage()
                            + "); the relay delivers it when it can")));
            return;
        }
        for (Waiting w : batch) {
            try {
                if (w.headBefore < 0 || hub.head(w.topic) - w.headBefore >= historySize) {
                    w.done.completeExceptionally(new OffsetUnknownException(w.topic,
                            "it may have left the topic's history already"));
                    continue;
                }
                hub.relayed(w.topic, w.data, database.dedupKey(w.id)).whenComplete((appended, failure) -> {
                    if (failure != null) {
                        w.done.completeExceptionally(new OffsetUnknownException(w.topic, failure.toString()));
                    } else {
                        w.done.complete(appended);
                    }
                });
            } catch (RuntimeException e) {
                w.done.completeExceptionally(new OffsetUnknownException(w.topic, e.toString()));
            }
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}

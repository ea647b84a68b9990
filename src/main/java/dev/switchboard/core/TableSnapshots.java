package dev.switchboard.core;

import dev.switchboard.db.Snapshot;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Names;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.Wire;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Entry;
import dev.switchboard.store.Log;
import dev.switchboard.store.Slice;
import jakarta.json.JsonObject;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Subscribes with {@code snapshot:true} to database topics ({@code table:NAME}): {@code subscribed} carries the table's
 * rows and the offset they are consistent with; every change after that offset follows, none before it is sent again.
 *
 * <p><b>Why it is consistent.</b> {@link Membership} attaches the subscription (it buffers live entries) and waits
 * until the bus delivers the topic to this node before it hands the subscription here; from then on every entry
 * appended to the topic reaches the buffer. The snapshot starts after that: the database publishes everything
 * committed in its database snapshot, then reads the topic's head {@code O}, then the rows in that same database
 * snapshot ({@link dev.switchboard.db.Relay}), so the rows hold exactly the changes up to {@code O}. Every entry above
 * {@code O} was appended after {@code O} was read, so after the subscription went live: it is in the buffer.
 * {@link Subscription#activate} sends the reply, drops buffered entries at or below {@code O} (they are in the rows)
 * and sends the rest in order. The same holds for every subscription that waited here before the snapshot started,
 * so one snapshot answers all of them.
 *
 * <p><b>Threads.</b> Requests come from the thread that found the membership live (a container thread or the hub's
 * worker); snapshots block on the database and run on one thread of their own (the database serialises them anyway),
 * started when needed and ended when idle. At most one snapshot per table waits to run: the requests that come while
 * one runs share the next.
 */
final class TableSnapshots {

    private static final Logger LOG = System.getLogger(TableSnapshots.class.getName());

    private record Waiting(ChannelRules rules, Subscription sub, String ref) {}

    private final Membership membership;
    private final Log log;
    private final long maxBytes;
    private final ThreadPoolExecutor executor;
    /** Subscriptions waiting for their table's next snapshot, by table; guarded by itself. */
    private final Map<String, List<Waiting>> waiting = new HashMap<>();
    private volatile TableSource source = TableSource.NONE;

    /** @param maxBytes UTF-8 bytes of rows in one reply (the reply must fit into a connection's outbox) */
    TableSnapshots(Membership membership, Log log, long maxBytes) {
        this.membership = membership;
        this.log = log;
        this.maxBytes = maxBytes;
        this.executor = new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "switchboard-table-snapshots");
            t.setDaemon(true);
            return t;
        });
    }

    void source(TableSource source) {
        this.source = source == null ? TableSource.NONE : source;
    }

    boolean watches(String table) {
        return source.watches(table);
    }

    /** A live subscription of a table topic that asked for the rows: answered by the table's next snapshot. */
    void request(ChannelRules rules, Subscription sub, String ref) {
        String table = Names.table(sub.channel.name());
        boolean first;
        synchronized (waiting) {
            List<Waiting> list = waiting.computeIfAbsent(table, t -> new ArrayList<>());
            first = list.isEmpty();
            list.add(new Waiting(rules, sub, ref));
        }
        if (first) {
            try {
                executor.execute(() -> answer(table));
            } catch (RejectedExecutionException e) { // shutting down
                answer(table);
            }
        }
    }

    private void answer(String table) {
        List<Waiting> batch;
        synchronized (waiting) {
            batch = waiting.remove(table);
        }
        if (batch == null) {
            return;
        }
        // those that left (or subscribed again) meanwhile need nothing
        batch.removeIf(w -> w.sub.connection.subscriptions.get(w.sub.channel) != w.sub);
        if (batch.isEmpty()) {
            return;
        }
        String topic = Names.TABLE_TOPIC_PREFIX + table;
        Snapshot snapshot;
        Slice at;
        try {
            if (executor.isShutdown()) {
                throw new IllegalStateException("shutting down");
            }
            snapshot = source.snapshot(table, maxBytes);
            at = log.readBefore(ChannelId.topic(topic), snapshot.offset() + 1, 1); // epoch and last, as of O
        } catch (IllegalArgumentException e) {
            batch.forEach(w -> membership.fail(w.rules, w.sub, ErrorCode.NOT_FOUND, notWatched(topic), w.ref));
            return;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "no snapshot of table {0} for {1} subscriber(s): {2}", table, batch.size(),
                    e.toString());
            batch.forEach(w -> membership.fail(w.rules, w.sub, ErrorCode.UNAVAILABLE,
                    "the rows of " + topic + " cannot be read right now; try again", w.ref));
            return;
        }
        List<String> rowTexts = new ArrayList<>(snapshot.rows().size());
        for (JsonObject row : snapshot.rows()) {
            rowTexts.add(row.toString());
        }
        String rows = Wire.rawArray(rowTexts);
        Entry last = at.entries().isEmpty() ? null : at.entries().get(at.entries().size() - 1);
        for (Waiting w : batch) {
            String reply = Wire.encode(new ServerMessage.Subscribed(topic, snapshot.offset(), at.epoch(), false, null,
                    null, null, snapshot.truncated() ? Boolean.TRUE : null, w.ref));
            if (last != null) {
                reply = Wire.withRawField(reply, "last", last.json());
            }
            membership.activate(w.sub, List.of(Wire.withRawField(reply, "rows", rows)), snapshot.offset());
        }
    }

    static String notWatched(String topic) {
        return "no watched database table " + Names.table(topic) + " (topics table:NAME exist for the tables of dbWatch)";
    }

    void shutdown() {
        executor.shutdownNow();
    }
}

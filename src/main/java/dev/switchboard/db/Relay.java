package dev.switchboard.db;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Moves committed outbox rows to the topics, in order, exactly once; and takes consistent table snapshots.
 *
 * <p><b>What is committed, in what order.</b> The relay reads the outbox in id order; a statement sees exactly the
 * rows of committed transactions (MVCC), so a row of a transaction still running is simply not there yet, and is read
 * once it commits. Nothing can be skipped: the relay has no cursor that could move past an uncommitted id; a row is
 * deleted only after it was published. Changes of one table row arrive in commit order: the second writer of a row
 * waits for the first one's row lock, so its trigger (and its outbox id) comes after the first transaction ended,
 * which is then visible to any statement that sees the second.
 *
 * <p><b>Exactly once.</b> A batch is claimed (its ids written to {@code switchboard_relay.pending} and committed)
 * before any of it is published, and deleted with the claim's end in one transaction after all of it is. Each
 * notification carries the de-duplication key {@code <install id>:<outbox id>}, so a batch published again (the node
 * died before the delete, or two relays overlapped) is stored once. A claimed batch is always finished before
 * anything newer is claimed, so a re-published batch reaches the sink right after its first attempt, well inside the
 * history the sink de-duplicates against ({@link DbConfig#batchSize()}).
 *
 * <p><b>Snapshots.</b> Under the relay lock no other relay can claim; the snapshot step finishes a claimed batch,
 * opens a snapshot transaction S, publishes every outbox row visible in S, reads the topic's head O and the table's
 * rows in S. Every change committed in S has an offset at or below O; every other change is published later, above O.
 *
 * <p>Threads: the relay thread and snapshot callers; {@link #steps} makes them take turns (they share connections),
 * fairly, so a long drain does not starve a subscriber.
 */
final class Relay implements AutoCloseable {

    private static final Logger LOG = System.getLogger(Relay.class.getName());
    /** A relay lock holder idle for this long (hung, partitioned) loses the lock (PostgreSQL). */
    static final long LOCK_IDLE_LIMIT_MS = 60_000;
    /** How long one publish may take before the step is abandoned (and retried). */
    static final long PUBLISH_TIMEOUT_MS = 30_000;
    /** How long a snapshot waits for the relay lock. */
    static final long SNAPSHOT_LOCK_WAIT_MS = 10_000;
    /** UTF-8 bytes of row JSON in one snapshot at most: beyond it the snapshot is truncated (memory, frame size). */
    static final long SNAPSHOT_MAX_BYTES = 4L << 20;

    private final Dialect dialect;
    private final Connector connector;
    private final OutboxTable tables;
    private final Tables watched;
    private final TopicSink sink;
    private final String installId;
    private final int batchSize;
    private final RelayLock lock;
    private final ReentrantLock steps = new ReentrantLock(true);
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private Connection work;
    private Connection reader;

    Relay(Dialect dialect, Connector connector, OutboxTable tables, List<WatchedTable> watched, TopicSink sink,
          String installId, int batchSize) {
        this.dialect = dialect;
        this.connector = connector;
        this.tables = tables;
        this.watched = new Tables(watched);
        this.sink = sink;
        this.installId = installId;
        this.batchSize = batchSize;
        this.lock = new RelayLock(connector, dialect, tables);
    }

    /**
     * Publishes one batch: the claimed one if a step did not finish it, else the oldest committed rows. Returns how
     * many rows it handled (0: the outbox is empty), or -1 when another relay kept the lock for {@code lockWaitMs} or
     * claimed meanwhile.
     */
    int relayBatch(long lockWaitMs) throws SQLException {
        Integer handled = underLock(lockWaitMs, () -> {
            Connection c = work();
            List<Long> claimed = tables.pending(c);
            if (!claimed.isEmpty()) {
                publishAndFinish(c, claimed, tables.byIds(c, claimed));
                return claimed.size();
            }
            List<Change> batch = tables.after(c, 0, batchSize);
            if (batch.isEmpty()) {
                c.commit();
                return 0;
            }
            if (!tables.claim(c, ids(batch))) {
                return -1;
            }
            publishAndFinish(c, ids(batch), batch);
            return batch.size();
        });
        return handled == null ? -1 : handled;
    }

    /** What runs under the relay lock. */
    private interface Locked<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code work} with this node's steps one at a time and the cluster's relay lock held; null when another relay
     * kept the lock for {@code waitMs}. A failure closes the connections (they may be broken) and is rethrown.
     */
    private <T> T underLock(long waitMs, Locked<T> work) throws SQLException {
        steps.lock();
        try {
            if (!lock.acquire(waitMs)) {
                return null;
            }
            try {
                return work.run();
            } finally {
                lock.release();
            }
        } catch (SQLException e) {
            closeConnections();
            throw e;
        } finally {
            steps.unlock();
        }
    }

    /** A snapshot of the table of {@code topic} (a watched one): at most {@code limit} rows and {@code maxBytes}. */
    Snapshot snapshot(String topic, int limit, long maxBytes) throws SQLException {
        Snapshot snapshot = underLock(SNAPSHOT_LOCK_WAIT_MS, () -> {
            Connection r = null;
            try {
                r = reader();
                dialect.beginSnapshot(r); // S is taken by the first read in publishCommitted, after the lock was granted
                publishCommitted(r);
                long offset = sink.head(topic);
                Snapshot out = rows(r, watched.get(topic), limit, Math.min(maxBytes, SNAPSHOT_MAX_BYTES), offset);
                r.commit();
                lock.verifyHeld();
                return out;
            } finally {
                if (r != null && !r.getAutoCommit()) {
                    r.rollback();
                }
            }
        });
        if (snapshot == null) {
            throw new SQLException("another relay held the relay lock for " + SNAPSHOT_LOCK_WAIT_MS + " ms");
        }
        return snapshot;
    }

    /**
     * Publishes every outbox row visible to {@code reader} (all of it, in batches, after finishing a claimed one) under
     * the relay lock held by the caller: afterwards everything committed in the reader's snapshot has its offset.
     */
    private void publishCommitted(Connection reader) throws SQLException {
        Connection c = work();
        List<Long> claimed = tables.pending(c);
        publishAndFinish(c, claimed, tables.byIds(c, claimed));
        long after = 0;
        for (List<Change> batch; !(batch = tables.after(reader, after, batchSize)).isEmpty(); ) {
            if (!tables.claim(c, ids(batch))) {
                throw new SQLException("the relay lock was lost (another relay claimed)");
            }
            publishAndFinish(c, ids(batch), batch);
            after = batch.get(batch.size() - 1).id();
        }
    }

    /**
     * Publishes everything committed now, whether or not this node is the cluster's relay (the relay lock keeps the
     * order): a node that just committed an outbox row has it published at once. False when another relay kept the
     * lock for {@code lockWaitMs}.
     */
    boolean flush(long lockWaitMs) throws SQLException {
        return underLock(lockWaitMs, () -> {
            Connection c = work();
            publishCommitted(c);
            c.commit();
            return true;
        }) != null;
    }

    private Snapshot rows(Connection r, WatchedTable table, int limit, long maxBytes, long offset) throws SQLException {
        List<JsonObject> rows = new ArrayList<>();
        boolean truncated = false;
        long bytes = 0;
        try (PreparedStatement s = r.prepareStatement(dialect.rowsQuery(table, limit + 1));
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                JsonObject row = rows.size() < limit ? dialect.readRow(rs, table) : null;
                bytes += row == null ? 0 : utf8Length(row.toString()) + 1;
                if (row == null || bytes > maxBytes) {
                    truncated = true;
                    break;
                }
                rows.add(row);
            }
        }
        return new Snapshot(rows, truncated, offset);
    }

    /** Bytes of {@code text} in UTF-8, without encoding it. */
    static long utf8Length(String text) {
        long n = 0;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch < 0x80) {
                n++;
            } else if (ch < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(ch) && i + 1 < text.length()) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /**
     * Publishes a claimed batch in id order, then deletes its rows and ends the claim. {@code rows} may be fewer than
     * {@code claimed} (rows deleted by an administrator, or by a relay that finished the batch meanwhile).
     */
    private void publishAndFinish(Connection c, List<Long> claimed, List<Change> rows) throws SQLException {
        c.commit(); // the reads that found the rows
        for (Change change : rows) {
            publish(change, change.isTableChange() && change.data() instanceof JsonObject row
                    ? watched.describing(c, change.topic(), row) : null);
        }
        tables.finish(c, claimed);
    }

    /** Publishes one row, waiting for the sink, so that one topic's offsets follow the outbox's order. */
    private void publish(Change change, WatchedTable table) {
        JsonValue data = notification(change, table);
        if (data == null) {
            dropped.incrementAndGet();
            return;
        }
        try {
            sink.publish(change.topic(), data, dedupKey(change.id())).toCompletableFuture()
                    .get(PUBLISH_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            published.incrementAndGet();
        } catch (ExecutionException e) {
            throw new PublishFailedException(change.topic(), e.getCause());
        } catch (TimeoutException e) {
            throw new PublishFailedException(change.topic(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishFailedException(change.topic(), e);
        }
    }

    /** What to publish for a row, or null (logged) when the row cannot be published and must not block the rest. */
    private JsonValue notification(Change change, WatchedTable table) {
        String problem = null;
        if (!Topics.valid(change.topic())) {
            problem = "not a topic name";
        } else if (change.data() == null) {
            problem = "data is not JSON";
        } else if (!change.isTableChange()) {
            return change.data();
        } else if (table == null) {
            problem = "the table is not watched (any more)";
        } else if (change.data().getValueType() != JsonValue.ValueType.OBJECT) {
            problem = "the row is not a JSON object";
        } else {
            return Change.notification(table, change.op(), dialect.row(table, change.data().asJsonObject()),
                    change.oldKey());
        }
        LOG.log(Level.WARNING, "outbox row {0} for topic {1} dropped: {2}", Long.toString(change.id()),
                change.topic(), problem);
        return null;
    }

    /** The de-duplication key of an outbox row: unique per installation (see {@link OutboxTable}). */
    String dedupKey(long outboxId) {
        return installId + ":" + outboxId;
    }

    private static List<Long> ids(List<Change> batch) {
        return batch.stream().map(Change::id).toList();
    }

    private Connection work() throws SQLException {
        if (work == null) {
            work = connector.open();
            work.setAutoCommit(false);
        }
        return work;
    }

    private Connection reader() throws SQLException {
        if (reader == null) {
            reader = connector.open();
        }
        return reader;
    }

    long published() {
        return published.get();
    }

    long dropped() {
        return dropped.get();
    }

    private void closeConnections() {
        for (Connection c : new Connection[] {work, reader}) {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException e) {
                    // broken already
                }
            }
        }
        work = null;
        reader = null;
        lock.close();
    }

    @Override
    public void close() {
        steps.lock();
        try {
            closeConnections();
        } finally {
            steps.unlock();
        }
    }

    /** The sink did not store a notification (the store is unreachable): the batch stays claimed, to be retried. */
    static final class PublishFailedException extends RuntimeException {
        PublishFailedException(String topic, Throwable cause) {
            super("could not publish to " + topic + ": " + cause, cause);
        }
    }
}

package switchboard.bench;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Commits rows to a watched table, paced open-loop: {@code INSERT INTO <table> (id, b) VALUES (?, ?)}, one commit
 * each (autocommit), on {@code writers} connections in parallel (a single connection would measure the database's
 * commit latency, not Switchboard). Column {@code b} carries the {@link Tag}; its time is read on the writing thread
 * just before the statement is executed, so a client's latency runs from the commit (including it) to the delivery,
 * on this process's monotonic clock. A tick finds the hand-over queue full: counted as skipped, not queued.
 */
final class DbWriter extends Source implements AutoCloseable {
    private final Bench bench;
    private final String insert;
    private final BlockingQueue<Long> queue;
    private final List<Thread> threads = new ArrayList<>();
    private final List<Connection> connections = new ArrayList<>();
    /** Rows handed over and not yet committed (or failed). */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean closed;

    DbWriter(Bench bench, String url, String user, String table, int writers) throws SQLException {
        this.bench = bench;
        this.insert = "INSERT INTO " + table + " (id, b) VALUES (?, ?)";
        this.queue = new ArrayBlockingQueue<>(Math.max(4, 4 * writers));
        try (Connection c = DriverManager.getConnection(url, user, "");
             PreparedStatement last = c.prepareStatement("SELECT COALESCE(MAX(id), 0) FROM " + table);
             var rs = last.executeQuery()) {
            rs.next();
            ids.set(rs.getLong(1));
        }
        for (int i = 0; i < writers; i++) {
            Connection c = DriverManager.getConnection(url, user, "");
            c.setAutoCommit(true);
            connections.add(c);
            Thread t = new Thread(() -> write(c), "db-writer-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    @Override
    void sendOne(long now) {
        inFlight.incrementAndGet();
        if (queue.offer(ids.incrementAndGet())) {
            sent.incrementAndGet();
        } else {
            inFlight.decrementAndGet();
            skipped.incrementAndGet(); // every writer busy and the queue full: the database is the limit here
        }
    }

    private void write(Connection c) {
        byte[] p = new byte[64 + bench.textChars];
        try (PreparedStatement s = c.prepareStatement(insert)) {
            while (!closed) {
                Long id = queue.poll(100, TimeUnit.MILLISECONDS);
                if (id == null) continue;
                try {
                    long now = System.nanoTime();
                    int n = Tag.write(p, 0, bench.step, now >= bench.measureStart ? (byte) 'M' : (byte) 'W', 0, id,
                            now - bench.base, bench.textChars);
                    s.setLong(1, id);
                    s.setString(2, new String(p, 0, n, StandardCharsets.US_ASCII));
                    s.executeUpdate();
                    accepted.incrementAndGet();
                } catch (SQLException e) {
                    failed.incrementAndGet();
                    bench.countError("sql:" + e.getSQLState());
                } finally {
                    inFlight.decrementAndGet();
                }
            }
        } catch (SQLException e) {
            bench.countError("sql:" + e.getSQLState());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    boolean awaitIdle(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (inFlight.get() > 0) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(1);
        }
        return true;
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Connection c : connections) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }
}

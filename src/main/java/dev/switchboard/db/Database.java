package dev.switchboard.db;

import javax.sql.DataSource;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The database side of Switchboard: at {@link #start} it checks the watched tables, installs the outbox and triggers
 * (or checks them, with {@code dbInstall=false}) and starts the relay thread; it takes {@link #snapshot snapshots}
 * for subscribers, and hands out the {@link #outbox() outbox} for transactional publishing.
 *
 * <p>The relay thread relays only while {@code isRelay} says this node is the relay (the cluster's lease, asked before
 * every batch and at least every {@code dbPollMs}); it is woken by the database (PostgreSQL's NOTIFY) or by the poll.
 * A failure (database or store away) is logged once and retried with a growing pause, up to {@link #MAX_BACKOFF_MS};
 * nothing is lost meanwhile, since rows stay in the outbox until published.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = System.getLogger(Database.class.getName());
    static final long MAX_BACKOFF_MS = 10_000;

    private final DbConfig config;
    private final Connector connector;
    private final List<String> tables;
    private final Map<String, List<String>> keys;
    private final Relay relay;
    private final Outbox outbox;
    private final Wakeups wakeups;
    private final BooleanSupplier isRelay;
    private final Thread thread;
    private volatile boolean running = true;

    private Database(DbConfig config, Connector connector, List<String> tables, Map<String, List<String>> keys,
                     Relay relay, Outbox outbox, Wakeups wakeups, BooleanSupplier isRelay) {
        this.config = config;
        this.connector = connector;
        this.tables = tables;
        this.keys = Map.copyOf(keys);
        this.relay = relay;
        this.outbox = outbox;
        this.wakeups = wakeups;
        this.isRelay = isRelay;
        this.thread = new Thread(this::run, "switchboard-db-relay");
        this.thread.setDaemon(true);
    }

    /**
     * Checks, installs and starts; a {@link DatabaseSetupException} says why it cannot (a watched table missing or
     * without primary key, the database unreachable, no privilege to install).
     */
    public static Database start(DbConfig config, TopicSink sink, BooleanSupplier isRelay) {
        return start(config, null, sink, isRelay);
    }

    /**
     * As {@link #start(DbConfig, TopicSink, BooleanSupplier)}, with connections from {@code dataSource} (the
     * application's, {@code dbUseAppDataSource}) instead of {@code config}'s dbUrl/dbDataSource; null: those.
     */
    public static Database start(DbConfig config, DataSource dataSource, TopicSink sink,
                                 BooleanSupplier isRelay) {
        Connector connector = new Connector(config, dataSource);
        try (Connection c = connector.open()) {
            Dialect dialect = Dialect.of(c);
            String schema = c.getSchema();
            List<WatchedTable> tables = Catalog.resolve(c, config.watch());
            Installer.install(c, dialect, schema, tables, config.install());
            c.setAutoCommit(false);
            OutboxTable outboxTable = new OutboxTable(dialect, schema);
            String installId = outboxTable.installId(c);
            List<String> names = tables.stream().map(WatchedTable::name).toList();
            Map<String, List<String>> keys = new LinkedHashMap<>();
            tables.forEach(t -> keys.put(t.name(), t.key()));
            Relay relay = new Relay(dialect, connector, outboxTable, tables, sink, installId, config.batchSize());
            Database db = new Database(config, connector, names, keys, relay, new Outbox(dialect, outboxTable),
                    dialect.wakeups(connector), isRelay);
            db.thread.start();
            LOG.log(Level.INFO, "{0} database: publishing tables {1} on topics table:NAME; outbox {2}",
                    dialect.product(), names, outboxTable.outbox());
            return db;
        } catch (SQLException e) {
            throw new DatabaseSetupException("Cannot use the database (" + connector.describe() + "): " + e.getMessage(),
                    e);
        }
    }

    /**
     * The SQL that installs Switchboard in the database of {@code config} for its watched tables (what start runs, or
     * prints with {@code dbInstall=false}), one statement per item; PostgreSQL's function bodies hold semicolons, so
     * run them one by one, or the whole {@link #script script} with psql.
     */
    public static List<String> installSql(DbConfig config) {
        return sql(config, true);
    }

    /** The SQL that removes everything Switchboard installed (the triggers, functions, outbox and relay tables). */
    public static List<String> uninstallSql(DbConfig config) {
        return sql(config, false);
    }

    /** Statements as one script ({@code psql -f}). */
    public static String script(List<String> statements) {
        return Installer.script(statements);
    }

    private static List<String> sql(DbConfig config, boolean install) {
        try (Connection c = new Connector(config).open()) {
            Dialect dialect = Dialect.of(c);
            return install ? dialect.installSql(c, c.getSchema(), Catalog.resolve(c, config.watch()))
                    : dialect.uninstallSql(c, c.getSchema());
        } catch (SQLException e) {
            throw new DatabaseSetupException("Cannot read the database: " + e.getMessage(), e);
        }
    }

    /** The watched tables' names, as in their topics ({@code orders} for {@code table:orders}). */
    public List<String> tables() {
        return tables;
    }

    /** The primary-key columns of a watched table, as named in its rows (empty for a table not watched). */
    public List<String> key(String table) {
        return keys.getOrDefault(table, List.of());
    }

    /**
     * The table's current rows (at most {@code limit} and dbSnapshotLimit) and the offset of its topic they are
     * consistent with. Blocks while it publishes what is committed and reads the rows: call it off I/O threads.
     *
     * @throws IllegalArgumentException the table is not watched
     * @throws DatabaseUnavailableException the database or the store could not be reached
     */
    public Snapshot snapshot(String table, int limit) {
        return snapshot(table, limit, Relay.SNAPSHOT_MAX_BYTES);
    }

    /** As {@link #snapshot(String, int)}, with at most {@code maxBytes} of rows (UTF-8 JSON); beyond it truncated. */
    public Snapshot snapshot(String table, int limit, long maxBytes) {
        if (!tables.contains(table)) {
            throw new IllegalArgumentException("table " + table + " is not watched (dbWatch)");
        }
        requireRunning();
        try {
            return relay.snapshot(WatchedTable.TOPIC_PREFIX + table, Math.max(0, Math.min(limit, config.snapshotLimit())),
                    maxBytes);
        } catch (SQLException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new DatabaseUnavailableException("no snapshot of " + table + ": " + e.getMessage(), e);
        }
    }

    /** Writes notifications in the caller's transaction. */
    public Outbox outbox() {
        return outbox;
    }

    /**
     * Publishes everything committed in the outbox now, on the calling thread, whether or not this node is the
     * cluster's relay (the relay lock keeps one order): for a node that just committed an outbox row. Blocks.
     *
     * @throws DatabaseUnavailableException the database or the store could not be reached, or another relay kept the
     *                                      relay lock for {@link Relay#SNAPSHOT_LOCK_WAIT_MS}
     */
    public void flush() {
        requireRunning();
        try {
            if (!relay.flush(Relay.SNAPSHOT_LOCK_WAIT_MS)) {
                throw new DatabaseUnavailableException("another relay held the relay lock for "
                        + Relay.SNAPSHOT_LOCK_WAIT_MS + " ms", null);
            }
        } catch (SQLException | RuntimeException e) {
            throw e instanceof DatabaseUnavailableException d ? d
                    : new DatabaseUnavailableException("could not publish the outbox: " + e.getMessage(), e);
        }
    }

    /** After {@link #close} nothing opens connections again. */
    private void requireRunning() {
        if (!running) {
            throw new DatabaseUnavailableException("the database side is closed (shutting down)", null);
        }
    }

    /** The de-duplication key the relay publishes the outbox row {@code outboxId} with. */
    public String dedupKey(long outboxId) {
        return relay.dedupKey(outboxId);
    }

    /** A connection to the database (from dbDataSource, or dbUrl); inside a JTA transaction one of it. */
    public Connection connection() throws SQLException {
        return connector.open();
    }

    /** Whether connections come from a container's DataSource ({@code dbDataSource}), which JTA enlists. */
    public boolean usesDataSource() {
        return !config.dataSource().isEmpty();
    }

    /** Notifications published by this node's relay (snapshot steps included), and outbox rows it dropped. */
    public long published() {
        return relay.published();
    }

    public long dropped() {
        return relay.dropped();
    }

    private void run() {
        int failures = 0;
        while (running) {
            long pause = config.pollMs();
            try {
                if (isRelay.getAsBoolean()) {
                    drain();
                    if (failures > 0) {
                        LOG.log(Level.INFO, "database relay works again");
                    }
                    failures = 0;
                }
            } catch (SQLException | RuntimeException e) {
                if (failures++ == 0 && running) {
                    LOG.log(Level.WARNING, "database relay failed, retrying (nothing is lost): {0}", e.toString());
                }
                pause = Math.min(MAX_BACKOFF_MS, config.pollMs() << Math.min(failures, 10));
            }
            try {
                if (failures > 0) {
                    Thread.sleep(pause); // not woken early: a failing store must not be hammered on every commit
                } else {
                    wakeups.await(pause);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Batches until the outbox is empty, another relay holds the lock, or this node stops relaying. */
    private void drain() throws SQLException {
        boolean more = true;
        while (more && running) {
            more = relay.relayBatch(config.pollMs()) > 0 && isRelay.getAsBoolean();
        }
    }

    /** Stops the relay thread (waiting for a batch in progress) and closes the connections. */
    @Override
    public void close() {
        running = false;
        wakeups.close();
        thread.interrupt();
        try {
            thread.join(Relay.PUBLISH_TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        relay.close();
    }
}

package dev.switchboard;

import dev.switchboard.core.Hub;
import dev.switchboard.core.TableSource;
import dev.switchboard.db.Database;
import dev.switchboard.db.DatabaseSetupException;
import dev.switchboard.db.DbConfig;
import dev.switchboard.db.Outbox;
import dev.switchboard.db.Snapshot;
import dev.switchboard.db.TopicSink;
import dev.switchboard.settings.Settings;
import dev.switchboard.store.Appended;
import jakarta.json.JsonValue;

import javax.sql.DataSource;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;

/**
 * The database wired into a running Switchboard (issue 16): the relay publishes through the hub's topic logs with
 * de-duplication keys ({@link TopicSink}), relays only while this node holds the cluster's lease {@code db-relay},
 * and the hub takes its watched tables and snapshots from here ({@link TableSource}). Started by {@link Switchboard}
 * when {@code dbUrl} or {@code dbDataSource} is set, or the application's DataSource with {@code dbUseAppDataSource}.
 */
public final class LiveDatabase implements TableSource, AutoCloseable {

    /** The cluster's lease of the relay: one node relays, another takes over when it stops renewing. */
    static final String RELAY_ROLE = "db-relay";
    private static final Logger LOG = System.getLogger(LiveDatabase.class.getName());
    /** Shortest lease: a relay renews it before every batch and at least every dbPollMs. */
    static final long MIN_LEASE_MS = 3_000;

    private final Hub hub;
    private final Database database;
    /** The application's DataSource when it is Switchboard's database ({@code dbUseAppDataSource}); else null. */
    private final DataSource appDataSource;
    private final int snapshotLimit;
    private final OutboxLookups lookups;

    private LiveDatabase(Hub hub, Database database, DataSource appDataSource, int snapshotLimit, int historySize) {
        this.hub = hub;
        this.database = database;
        this.appDataSource = appDataSource;
        this.snapshotLimit = snapshotLimit;
        this.lookups = new OutboxLookups(hub, database, historySize);
    }

    /**
     * Starts the database side (install, relay) when one is configured, else returns null; throws
     * {@link dev.switchboard.db.DatabaseSetupException} saying why it cannot.
     */
    static LiveDatabase start(Settings settings, Hub hub, DataSource appDataSource) {
        DbConfig config = DbConfig.from(settings);
        DataSource own = appDataSource(settings, config, appDataSource);
        if (!config.enabled() && own == null) {
            return null;
        }
        long leaseMs = leaseMs(config.pollMs());
        TopicSink sink = new TopicSink() {
            @Override
            public CompletionStage<Long> publish(String topic, JsonValue data, String dedupKey) {
                return hub.relayed(topic, data, dedupKey).thenApply(a -> a.entry().offset());
            }

            @Override
            public long head(String topic) {
                return hub.head(topic);
            }
        };
        Database database = Database.start(config, own, sink, new Lease(hub, leaseMs));
        LiveDatabase live = new LiveDatabase(hub, database, own, config.snapshotLimit(),
                settings.getInt(Settings.Key.HISTORY_SIZE));
        hub.tables(live);
        return live;
    }

    /**
     * The application's DataSource as Switchboard's database, where {@code dbUseAppDataSource} asks for it (and
     * nothing else names a database: two would be ambiguous); null where it does not.
     *
     * @throws DatabaseSetupException asked for without a DataSource (outside Spring Boot), or with dbUrl/dbDataSource
     */
    static DataSource appDataSource(Settings settings, DbConfig config, DataSource appDataSource) {
        if (!settings.getBoolean(Settings.Key.DB_USE_APP_DATA_SOURCE)) {
            return null;
        }
        if (config.enabled()) {
            throw new DatabaseSetupException("dbUseAppDataSource=true and " + (config.url().isEmpty() ? "dbDataSource"
                    : "dbUrl") + " are both set: Switchboard uses one database; leave one of them out");
        }
        if (appDataSource == null) {
            throw new DatabaseSetupException("dbUseAppDataSource=true needs the application's DataSource, which only "
                    + "the Spring Boot auto-configuration hands over (an application with one DataSource bean, or a "
                    + "@Primary one); elsewhere use dbUrl or dbDataSource");
        }
        return appDataSource;
    }

    /**
     * Well above the poll interval (the relay renews the lease at least that often), so that a busy relay keeps it;
     * short enough that another node takes over within seconds when the relay dies.
     */
    static long leaseMs(long pollMs) {
        return Math.max(MIN_LEASE_MS, 10 * pollMs);
    }

    /** The watched tables, as in their topics ({@code orders} for {@code table:orders}). */
    public List<String> tables() {
        return database.tables();
    }

    /** The primary-key columns of a watched table. */
    public List<String> key(String table) {
        return database.key(table);
    }

    @Override
    public boolean watches(String table) {
        return database.tables().contains(table);
    }

    @Override
    public Snapshot snapshot(String table, long maxBytes) {
        return database.snapshot(table, snapshotLimit, maxBytes);
    }

    /** Writes notifications in the caller's transaction. */
    public Outbox outbox() {
        return database.outbox();
    }

    /**
     * Whether connections come from a container's DataSource ({@code dbDataSource}): inside a JTA transaction they
     * are enlisted in it, so {@link #writeInTransaction} commits or rolls back with it.
     */
    public boolean enlists() {
        return database.usesDataSource();
    }

    /**
     * The application's DataSource where it is Switchboard's database ({@code dbUseAppDataSource}), else null: a
     * Spring transaction that holds a connection of it can carry an outbox row.
     */
    public DataSource appDataSource() {
        return appDataSource;
    }

    /** Writes a notification into the outbox on a connection of dbDataSource (in the caller's JTA transaction). */
    public long writeInTransaction(String topic, JsonValue data) throws SQLException {
        try (Connection c = database.connection()) {
            return database.outbox().write(c, topic, data);
        }
    }

    /**
     * After the commit of outbox row {@code outboxId} (written for {@code topic}, whose head was {@code headBefore}
     * before the commit; -1 when unknown): publishes what is committed now, and completes with the notification's
     * stored entry (see {@link OutboxLookups}).
     */
    public CompletionStage<Appended> published(String topic, JsonValue data, long outboxId, long headBefore) {
        return lookups.published(topic, data, outboxId, headBefore);
    }

    /** Whether this node relays: the cluster's lease, taken or renewed on every call; a change is logged. */
    private static final class Lease implements BooleanSupplier {
        private final Hub hub;
        private final long ttlMs;
        private boolean held; // the relay thread's only

        Lease(Hub hub, long ttlMs) {
            this.hub = hub;
            this.ttlMs = ttlMs;
        }

        @Override
        public boolean getAsBoolean() {
            boolean now = hub.cluster().lead(RELAY_ROLE, ttlMs);
            if (now != held) {
                LOG.log(Level.INFO, now ? "this node relays the database''s changes now (lease {0}, {1} ms)"
                        : "this node no longer relays the database''s changes (lease {0} held elsewhere or the "
                        + "store is away)", RELAY_ROLE, Long.toString(ttlMs));
                held = now;
            }
            return now;
        }
    }

    /** Snapshots asked for from now on fail as unavailable (clients try again, elsewhere or later). */
    @Override
    public void close() {
        lookups.close();
        database.close();
    }
}

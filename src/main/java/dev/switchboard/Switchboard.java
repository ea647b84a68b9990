package dev.switchboard;

import dev.switchboard.auth.Admission;
import dev.switchboard.auth.Authenticator;
import dev.switchboard.core.Hub;
import dev.switchboard.core.Stats;
import dev.switchboard.core.Trace;
import dev.switchboard.feeds.Feeds;
import dev.switchboard.metrics.SwitchboardMetrics;
import dev.switchboard.settings.Settings;
import dev.switchboard.store.Appended;
import dev.switchboard.store.Health;
import dev.switchboard.store.Storage;
import dev.switchboard.store.StoreOutcomeUnknownException;
import dev.switchboard.store.StoreUnavailableException;
import dev.switchboard.store.memory.MemoryStorage;
import dev.switchboard.store.redis.RedisStorage;
import jakarta.json.JsonValue;

import javax.sql.DataSource;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One running Switchboard, and where its parts are put together: settings → storage → hub → feeds. The web
 * application's lifecycle or the standalone runner starts it, hands it to its endpoints and servlets explicitly, and
 * closes it; nothing starts one by itself.
 *
 * <p>Publishing from application code:
 * <pre>{@code switchboard.publish("orders", Json.createObjectBuilder().add("id", 42).build());}</pre>
 * or, where the instance is not at hand, {@code dev.switchboard.api.Notifications}, which finds the running one.
 */
public final class Switchboard implements AutoCloseable {

    private static final Logger LOG = System.getLogger(Switchboard.class.getName());
    /** The newest instance still running in this class loader (one web application), for the static Java API. */
    private static volatile Switchboard running;

    private final Settings settings;
    private final Stats stats = new Stats();
    private final Storage storage;
    private final Admission admission;
    private final Hub hub;
    private final Feeds feeds;
    /** The database (table topics, outbox) when dbUrl, dbDataSource or dbUseAppDataSource is set; else null. */
    private volatile LiveDatabase database;
    private final SwitchboardMetrics metrics;
    private volatile boolean closed;

    private Switchboard(Settings settings) {
        Clock clock = Clock.systemUTC();
        this.settings = settings;
        this.storage = storage(settings, clock, stats);
        Authenticator authenticator = new Authenticator(settings, clock);
        this.admission = new Admission(settings, authenticator);
        this.hub = new Hub(settings, storage, authenticator, clock, stats, null);
        this.feeds = new Feeds(hub, settings, clock);
        this.metrics = new SwitchboardMetrics(hub);
    }

    /** In memory unless {@code redisUrl} is set. */
    private static Storage storage(Settings settings, Clock clock, Stats stats) {
        String redisUrl = settings.get(Settings.Key.REDIS_URL);
        if (!redisUrl.isEmpty()) {
            return new RedisStorage(settings, stats.storeRoundTrip);
        }
        return new MemoryStorage(MemoryStorage.Limits.of(settings), clock);
    }

    /** Starts Switchboard with these settings (throws with a message naming the setting when one is invalid). */
    public static Switchboard start(Settings settings) {
        return start(settings, null);
    }

    /**
     * As {@link #start(Settings)}, given the application's DataSource, which becomes Switchboard's database where
     * {@code dbUseAppDataSource} is true (the Spring Boot auto-configuration hands over the application's one); null,
     * or the setting false: dbUrl/dbDataSource as usual.
     */
    public static Switchboard start(Settings settings, DataSource appDataSource) {
        Switchboard sb = new Switchboard(settings);
        sb.hub.start();
        try {
            // after the hub: its relay publishes at once
            sb.database = LiveDatabase.start(settings, sb.hub, appDataSource);
        } catch (RuntimeException e) {
            sb.hub.shutdown(0);
            throw e;
        }
        sb.feeds.start();
        running = sb;
        LOG.log(Level.INFO, "Switchboard started ({0}): {1}", sb.storage.getClass().getSimpleName(), settings);
        return sb;
    }

    /**
     * The instance started last in this class loader and not closed yet: what the static Java API publishes to.
     *
     * @throws IllegalStateException when none is running (Switchboard starts with its web application or runner)
     */
    public static Switchboard running() {
        Switchboard sb = running;
        if (sb == null) {
            throw new IllegalStateException("Switchboard is not running: it starts with its web application "
                    + "(switchboard.war, or the classes jar in WEB-INF/lib) or with the standalone runner");
        }
        return sb;
    }

    /** Closes every connection with 1001 after a short drain ({@code shutdownGraceMs}), then stops. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        synchronized (Switchboard.class) {
            if (running == this) {
                running = null;
            }
        }
        feeds.close();
        LiveDatabase db = database;
        if (db != null) {
            db.close(); // before the hub: the relay must not publish into a closed store
        }
        hub.shutdown(settings.getLong(Settings.Key.SHUTDOWN_GRACE_MS));
        metrics.close();
        LOG.log(Level.INFO, "Switchboard stopped");
    }

    public boolean isClosed() {
        return closed;
    }

    /** See {@link Storage#inProcess()}: whether no call of the core waits on the network. */
    public boolean inProcess() {
        return storage.inProcess();
    }

    public Settings settings() {
        return settings;
    }

    public Hub hub() {
        return hub;
    }

    public Stats stats() {
        return stats;
    }

    /** The feeds Switchboard publishes by itself; their last per-node counters feed the admin view. */
    public Feeds feeds() {
        return feeds;
    }

    /** The meters ({@code GET /api/metrics}); a host's Micrometer registry joins with {@code metrics().bindTo(r)}. */
    public SwitchboardMetrics metrics() {
        return metrics;
    }

    /** The handshake decision (origin, identity) shared by every adapter. */
    public Admission admission() {
        return admission;
    }

    /** The database side (watched tables, outbox), or null when no database is configured. */
    public LiveDatabase database() {
        return database;
    }

    /** The storage's health: UP, or DEGRADED with a reason. */
    public Health health() {
        return hub.health();
    }

    /**
     * Publishes a notification to a topic (see {@link Hub#publish}); the stage completes with the stored offset once
     * it is stored (in memory: at once), or fails with {@link StoreUnavailableException}.
     */
    public CompletionStage<Appended> publishAsync(String topic, JsonValue data) {
        return publishAsync(topic, data, null);
    }

    /** {@link #publishAsync(String, JsonValue)} of a traced notification (docs/tracing.md; null: untraced). */
    public CompletionStage<Appended> publishAsync(String topic, JsonValue data, Trace trace) {
        return hub.publish(topic, data, trace);
    }

    /**
     * Publishes a notification to a topic and waits until it is stored (at most {@code redisTimeoutMs} beyond the
     * store's own timeout).
     *
     * @throws StoreUnavailableException when it could not be stored; {@link StoreOutcomeUnknownException} (a subclass)
     *                                   when it was sent to the store but not confirmed in time: it may still be stored
     *                                   and delivered
     */
    public Appended publish(String topic, JsonValue data) {
        return publish(topic, data, null);
    }

    /** {@link #publish(String, JsonValue)} of a traced notification (docs/tracing.md; null: untraced). */
    public Appended publish(String topic, JsonValue data, Trace trace) {
        CompletionStage<Appended> stage = publishAsync(topic, data, trace);
        try {
            return stage.toCompletableFuture().get(2L * settings.getLong(Settings.Key.REDIS_TIMEOUT_MS) + 1000,
                    TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new StoreUnavailableException(e.getMessage(), e);
        } catch (TimeoutException e) { // still on its way: it may yet be stored
            throw new StoreOutcomeUnknownException("the notification was not confirmed in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreOutcomeUnknownException("interrupted while storing the notification", e);
        }
    }
}

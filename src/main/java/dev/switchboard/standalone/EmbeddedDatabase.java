package dev.switchboard.standalone;

import dev.switchboard.db.DbConfig;
import dev.switchboard.db.DemoTable;
import dev.switchboard.settings.Settings;
import dev.switchboard.settings.Settings.Key;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.SQLException;

/**
 * The runner's embedded default (README, "Run it"): with no database configured, {@code mvn compile exec:java}
 * starts an in-memory H2 database with the demo table {@code demo_orders}, watched, and a writer that changes one of
 * its rows every {@code demoIntervalMs}, so that the page's Data view shows a database change at once.
 *
 * <p>Only where it makes sense: not when {@code dbUrl} or {@code dbDataSource} is set (the user's database), not with
 * {@code redisUrl} (every node would have a database of its own, and only the relay's would be published), not with
 * {@code demoIntervalMs=0} (demos off, as in tests), and not without H2 on the class path (it is {@code provided}: the
 * runner started by Maven has it).
 */
final class EmbeddedDatabase implements AutoCloseable {

    static final String URL = "jdbc:h2:mem:switchboard;DB_CLOSE_DELAY=-1";
    private static final Logger LOG = System.getLogger(EmbeddedDatabase.class.getName());

    private final Settings settings;
    private DemoTable writer;

    private EmbeddedDatabase(Settings settings) {
        this.settings = settings;
    }

    /** The embedded default for these settings, or null when it does not apply. */
    static EmbeddedDatabase of(Settings settings) {
        if (!settings.get(Key.DB_URL).isEmpty() || !settings.get(Key.DB_DATA_SOURCE).isEmpty()
                || !settings.get(Key.REDIS_URL).isEmpty() || settings.getLong(Key.DEMO_INTERVAL_MS) <= 0
                || !h2Present()) {
            return null;
        }
        Settings embedded = settings.with(Key.DB_URL, URL);
        if (settings.get(Key.DB_WATCH).isEmpty()) {
            embedded = embedded.with(Key.DB_WATCH, DemoTable.NAME);
        }
        return new EmbeddedDatabase(embedded);
    }

    private static boolean h2Present() {
        try {
            Class.forName("org.h2.Driver", false, EmbeddedDatabase.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The settings with the embedded database: what the runner starts with. */
    Settings settings() {
        return settings;
    }

    /** Creates the demo table (before Switchboard watches it). */
    void create() throws SQLException {
        DemoTable.create(DbConfig.from(settings));
    }

    /** Starts the demo writer (after Switchboard watches the table). */
    void startWriter() {
        writer = DemoTable.start(DbConfig.from(settings), settings.getLong(Key.DEMO_INTERVAL_MS));
        LOG.log(Level.INFO, "embedded H2 database {0}: table {1} changes every {2} ms (topic table:{1}; set dbUrl to "
                + "watch your own database)", URL, DemoTable.NAME, settings.get(Key.DEMO_INTERVAL_MS));
    }

    @Override
    public void close() {
        if (writer != null) {
            writer.close();
        }
    }
}

package dev.switchboard.db;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The demo of the runner's embedded database: a table {@code demo_orders} and a writer that inserts, updates or deletes
 * one of its rows every interval, so that the Data view has something live without any setup. Plain SQL that works on
 * H2 and PostgreSQL; the writer is an ordinary client of the table (it knows nothing of Switchboard).
 */
public final class DemoTable implements AutoCloseable {

    public static final String NAME = "demo_orders";
    private static final Logger LOG = System.getLogger(DemoTable.class.getName());
    private static final String[] ITEMS = {"tea", "coffee", "cake", "scone", "juice", "bagel", "soup", "salad"};
    private static final int FEWEST = 3;
    private static final int MOST = 12;

    private final Connector connector;
    private final ScheduledExecutorService scheduler;
    private Connection connection;

    private DemoTable(Connector connector) {
        this.connector = connector;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "switchboard-demo-writer");
            t.setDaemon(true);
            return t;
        });
    }

    /** Creates the table with a few rows where it does not exist yet (before {@link Database#start} watches it). */
    public static void create(DbConfig config) throws SQLException {
        try (Connection c = new Connector(config).open(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + NAME + " (id INT PRIMARY KEY, item VARCHAR(40) NOT NULL, "
                    + "qty INT NOT NULL, price DECIMAL(8, 2) NOT NULL, updated TIMESTAMP WITH TIME ZONE NOT NULL)");
            while (count(c) < FEWEST + 2) {
                insert(c);
            }
        }
    }

    /** Changes one row every {@code intervalMs}. */
    public static DemoTable start(DbConfig config, long intervalMs) {
        DemoTable demo = new DemoTable(new Connector(config));
        demo.scheduler.scheduleWithFixedDelay(demo::step, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
        return demo;
    }

    private void step() {
        try {
            if (connection == null) {
                connection = connector.open();
            }
            int rows = count(connection);
            int choice = ThreadLocalRandom.current().nextInt(4);
            if (rows < MOST && (rows <= FEWEST || choice == 0)) {
                insert(connection);
            } else if (rows > FEWEST && choice == 1) {
                change(connection, "DELETE FROM " + NAME + " WHERE id = ?");
            } else {
                change(connection, "UPDATE " + NAME + " SET qty = qty + 1, updated = CURRENT_TIMESTAMP WHERE id = ?");
            }
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "demo writer: {0}", e.getMessage());
            close(connection);
            connection = null;
        }
    }

    private static int count(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + NAME)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void insert(Connection c) throws SQLException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + NAME + " (id, item, qty, price, updated) "
                + "SELECT COALESCE(MAX(id), 0) + 1, ?, ?, ?, ? FROM " + NAME)) {
            s.setString(1, ITEMS[random.nextInt(ITEMS.length)]);
            s.setInt(2, random.nextInt(1, 6));
            s.setBigDecimal(3, BigDecimal.valueOf(random.nextInt(150, 900), 2));
            s.setObject(4, OffsetDateTime.now(ZoneOffset.UTC));
            s.executeUpdate();
        }
    }

    /** Runs {@code sql} for a random existing row's id. */
    private static void change(Connection c, String sql) throws SQLException {
        try (Statement pick = c.createStatement();
             ResultSet rs = pick.executeQuery("SELECT id FROM " + NAME + " ORDER BY id");
             PreparedStatement s = c.prepareStatement(sql)) {
            java.util.List<Integer> ids = new java.util.ArrayList<>();
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
            if (!ids.isEmpty()) {
                s.setInt(1, ids.get(ThreadLocalRandom.current().nextInt(ids.size())));
                s.executeUpdate();
            }
        }
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // broken already
            }
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close(connection);
    }
}

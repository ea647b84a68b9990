package dev.switchboard.db;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Wakes the relay when the outbox got rows: a connection of its own that {@code LISTEN}s on {@code switchboard}
 * (the outbox's statement trigger notifies at commit). After the connection is (re)opened a wake-up is reported, since
 * notifications sent meanwhile were missed. Only the relay thread waits; {@link #close} may come from any thread and
 * ends a wait by closing the connection.
 *
 * <p>Behind PgBouncer in transaction pooling, LISTEN does not work (the session is not kept): the relay then finds
 * changes by its poll only.
 */
final class PostgresWakeups implements Wakeups {

    private static final Logger LOG = System.getLogger(PostgresWakeups.class.getName());

    private final Connector connector;
    private volatile Connection connection;
    private volatile boolean closed;
    private boolean listenless;

    PostgresWakeups(Connector connector) {
        this.connector = connector;
    }

    @Override
    public boolean await(long ms) throws InterruptedException {
        if (closed) {
            return false;
        }
        try {
            Connection c = connection;
            if (listenless) {
                Thread.sleep(ms);
                return false;
            }
            if (c == null) {
                c = connector.open();
                if (!c.isWrapperFor(PGConnection.class)) {
                    // a pool whose connections do not unwrap to the driver's: polling only
                    LOG.log(Level.INFO, "the DataSource''s connections cannot LISTEN; the relay polls every dbPollMs");
                    listenless = true;
                    c.close();
                    return true;
                }
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + PostgresDialect.CHANNEL);
                }
                connection = c;
                return true;
            }
            PGNotification[] received = c.unwrap(PGConnection.class).getNotifications((int) Math.max(1, ms));
            return received != null && received.length > 0;
        } catch (SQLException e) {
            drop();
            if (!closed) {
                Thread.sleep(ms); // the database is away: the poll interval, then try again
            }
            return true;
        }
    }

    private void drop() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // it was broken already
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        drop();
    }
}

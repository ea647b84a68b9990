package dev.switchboard.api;

import dev.switchboard.LiveDatabase;
import jakarta.json.JsonValue;

import javax.sql.DataSource;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Finds the caller's transaction: Spring's, where the application runs on Spring ({@code @Transactional}, also over
 * JTA), else JTA's, where the container has it (Payara, GlassFish, WildFly; not Tomcat). Their classes are touched only
 * inside {@link SpringSynchronization}, {@link SpringOutbox} and {@link JtaSynchronization}, each loaded only when
 * they exist.
 */
final class Transactions {

    private static final Logger LOG = System.getLogger(Transactions.class.getName());
    private static final boolean JTA_PRESENT = present("jakarta.transaction.TransactionSynchronizationRegistry");
    private static final boolean SPRING_PRESENT =
            present("org.springframework.transaction.support.TransactionSynchronizationManager");
    /** Spring's JDBC support too (DataSourceUtils): the outbox row through a Spring transaction's connection. */
    private static final boolean SPRING_JDBC_PRESENT = SPRING_PRESENT
            && present("org.springframework.jdbc.datasource.DataSourceUtils");

    private Transactions() {
    }

    /**
     * Runs {@code onCommit} after the caller's active transaction commits, or {@code onRollback} when it does not.
     * Returns false, running nothing, when there is no active transaction.
     */
    static boolean afterCommit(Runnable onCommit, Runnable onRollback) {
        return around(() -> { }, onCommit, onRollback);
    }

    /**
     * As {@link #afterCommit}, running {@code beforeCommit} (which must not throw) just before the transaction
     * completes.
     */
    static boolean around(Runnable beforeCommit, Runnable onCommit, Runnable onRollback) {
        if (SPRING_PRESENT) {
            try {
                if (SpringSynchronization.register(beforeCommit, onCommit, onRollback)) {
                    return true;
                }
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.DEBUG, "no Spring transaction available: {0}", e.toString());
            }
        }
        if (!JTA_PRESENT) {
            return false;
        }
        try {
            return JtaSynchronization.register(beforeCommit, onCommit, onRollback);
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.DEBUG, "no JTA transaction available: {0}", e.toString());
            return false;
        }
    }

    /**
     * How to write the outbox row of a publish in the caller's transaction, so that it commits or rolls back with it;
     * null where the caller's transaction cannot carry it (then the publish waits for the commit in memory), or there
     * is none. A Spring transaction that holds a connection of the application's DataSource where that is
     * Switchboard's database ({@code dbUseAppDataSource}); else a JTA transaction where {@code dbDataSource} is set
     * (the container enlists its connections).
     */
    static DurablePublish.Write outboxWrite(LiveDatabase db, String topic, JsonValue data) {
        DataSource app = db.appDataSource();
        if (app != null && SPRING_JDBC_PRESENT) {
            try {
                if (SpringOutbox.carries(app)) {
                    return () -> SpringOutbox.write(app, db.outbox(), topic, data);
                }
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.DEBUG, "no Spring transaction of the application's DataSource: {0}", e.toString());
            }
        }
        if (db.enlists() && active()) {
            return () -> db.writeInTransaction(topic, data);
        }
        return null;
    }

    /** Whether the caller is in an active JTA transaction. */
    static boolean active() {
        if (!JTA_PRESENT) {
            return false;
        }
        try {
            return JtaSynchronization.active();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Whether a class can be loaded here (an optional API is on the class path). */
    static boolean present(String className) {
        try {
            Class.forName(className, false, Transactions.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}

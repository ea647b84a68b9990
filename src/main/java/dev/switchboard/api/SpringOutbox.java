package dev.switchboard.api;

import dev.switchboard.db.Outbox;
import jakarta.json.JsonValue;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The outbox row of a publish inside a Spring transaction, written through the transaction's own connection of the
 * application's DataSource (Switchboard's database with {@code dbUseAppDataSource}), so it commits or rolls back with
 * the business data. Loaded only where Spring's transactions and JDBC support (spring-tx, spring-jdbc) exist.
 */
final class SpringOutbox {

    private SpringOutbox() {
    }

    /**
     * Whether the calling thread's Spring transaction can carry the row: a real, read-write transaction that holds a
     * connection of {@code dataSource} (DataSourceTransactionManager/JdbcTransactionManager, JpaTransactionManager with
     * Hibernate). Not a transaction that holds none of it (JTA, another database's, a JPA provider that exposes no
     * connection): {@code DataSourceUtils.getConnection} would hand out a connection outside it, whose row would
     * commit at once, also when the transaction rolls back. Not a read-only one: the insert would fail there.
     */
    static boolean carries(DataSource dataSource) {
        return TransactionSynchronizationManager.isSynchronizationActive()
                && TransactionSynchronizationManager.isActualTransactionActive()
                && !TransactionSynchronizationManager.isCurrentTransactionReadOnly()
                && TransactionSynchronizationManager.hasResource(dataSource);
    }

    /** Inserts the row on the transaction's connection (not committed); returns its id. */
    static long write(DataSource dataSource, Outbox outbox, String topic, JsonValue data) throws SQLException {
        Connection c = DataSourceUtils.getConnection(dataSource);
        try {
            return outbox.write(c, topic, data);
        } finally {
            DataSourceUtils.releaseConnection(c, dataSource); // the transaction's: it stays open until it ends
        }
    }
}

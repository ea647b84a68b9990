package dev.switchboard.api;

import dev.switchboard.Switchboard;
import dev.switchboard.db.DatabaseSetupException;
import dev.switchboard.settings.Settings;
import dev.switchboard.store.Appended;
import dev.switchboard.testing.Poll;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code Notifications.publish(topic, data)} inside a Spring transaction (a real DataSourceTransactionManager over a
 * real H2 database, no Spring Boot): with {@code dbUseAppDataSource} the outbox row is written through the
 * transaction's own connection, visible to it and to nobody else before the commit, published once after it, gone
 * with a rollback; where the transaction cannot carry it (read-only, or the setting off) the publish waits for the
 * commit in memory as before. SpringBootIT checks the same in a Spring Boot application on PostgreSQL.
 */
class SpringOutboxTest {

    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final JdbcDataSource dataSource = new JdbcDataSource();
    private Switchboard switchboard;

    SpringOutboxTest() {
        dataSource.setURL("jdbc:h2:mem:spring-outbox-" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
    }

    @AfterEach
    void close() {
        if (switchboard != null) {
            switchboard.close();
        }
    }

    private TransactionTemplate transactions(boolean useAppDataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, item VARCHAR(100))");
        }
        Map<String, String> settings = new HashMap<>(Map.of("statsIntervalMs", "0", "demoIntervalMs", "0"));
        if (useAppDataSource) {
            settings.put("dbUseAppDataSource", "true");
        }
        switchboard = Switchboard.start(Settings.of(settings), dataSource);
        return new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    @Test
    void aCommittedPublishGoesThroughTheTransactionsOwnConnectionAndIsPublishedOnce() throws Exception {
        TransactionTemplate tx = transactions(true);
        CompletionStage<Appended> stage = order(tx, 1, status -> {
            assertEquals(0, outboxRowsElsewhere(), "nobody else sees it before the commit");
            assertEquals(0, switchboard.hub().head("orders"), "nothing published before the commit");
        });
        Appended appended = stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertTrue(appended.entry().json().contains("{\"id\":1}"), appended.entry().json());
        Poll.until(() -> outboxRowsElsewhere() == 0, "the relay deletes the published row");
        assertEquals(appended.entry().offset(), switchboard.hub().head("orders"), "published exactly once");
    }

    @Test
    void aRolledBackPublishLeavesNoRowAndItsStageSaysSo() throws Exception {
        TransactionTemplate tx = transactions(true);
        CompletionStage<Appended> stage = order(tx, 2, TransactionStatus::setRollbackOnly);
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> stage.toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertInstanceOf(Notifications.RolledBackException.class, failed.getCause());
        assertEquals(0, outboxRowsElsewhere(), "the row went with the rollback");
        assertEquals(0, switchboard.hub().head("orders"), "never published");
    }

    @Test
    void aReadOnlyTransactionCannotCarryTheRowSoThePublishWaitsForTheCommitInMemory() throws Exception {
        TransactionTemplate tx = transactions(true);
        tx.setReadOnly(true);
        CompletionStage<Appended> stage = tx.execute(status -> {
            CompletionStage<Appended> published = Notifications.publish("orders", Map.of("id", 3));
            assertEquals(0, outboxRowsInTransaction(), "no row in a read-only one");
            assertEquals(0, switchboard.hub().head("orders"), "held until the commit");
            return published;
        });
        assertEquals(1, stage.toCompletableFuture().get(10, TimeUnit.SECONDS).entry().offset());
    }

    @Test
    void withoutTheSettingTheApplicationsDataSourceIsNotSwitchboardsAndThePublishIsAfterCommitOnly() throws Exception {
        TransactionTemplate tx = transactions(false);
        assertEquals(null, switchboard.database(), "no database: the DataSource handed over is ignored");
        CompletionStage<Appended> stage = tx.execute(status -> {
            CompletionStage<Appended> published = Notifications.publish("orders", Map.of("id", 4));
            assertEquals(0, switchboard.hub().head("orders"), "held until the commit");
            return published;
        });
        assertEquals(1, stage.toCompletableFuture().get(10, TimeUnit.SECONDS).entry().offset());
    }

    @Test
    void theSettingNeedsTheApplicationsDataSourceAndNoOtherDatabase() {
        Settings asked = Settings.of(Map.of("dbUseAppDataSource", "true", "statsIntervalMs", "0"));
        DatabaseSetupException none = assertThrows(DatabaseSetupException.class, () -> Switchboard.start(asked, null));
        assertTrue(none.getMessage().contains("dbUseAppDataSource=true needs the application's DataSource"),
                none.getMessage());
        Settings both = Settings.of(Map.of("dbUseAppDataSource", "true", "dbUrl", "jdbc:h2:mem:other",
                "statsIntervalMs", "0"));
        DatabaseSetupException twice = assertThrows(DatabaseSetupException.class,
                () -> Switchboard.start(both, dataSource));
        assertTrue(twice.getMessage().contains("dbUseAppDataSource=true and dbUrl are both set"), twice.getMessage());
    }

    /**
     * Inserts order {@code id} and publishes its notification in one transaction of {@code tx}, checks that the
     * outbox row is in that transaction, then runs {@code then} in it.
     */
    private CompletionStage<Appended> order(TransactionTemplate tx, long id, Consumer<TransactionStatus> then) {
        return tx.execute(status -> {
            insertOrder(id);
            CompletionStage<Appended> published = Notifications.publish("orders", Map.of("id", id));
            assertEquals(1, outboxRowsInTransaction(), "the row is in the transaction");
            then.accept(status);
            return published;
        });
    }

    private void insertOrder(long id) {
        Connection c = DataSourceUtils.getConnection(dataSource);
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO orders VALUES (" + id + ", 'tea')");
        } catch (SQLException e) {
            throw new AssertionError(e);
        } finally {
            DataSourceUtils.releaseConnection(c, dataSource);
        }
    }

    private int outboxRowsInTransaction() {
        Connection c = DataSourceUtils.getConnection(dataSource);
        try {
            return outboxRows(c);
        } finally {
            DataSourceUtils.releaseConnection(c, dataSource);
        }
    }

    private int outboxRowsElsewhere() {
        try (Connection other = dataSource.getConnection()) {
            return outboxRows(other);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static int outboxRows(Connection c) {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM switchboard_outbox")) {
            r.next();
            return r.getInt(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}

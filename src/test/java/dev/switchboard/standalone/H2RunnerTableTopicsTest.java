package dev.switchboard.standalone;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Database topics end to end on the runner's embedded database (H2, in memory, in this JVM), as {@code mvn compile
 * exec:java} starts it; the writer is a plain JDBC client.
 */
class H2RunnerTableTopicsTest extends RunnerTableTopicsContract {

    @Override
    String newDatabase() {
        return "jdbc:h2:mem:runner-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
    }

    @Override
    String user() {
        return "sa";
    }

    @Override
    void write(String... statements) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (String statement : statements) {
                s.execute(statement);
            }
            c.commit();
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}

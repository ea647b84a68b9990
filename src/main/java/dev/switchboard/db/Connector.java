package dev.switchboard.db;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Opens connections: from the container's DataSource ({@code dbDataSource}, looked up once) or from {@code dbUrl}. */
final class Connector {

    private final DbConfig config;
    private DataSource dataSource;

    Connector(DbConfig config) {
        this.config = config;
    }

    Connection open() throws SQLException {
        if (!config.dataSource().isEmpty()) {
            return dataSource().getConnection();
        }
        Properties properties = new Properties();
        if (!config.user().isEmpty()) {
            properties.setProperty("user", config.user());
        }
        if (!config.password().isEmpty()) {
            properties.setProperty("password", config.password());
        }
        return DriverManager.getConnection(config.url(), properties);
    }

    private synchronized DataSource dataSource() throws SQLException {
        if (dataSource == null) {
            try {
                dataSource = (DataSource) new InitialContext().lookup(config.dataSource());
            } catch (NamingException | ClassCastException e) {
                throw new SQLException("dbDataSource " + config.dataSource() + " is not a DataSource in JNDI: " + e, e);
            }
        }
        return dataSource;
    }
}

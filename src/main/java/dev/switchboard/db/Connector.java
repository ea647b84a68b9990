package dev.switchboard.db;

import dev.switchboard.settings.Settings;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Opens connections: from a DataSource handed over by the application ({@code dbUseAppDataSource}: Spring Boot's), from
 * the container's DataSource ({@code dbDataSource}, looked up once) or from {@code dbUrl}.
 */
final class Connector {

    private static volatile boolean driversLoaded;

    private final DbConfig config;
    /** Handed over, or looked up in JNDI on first use (guarded by this). */
    private DataSource dataSource;
    private final boolean given;

    Connector(DbConfig config) {
        this(config, null);
    }

    /** {@code given}: the application's DataSource, used instead of dbUrl/dbDataSource; null: those. */
    Connector(DbConfig config, DataSource given) {
        this.config = config;
        this.dataSource = given;
        this.given = given != null;
    }

    Connection open() throws SQLException {
        if (given || !config.dataSource().isEmpty()) {
            return dataSource().getConnection();
        }
        Properties properties = new Properties();
        if (!config.user().isEmpty()) {
            properties.setProperty("user", config.user());
        }
        if (!config.password().isEmpty()) {
            properties.setProperty("password", config.password());
        }
        registerDrivers();
        return DriverManager.getConnection(config.url(), properties);
    }

    /**
     * Loads the JDBC drivers of this class loader: DriverManager finds drivers by ServiceLoader only when it is first
     * used, which in a container happens in the server's class loader, without the drivers in WEB-INF/lib (the
     * PostgreSQL driver ships there). Loading a driver registers it.
     */
    private static void registerDrivers() {
        if (!driversLoaded) {
            for (java.util.Iterator<Driver> it = ServiceLoader.load(Driver.class, Connector.class.getClassLoader())
                    .iterator(); ; ) {
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    it.next();
                } catch (ServiceConfigurationError e) {
                    // a broken driver on the class path: the others still load
                }
            }
            driversLoaded = true;
        }
    }

    /** Where connections come from, for messages (never a password). */
    String describe() {
        return given ? "the application's DataSource" : config.dataSource().isEmpty()
                ? "dbUrl " + Settings.maskUrl(config.url()) : "dbDataSource " + config.dataSource();
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

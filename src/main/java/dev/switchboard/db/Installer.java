package dev.switchboard.db;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Installs Switchboard's outbox, relay table and triggers at start ({@code dbInstall=true}), in one transaction
 * where the database has transactional DDL; or ({@code dbInstall=false}) prints the SQL for an administrator and
 * checks that it was run.
 */
final class Installer {

    private static final Logger LOG = System.getLogger(Installer.class.getName());

    private Installer() {
    }

    static void install(Connection c, Dialect dialect, String schema, List<WatchedTable> tables, boolean run)
            throws SQLException {
        List<String> sql = dialect.installSql(c, schema, tables);
        if (!run) {
            LOG.log(Level.WARNING, "dbInstall=false: Switchboard does not change the database. Run this SQL as a user "
                    + "that may create tables and functions in schema {0} and triggers on the watched tables:\n{1}",
                    schema, script(sql));
            List<String> missing = missing(c, dialect, schema, tables);
            if (!missing.isEmpty()) {
                throw new DatabaseSetupException("dbInstall=false and Switchboard's tables or triggers are missing ("
                        + String.join(", ", missing) + "): run the SQL printed in the log, or set dbInstall=true");
            }
            return;
        }
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            dialect.beforeInstall(c);
            for (String statement : sql) {
                s.execute(statement);
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw new DatabaseSetupException("Could not install Switchboard's outbox and triggers in schema " + schema
                    + " (" + e.getMessage().strip() + "); the user needs the privileges listed in docs/database.md, or "
                    + "set dbInstall=false and let an administrator run the SQL", e);
        }
    }

    /** The statements as one script. */
    static String script(List<String> sql) {
        return String.join(";\n", sql) + ";\n";
    }

    private static List<String> missing(Connection c, Dialect dialect, String schema, List<WatchedTable> tables)
            throws SQLException {
        List<String> out = new ArrayList<>();
        for (String table : List.of(OutboxTable.OUTBOX, OutboxTable.RELAY)) {
            if (!exists(c, schema, Catalog.fold(c, table))) {
                out.add("table " + table);
            }
        }
        if (out.isEmpty()) {
            for (WatchedTable t : tables) {
                if (!dialect.hasTrigger(c, schema, t)) {
                    out.add("trigger on " + t.name());
                }
            }
        }
        return out;
    }

    private static boolean exists(Connection c, String schema, String table) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        try (ResultSet rs = meta.getTables(null, schema, table, null)) {
            while (rs.next()) {
                if (table.equals(rs.getString("TABLE_NAME"))) {
                    return true;
                }
            }
        }
        return false;
    }
}

package dev.switchboard.core;

import dev.switchboard.db.Snapshot;

/**
 * The database's watched tables as the core sees them: which exist (topic {@code table:NAME} of any other name is
 * {@code not_found}) and their current rows for a subscribe with {@code snapshot:true}. The composition root puts
 * {@link dev.switchboard.db.Database} behind it; without a database there are none ({@link #NONE}).
 */
public interface TableSource {

    /** No database: no table topics. */
    TableSource NONE = new TableSource() {
        @Override
        public boolean watches(String table) {
            return false;
        }

        @Override
        public Snapshot snapshot(String table, long maxBytes) {
            throw new IllegalArgumentException("no database is configured (dbUrl, dbDataSource)");
        }
    };

    /** Whether {@code table} (as in {@code table:NAME}) is watched. */
    boolean watches(String table);

    /**
     * The table's rows (at most about {@code maxBytes} of UTF-8 JSON; beyond it {@code truncated}) and the offset of
     * its topic they are consistent with. Blocks on the database: never called on an I/O thread.
     *
     * @throws IllegalArgumentException the table is not watched
     * @throws RuntimeException the database or the store cannot be read now
     */
    Snapshot snapshot(String table, long maxBytes);
}

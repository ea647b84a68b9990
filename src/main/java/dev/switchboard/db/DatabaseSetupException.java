package dev.switchboard.db;

/** The database side cannot start: a watched table is missing or has no primary key, the tables are not installed. */
public final class DatabaseSetupException extends RuntimeException {

    public DatabaseSetupException(String message) {
        super(message, null, false, false);
    }

    public DatabaseSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}

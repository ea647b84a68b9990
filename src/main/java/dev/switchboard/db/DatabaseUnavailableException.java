package dev.switchboard.db;

/** The database or the store could not be reached for a snapshot; the subscriber may try again. */
public final class DatabaseUnavailableException extends RuntimeException {

    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

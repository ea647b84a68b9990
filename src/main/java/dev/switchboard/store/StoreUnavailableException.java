package dev.switchboard.store;

/** The store cannot store or read right now (e.g. Redis is unreachable); the caller reports it, nothing is lost silently. */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.switchboard.store;

/**
 * A write was sent to the store but no answer came in time (e.g. Redis was paused or overloaded): it may have been
 * stored, or may still be stored when the store resumes, and is then delivered like any other entry, once. The caller
 * must not say that nothing was stored; a write with a de-duplication key may be sent again with the same key, which
 * stores it at most once.
 */
public class StoreOutcomeUnknownException extends StoreUnavailableException {

    public StoreOutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}

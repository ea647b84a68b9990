package dev.switchboard.protocol;

/** The {@code code} of an {@code error} frame (docs/protocol.md, "errors"). */
public enum ErrorCode {
    BAD_JSON("bad_json"),
    UNKNOWN_TYPE("unknown_type"),
    INVALID("invalid"),
    TOO_LONG("too_long"),
    RATE_LIMITED("rate_limited"),
    FORBIDDEN("forbidden"),
    NOT_JOINED("not_joined"),
    NOT_FOUND("not_found"),
    /**
     * Extension: the message could not be stored (e.g. the shared store is unreachable); nothing was delivered. Or,
     * when the error's text says so, the store did not answer in time: the message may still be stored and delivered
     * (once); a resend with the same ref is stored at most once.
     */
    UNAVAILABLE("unavailable");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    /** The code as it appears on the wire. */
    public String wire() {
        return wire;
    }
}

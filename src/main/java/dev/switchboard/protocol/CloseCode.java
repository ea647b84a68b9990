package dev.switchboard.protocol;

/** Close codes the server uses (PROTOCOL.md, "Close codes"). 4000–4499 mean "reconnecting is fine". */
public enum CloseCode {
    NORMAL(1000),
    GOING_AWAY(1001),
    UNSUPPORTED_DATA(1003),
    INVALID_PAYLOAD(1007),
    POLICY(1008),
    TOO_BIG(1009),
    SERVER_ERROR(1011),
    SLOW_CONSUMER(4001),
    NO_HEARTBEAT(4002),
    /** Extension: never joined a room nor subscribed to a topic within {@code idleTimeoutMs}; reconnecting is fine. */
    IDLE(4408),
    UNAUTHORIZED(4401),
    TOO_MANY_CONNECTIONS(4429);

    private final int code;

    CloseCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}

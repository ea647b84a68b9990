package dev.switchboard.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Close codes the server uses (docs/protocol.md, "Close codes"), each with its policy: whether what is queued for the
 * client goes out before the close frame (the replies and errors that explain the close), and what the client should
 * do next. 4000–4499 mean "reconnecting is fine", 4500–4999 "do not reconnect".
 */
public enum CloseCode {
    NORMAL(1000, true, Reconnect.NO),
    GOING_AWAY(1001, true, Reconnect.WITH_BACKOFF),
    UNSUPPORTED_DATA(1003, true, Reconnect.NO),
    INVALID_PAYLOAD(1007, true, Reconnect.NO),
    POLICY(1008, true, Reconnect.NO),
    TOO_BIG(1009, true, Reconnect.NO),
    SERVER_ERROR(1011, true, Reconnect.WITH_BACKOFF),
    /** The client does not read: nothing more is queued for it, it reconnects and recovers with {@code since}. */
    SLOW_CONSUMER(4001, false, Reconnect.AND_RECOVER),
    /** The client does not answer: waiting for its queue would wait for nothing. */
    NO_HEARTBEAT(4002, false, Reconnect.WITH_BACKOFF),
    /** Extension: never joined a room nor subscribed to a topic within {@code idleTimeoutMs}; reconnecting is fine. */
    IDLE(4408, true, Reconnect.WITH_BACKOFF),
    UNAUTHORIZED(4401, true, Reconnect.WITH_NEW_TOKEN),
    TOO_MANY_CONNECTIONS(4429, true, Reconnect.WITH_BACKOFF),
    /**
     * Extension: an administrator closed the connection (docs/admin.md). In the "do not reconnect" range: the client
     * stays closed until its user acts; what was queued is dropped (the admin may be closing a client that does not
     * read).
     */
    CLOSED_BY_ADMIN(4500, false, Reconnect.NO);

    /** What a client should do after the close. */
    public enum Reconnect { NO, WITH_BACKOFF, AND_RECOVER, WITH_NEW_TOKEN }

    private final int code;
    private final boolean drainFirst;
    private final Reconnect reconnect;

    CloseCode(int code, boolean drainFirst, Reconnect reconnect) {
        this.code = code;
        this.drainFirst = drainFirst;
        this.reconnect = reconnect;
    }

    public int code() {
        return code;
    }

    /** Whether frames queued before the close still go out first. */
    public boolean drainFirst() {
        return drainFirst;
    }

    public Reconnect reconnect() {
        return reconnect;
    }

    /** A close frame's reason: at most 123 bytes of UTF-8 (RFC 6455, 5.5), cut between characters; null is empty. */
    public static String fitReason(String reason) {
        String r = reason == null ? "" : reason;
        while (r.getBytes(StandardCharsets.UTF_8).length > 123) {
            r = r.substring(0, r.offsetByCodePoints(r.length(), -1));
        }
        return r;
    }
}

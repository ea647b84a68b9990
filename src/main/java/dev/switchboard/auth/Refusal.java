package dev.switchboard.auth;

import dev.switchboard.protocol.CloseCode;

/**
 * Why a connection is not admitted or not opened: at the handshake (bad origin, bad or missing token: an adapter that
 * runs before the upgrade answers {@link #status()}), or when the socket opens (connection caps, shutdown: the endpoint
 * closes with {@link #code()}). One type for every refusal, so every adapter treats them alike. The message is short,
 * human readable and safe to show to the client.
 */
public final class Refusal extends Exception {

    private final int status;
    private final CloseCode code;

    public Refusal(int status, CloseCode code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    /** A refusal of a socket that is open already (no HTTP status applies): caps, shutdown. */
    public static Refusal close(CloseCode code, String message) {
        return new Refusal(0, code, message);
    }

    /** A token or login problem: 401 before the upgrade, 4401 after it. */
    public static Refusal unauthorized(String message) {
        return new Refusal(401, CloseCode.UNAUTHORIZED, message);
    }

    /** The HTTP status to refuse the handshake with, or 0 when the socket is already open. */
    public int status() {
        return status;
    }

    /** The close code for a socket that is already open. */
    public CloseCode code() {
        return code;
    }
}

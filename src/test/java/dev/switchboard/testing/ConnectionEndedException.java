package dev.switchboard.testing;

import java.io.IOException;

/** Thrown by the await methods of {@link RawWebSocket} when the connection ended instead of delivering a message. */
public final class ConnectionEndedException extends IOException {
    private final transient CloseResult close;
    ConnectionEndedException(String what, CloseResult close) {
        super(what + ": connection ended: " + close);
        this.close = close;
    }
    public CloseResult close() { return close; }
}

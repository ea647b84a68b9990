package dev.switchboard.core;

import dev.switchboard.auth.Identity;
import dev.switchboard.store.ChannelId;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One client socket in the core: who it is, where it comes from, which endpoint it reached, its outbound queue
 * and what it has joined. Created by {@link Hub#open}; the endpoint keeps it and passes it back with every frame.
 */
public final class Connection {

    /** Which endpoint the socket reached; each accepts its own requests. */
    public enum Endpoint { CHAT, NOTIFICATIONS }

    private final String id;
    private final Identity identity;
    private final String address;
    private final Endpoint endpoint;
    final Transport transport;
    final Outbox outbox;
    final Map<ChannelId, Subscription> subscriptions = new ConcurrentHashMap<>();
    final long openedMillis;

    // Housekeeping, read by the heartbeat tick.
    volatile long lastSeenMillis;
    volatile long lastPingMillis;
    volatile boolean engaged;
    volatile boolean closed;

    // Rate limiting: only touched by the thread delivering this connection's frames (one at a time per session).
    double tokens;
    long tokensAtMillis;
    int strikes;

    Connection(String id, Identity identity, String address, Endpoint endpoint, Transport transport, Outbox outbox,
               long nowMillis, double burst) {
        this.id = id;
        this.identity = identity;
        this.address = address;
        this.endpoint = endpoint;
        this.transport = transport;
        this.outbox = outbox;
        this.openedMillis = nowMillis;
        this.lastSeenMillis = nowMillis;
        this.lastPingMillis = nowMillis;
        this.tokens = burst;
        this.tokensAtMillis = nowMillis;
    }

    public String id() {
        return id;
    }

    public String user() {
        return identity.user();
    }

    public Identity identity() {
        return identity;
    }

    public String address() {
        return address;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Frames queued for this connection (for tests and diagnostics). */
    public int queued() {
        return outbox.queued();
    }

    @Override
    public String toString() {
        return "connection " + id + " user=" + identity.user() + " address=" + address;
    }
}

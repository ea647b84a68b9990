package dev.switchboard.core;

import dev.switchboard.auth.Identity;
import dev.switchboard.protocol.CloseCode;
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
    final RateLimit.Bucket rate;
    /** Channels this connection brought into being lately ({@link NewChannels}); made on the first. */
    volatile NewChannels.Bucket newChannels;

    // Housekeeping, read by the heartbeat tick.
    volatile long lastSeenMillis;
    volatile long lastPingMillis;
    volatile boolean engaged;
    volatile boolean closed;

    Connection(String id, Identity identity, String address, Endpoint endpoint, Transport transport, Outbox outbox,
               long nowMillis, RateLimit.Bucket rate) {
        this.id = id;
        this.identity = identity;
        this.address = address;
        this.endpoint = endpoint;
        this.transport = transport;
        this.outbox = outbox;
        this.openedMillis = nowMillis;
        this.lastSeenMillis = nowMillis;
        this.lastPingMillis = nowMillis;
        this.rate = rate;
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

    /** Queues one frame for this connection alone. */
    void send(String json) {
        outbox.offer(json);
    }

    /** Closes through the outbox, with the code's drain policy. */
    void close(CloseCode code, String reason) {
        outbox.close(code, reason);
    }

    /** Rooms or topics this connection is in. */
    int count(ChannelId.Kind kind) {
        int n = 0;
        for (ChannelId channel : subscriptions.keySet()) {
            if (channel.kind() == kind) {
                n++;
            }
        }
        return n;
    }

    @Override
    public String toString() {
        return "connection " + id + " user=" + LogSafe.text(identity.user()) + " address=" + LogSafe.text(address);
    }
}

package dev.switchboard.core;

import dev.switchboard.protocol.ErrorCode;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many channels without stored history (new names) a client may bring into being per minute: a connection
 * ({@code newChannelsPerMinute}) and all connections of one address together ({@code newChannelsPerMinutePerAddress}).
 * Clients choose channel names freely, and every new one costs the stores something (Redis keeps a read's epoch for a
 * day; a room said into or an inbox whispered to is history that pushes older channels out); without a rate, inventing
 * names is a cheap way to make others' history be forgotten.
 *
 * <p>Whether a name is new is known only once the store answered (a join's or subscribe's recovery read finds no
 * history, a whisper's append is its inbox's first entry), so a new channel is {@linkplain #charge charged} afterwards,
 * and a client whose allowance is {@linkplain #spent spent} may not join, subscribe or whisper (error
 * {@code rate_limited}) until it refills, a token every {@code 60 s / perMinute}. So a client brings at most the
 * allowance plus what it has in flight into being per minute; one that stays within it never notices.
 *
 * <p>Memory: one bucket per connection (in the connection) and one per address that charged within the last minute;
 * {@link #purge} (the hub's once-a-second tick) forgets the full ones. Threads: a bucket's monitor guards it.
 */
final class NewChannels {

    private final double perConnection;
    private final double perAddress;
    private final Replies replies;
    private final Map<String, Bucket> byAddress = new ConcurrentHashMap<>();

    /** @param perConnection per minute, 0 = no limit; {@code perAddress} likewise */
    NewChannels(int perConnection, int perAddress, Replies replies) {
        this.perConnection = perConnection;
        this.perAddress = perAddress;
        this.replies = replies;
    }

    /**
     * True when the connection may ask for a channel that may be new; otherwise it is told {@code rate_limited} (with
     * the request's {@code ref}) and false returned.
     */
    boolean admit(Connection c, String ref) {
        if (!spent(c, replies.millis())) {
            return true;
        }
        replies.error(c, ErrorCode.RATE_LIMITED, "too many new rooms, topics or whisper recipients: at most "
                + (int) perConnection + " a minute per connection and " + (int) perAddress + " per address; try "
                + "again in a few seconds", ref);
        return false;
    }

    /** Whether the connection, or its address, has no allowance left now. */
    boolean spent(Connection c, long nowMillis) {
        Bucket own = c.newChannels;
        Bucket shared = byAddress.get(c.address());
        return own != null && own.spent(perConnection, nowMillis) || shared != null && shared.spent(perAddress, nowMillis);
    }

    /** The connection brought a new channel into being. */
    void charge(Connection c) {
        long nowMillis = replies.millis();
        if (perConnection > 0) {
            Bucket own = c.newChannels;
            if (own == null) {
                synchronized (c) {
                    own = c.newChannels;
                    if (own == null) {
                        own = c.newChannels = new Bucket(perConnection, nowMillis);
                    }
                }
            }
            own.take(perConnection, nowMillis);
        }
        if (perAddress > 0) {
            byAddress.computeIfAbsent(c.address(), a -> new Bucket(perAddress, nowMillis)).take(perAddress, nowMillis);
        }
    }

    /** Forgets addresses whose allowance is whole again. */
    void purge(long nowMillis) {
        byAddress.values().removeIf(b -> b.full(perAddress, nowMillis));
    }

    int addresses() {
        return byAddress.size();
    }

    /** A token bucket that may go below zero by what was in flight; a token per {@code 60 s / perMinute}. */
    static final class Bucket {
        private double tokens;
        private long at;

        Bucket(double perMinute, long nowMillis) {
            this.tokens = perMinute;
            this.at = nowMillis;
        }

        private void refill(double perMinute, long nowMillis) {
            tokens = Math.min(perMinute, tokens + (nowMillis - at) * perMinute / 60_000.0);
            at = nowMillis;
        }

        synchronized void take(double perMinute, long nowMillis) {
            refill(perMinute, nowMillis);
            tokens -= 1;
        }

        synchronized boolean spent(double perMinute, long nowMillis) {
            if (perMinute <= 0) {
                return false;
            }
            refill(perMinute, nowMillis);
            return tokens < 1;
        }

        synchronized boolean full(double perMinute, long nowMillis) {
            refill(perMinute, nowMillis);
            return tokens >= perMinute;
        }
    }
}

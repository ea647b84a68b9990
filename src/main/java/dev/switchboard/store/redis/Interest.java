package dev.switchboard.store.redis;

import dev.switchboard.store.ChannelId;

import java.util.concurrent.CompletableFuture;

/**
 * This node's subscription to one channel, from {@link RedisBus#subscribe} to {@link RedisBus#unsubscribe} (a new
 * subscription after that is a new object, so that answers meant for the old one are told apart).
 *
 * <p>Threads: {@link #subscriber} is guarded by the bus's lock; the delivery fields ({@link #epoch}, {@link #last},
 * {@link #known}, {@link #stale}) are read and written by the bus thread only.
 */
final class Interest {

    final ChannelId channel;
    final String key;
    /** Completes when the first subscription of it is confirmed and the channel's head is known. */
    final CompletableFuture<Void> subscribed = new CompletableFuture<>();
    /** Where its SSUBSCRIBE goes: the subscriber of the node that serves its slot. */
    RedisSubscriber subscriber;

    /** The epoch of the entries delivered. */
    String epoch;
    /** The last offset delivered (or, before any, the head when the subscription was confirmed). */
    long last;
    /** Whether epoch and last are set. */
    boolean known;
    /** A read to repair a gap failed: live entries wait for the catch-up after the next confirmation. */
    boolean stale;

    Interest(ChannelId channel) {
        this.channel = channel;
        this.key = channel.key();
    }
}

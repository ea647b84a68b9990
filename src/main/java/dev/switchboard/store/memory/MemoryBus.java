package dev.switchboard.store.memory;

import dev.switchboard.store.Bus;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Entry;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One node's bus: an append is delivered on the appending thread, under the channel log's monitor (so in offset
 * order), and a signal on the signalling thread. Every channel is delivered; subscriptions only tell the log which
 * channels have members here, whose history it must keep.
 */
final class MemoryBus implements Bus {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Map<ChannelId, Boolean> subscribed = new ConcurrentHashMap<>();
    private volatile Listener listener;

    void start(Listener listener) {
        this.listener = listener;
    }

    void stop() {
        listener = null;
    }

    @Override
    public CompletionStage<Void> subscribe(ChannelId channel) {
        subscribed.put(channel, Boolean.TRUE);
        return DONE;
    }

    @Override
    public void unsubscribe(ChannelId channel) {
        subscribed.remove(channel);
    }

    boolean isSubscribed(ChannelId channel) {
        return subscribed.containsKey(channel);
    }

    @Override
    public void signal(ChannelId channel, String payload, String exceptUser) {
        Listener l = listener;
        if (l != null) {
            l.onSignal(channel, payload, exceptUser);
        }
    }

    /** Called by the log under the channel's monitor. */
    void deliver(ChannelId channel, Entry entry) {
        Listener l = listener;
        if (l != null) {
            l.onEntry(channel, entry);
        }
    }
}

package dev.switchboard.core;

import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Wire;
import dev.switchboard.store.Bus;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Entry;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The channels that have members on this node, and the fan-out to them. The bus delivers here; this node's interest
 * in a channel follows its members: the first member subscribes the node to the channel on the bus, the last one
 * unsubscribes it.
 *
 * <p>Locking: membership changes of a channel happen under one of {@link #STRIPES} locks chosen by the channel,
 * so that the bus sees subscribe and unsubscribe of a channel in the order they were decided; delivery takes no lock
 * (it reads the map and the members' copy-on-write array).
 */
final class Channels implements Bus.Listener {

    private static final int STRIPES = 64;

    private final Map<ChannelId, LocalChannel> channels = new ConcurrentHashMap<>();
    private final Object[] locks = new Object[STRIPES];
    private final Bus bus;
    private final InboxDelivery inboxes;
    private final Stats stats;
    /** This node's id, for the trace log. */
    private final String node;
    /** Where a membership continues when the bus subscribed later (not on the bus's thread: it reads the store). */
    private final Executor worker;
    private final SendSamples samples;

    /**
     * Hooks of inbox entries (whispers): what to run when the entry's frame was written to a connection of the inbox's
     * owner ({@link Outgoing#written}; the hook tells once however many connections it reaches).
     */
    interface InboxDelivery {
        Runnable whenWritten(ChannelId inbox, Entry entry);
    }

    Channels(Bus bus, InboxDelivery inboxes, Stats stats, Executor worker, String node, SendSamples samples) {
        this.bus = bus;
        this.node = node;
        this.samples = samples;
        this.inboxes = inboxes;
        this.stats = stats;
        this.worker = worker;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    private Object lock(ChannelId id) {
        return locks[(id.hashCode() & 0x7fffffff) % STRIPES];
    }

    /** Makes the connection a (syncing) member of the channel; the bus delivers the channel here from now on. */
    Subscription attach(Connection c, ChannelId id) {
        Subscription sub = new Subscription(c, id);
        synchronized (lock(id)) {
            LocalChannel local = channels.get(id);
            if (local == null) {
                local = new LocalChannel(id, bus.subscribe(id));
                channels.put(id, local);
            }
            local.members.add(sub);
        }
        c.subscriptions.put(id, sub);
        return sub;
    }

    /** Ends a membership; the last member of a channel takes this node's interest with it. */
    void detach(Subscription sub) {
        sub.cancel();
        synchronized (lock(sub.channel)) {
            LocalChannel local = channels.get(sub.channel);
            if (local != null && local.members.remove(sub) && local.members.isEmpty()) {
                channels.remove(sub.channel);
                bus.unsubscribe(sub.channel);
            }
        }
    }

    /**
     * Runs {@code then} once the bus delivers the subscription's channel to this node: at once (on this thread) when
     * it does already, else on the worker. A bus that could not subscribe runs {@code failed} instead.
     */
    void whenLive(Subscription sub, Runnable then, Runnable failed) {
        LocalChannel local = channels.get(sub.channel);
        CompletionStage<Void> live = local == null ? null : local.live;
        if (live == null || live.toCompletableFuture().isDone() && !live.toCompletableFuture().isCompletedExceptionally()) {
            then.run();
            return;
        }
        live.whenCompleteAsync((ok, failure) -> (failure == null ? then : failed).run(), worker);
    }

    @Override
    public void onEntry(ChannelId channel, Entry entry) {
        LocalChannel local = channels.get(channel);
        if (local == null) {
            return;
        }
        // Only notifications carry a trace (chat is not traced, docs/tracing.md); a look at one place of the text.
        String trace = channel.kind() == ChannelId.Kind.TOPIC ? Wire.traceOf(entry.json()) : null;
        Instant handedOver = trace == null ? null : Instant.now(); // before the sends: they may finish first
        Outgoing frame = new Outgoing(entry.json(), trace, trace == null ? 0 : System.nanoTime());
        frame.sample = samples.match(channel, entry.offset());
        if (channel.kind() == ChannelId.Kind.INBOX) {
            frame.written = inboxes.whenWritten(channel, entry);
        }
        Starts starts = new Starts(local.members.size());
        int delivered = 0;
        try {
            delivered = local.deliver(entry, frame, starts);
            stats.messagesOut.add(delivered); // before the writes: a client that has the frame finds it counted
        } finally {
            starts.flush();
        }
        if (trace != null) {
            TraceLog.delivered(trace, node, channel, entry.offset(), delivered, handedOver);
        }
    }

    @Override
    public void onSignal(ChannelId channel, String payload, String exceptUser) {
        LocalChannel local = channels.get(channel);
        if (local != null) {
            UserSignal toUser = UserSignal.parse(payload);
            if (toUser != null) {
                local.signal(toUser);
            } else {
                local.signal(payload, exceptUser);
            }
        }
    }

    /** Sends {@code signal.frame()} to the connections of {@code signal.user()} in the channel, on every node. */
    void signal(ChannelId channel, UserSignal signal) {
        bus.signal(channel, signal.payload(), null);
    }

    /**
     * The store lost the channel's history: the members' offsets mean nothing any more, so they are closed with 1011
     * and reconnect with {@code since}, which answers {@code recovered:false} and the new history.
     */
    @Override
    public void onReset(ChannelId channel) {
        LocalChannel local = channels.get(channel);
        if (local != null) {
            for (Subscription sub : local.members) {
                sub.connection.close(CloseCode.SERVER_ERROR, "the history of " + channel.name() + " was lost; reconnect");
            }
        }
    }

    /** The channels with members on this node (a live view; for the admin's {@link Overview}). */
    Collection<LocalChannel> all() {
        return channels.values();
    }

    /** Whether the channel has members on this node. */
    boolean has(ChannelId id) {
        return channels.containsKey(id);
    }

    /** Rooms or topics with members on this node. */
    int count(ChannelId.Kind kind) {
        int n = 0;
        for (ChannelId id : channels.keySet()) {
            if (id.kind() == kind) {
                n++;
            }
        }
        return n;
    }
}

package dev.switchboard.store.redis;

import dev.switchboard.store.Bus;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Entry;
import dev.switchboard.store.Slice;
import dev.switchboard.store.StoreUnavailableException;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The bus thread ({@code switchboard-redis-bus}): the only caller of the {@link Bus.Listener}. Subscribers hand it
 * what they read from Redis, in the order they read it; it delivers each subscribed channel's entries in offset
 * order, each once, whatever pub/sub lost or repeated:
 * <ul>
 *   <li>When a subscription is confirmed for the first time it reads the channel's head: entries up to it are the
 *       core's to read (the stage completes after this), later ones are delivered.</li>
 *   <li>An entry at or below the last delivered offset is a repeat and dropped; one further ahead is preceded by the
 *       missing ones, read from the log.</li>
 *   <li>A confirmation after a reconnection (or a move to another node of a Redis Cluster) first catches up: every
 *       entry after the last delivered one is read from the log.</li>
 *   <li>An entry or a read with another epoch means Redis lost the channel's history: {@link Bus.Listener#onReset}
 *       (when something of the old history had been delivered), then the new history from offset 1.</li>
 * </ul>
 * A read whose head is below the last delivered offset under the same epoch (a failover lost the newest entries)
 * also resets the channel, and delivery goes on from that head. A read that fails leaves the channel stale (live entries are not delivered) and asks its subscriber to reconnect:
 * the catch-up after the next confirmation delivers them.
 *
 * <p>Bus message format (published by {@code append.lua} and {@code signal.lua} on {@code sb:{K}}):
 * {@code e\nEPOCH\nFIRST\nJSON\nJSON…} carries entries FIRST, FIRST+1, … of one script call;
 * {@code s\nPAYLOAD} or {@code s\nPAYLOAD\nEXCEPT} a signal (payloads never hold a newline; the except user, which
 * may, comes last); {@code l\nORIGIN\nPAYLOAD[\nEXCEPT]} a signal the bus {@code ORIGIN} delivered to its own node
 * already (see {@link RedisBus}): dropped there, delivered everywhere else.
 *
 * <p>The queue is bounded ({@value #CAPACITY} messages): when the listener falls behind, subscribers stop reading,
 * Redis buffers and at worst drops the connection, and the catch-up repairs it; memory does not grow.
 */
final class RedisDelivery {

    private static final Logger LOG = System.getLogger(RedisDelivery.class.getName());
    static final int CAPACITY = 10_000;
    /** Frames read per script call when catching up. */
    private static final int PAGE = 500;

    private final BlockingQueue<Runnable> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final RedisLog log;
    private final Function<String, Interest> interests;
    /** This node's bus: signals marked with it were delivered here before they were published. */
    private final String origin;
    private volatile Bus.Listener listener;
    private volatile boolean closed;
    private Thread thread;

    RedisDelivery(RedisLog log, Function<String, Interest> interests, String origin) {
        this.log = log;
        this.interests = interests;
        this.origin = origin;
    }

    /** A signal's bus message; {@code deliveredAt} (a bus's origin, or null) delivered it to its own node already. */
    static String signalMessage(String deliveredAt, String oneLinePayload, String exceptUser) {
        return (deliveredAt == null ? "s\n" : "l\n" + deliveredAt + "\n") + oneLinePayload
                + (exceptUser == null ? "" : "\n" + exceptUser);
    }

    void start(Bus.Listener listener) {
        this.listener = listener;
        thread = new Thread(this::run, "switchboard-redis-bus");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (!closed) {
            Runnable task;
            try {
                task = queue.take();
            } catch (InterruptedException e) {
                continue;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "the Redis bus thread failed", e);
            }
        }
    }

    /** Queues work for the bus thread, waiting while the queue is full; false when closed. */
    private boolean enqueue(Runnable task) {
        try {
            while (!closed) {
                if (queue.offer(task, 100, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** A message read from {@code source}'s subscription to {@code key}'s bus channel. */
    boolean message(RedisSubscriber source, String key, String payload) {
        return enqueue(() -> onMessage(source, key, payload));
    }

    /** {@code source} confirmed a subscription of {@code interest}. */
    boolean confirmed(RedisSubscriber source, Interest interest) {
        return enqueue(() -> onConfirmed(source, interest));
    }

    /** A signal that could not go through Redis: delivered here only (when this node subscribed the channel). */
    void local(ChannelId channel, String payload, String exceptUser) {
        enqueue(() -> {
            if (interests.apply(channel.key()) != null) {
                signal(channel, payload, exceptUser);
            }
        });
    }

    private void onConfirmed(RedisSubscriber source, Interest i) {
        if (interests.apply(i.key) != i) {
            return; // unsubscribed meanwhile
        }
        try {
            if (!i.known) {
                Slice head = log.read(i.channel, "a", Long.MAX_VALUE, 0);
                i.epoch = head.epoch();
                i.last = head.head();
                i.known = true;
            } else {
                catchUp(i, Long.MAX_VALUE);
            }
            i.stale = false;
            i.subscribed.complete(null);
        } catch (StoreUnavailableException e) {
            i.stale = i.known;
            i.subscribed.completeExceptionally(e);
            source.reconnect();
        }
    }

    private void onMessage(RedisSubscriber source, String key, String payload) {
        Interest i = interests.apply(key);
        if (i == null) {
            return; // unsubscribed: a late message
        }
        if (payload.startsWith("e\n")) {
            int a = payload.indexOf('\n', 2);
            int b = payload.indexOf('\n', a + 1);
            String epoch = payload.substring(2, a);
            long offset = Long.parseLong(payload.substring(a + 1, b));
            int from = b + 1;
            while (from <= payload.length()) {
                int to = payload.indexOf('\n', from);
                if (to < 0) {
                    to = payload.length();
                }
                if (!onEntry(source, i, epoch, offset++, payload.substring(from, to))) {
                    return;
                }
                from = to + 1;
            }
        } else if (payload.startsWith("s\n")) {
            signal(i.channel, payload, 2);
        } else if (payload.startsWith("l\n")) {
            int a = payload.indexOf('\n', 2);
            if (a > 0 && !payload.substring(2, a).equals(origin)) { // at its origin it was delivered already
                signal(i.channel, payload, a + 1);
            }
        }
    }

    /** The signal {@code PAYLOAD[\nEXCEPT]} that starts at {@code from} of a bus message. */
    private void signal(ChannelId channel, String message, int from) {
        int a = message.indexOf('\n', from);
        signal(channel, a < 0 ? message.substring(from) : message.substring(from, a),
                a < 0 ? null : message.substring(a + 1));
    }

    /** One live entry; false when the channel went stale (the rest of the message waits for the catch-up). */
    private boolean onEntry(RedisSubscriber source, Interest i, String epoch, long offset, String json) {
        if (i.stale) {
            return false;
        }
        if (!i.known) { // the head read at confirmation failed: start from here
            i.epoch = epoch;
            i.last = offset - 1;
            i.known = true;
        }
        if (!i.epoch.equals(epoch)) {
            reset(i, epoch);
        }
        if (offset <= i.last) {
            return true; // a repeat (or, after a failover that lost entries, one the catch-up on the new node resets)
        }
        if (offset > i.last + 1) {
            try {
                catchUp(i, offset - 1);
            } catch (StoreUnavailableException e) {
                i.stale = true;
                source.reconnect();
                return false;
            }
        }
        if (offset > i.last) {
            deliver(i, new Entry(offset, json));
        }
        return true;
    }

    /** Reads and delivers the channel's entries after the last delivered one, up to {@code upTo}. */
    private void catchUp(Interest i, long upTo) {
        while (i.last < upTo) {
            Slice slice = log.read(i.channel, "a", i.last, (int) Math.min(PAGE, upTo - i.last));
            if (!slice.epoch().equals(i.epoch)) {
                reset(i, slice.epoch());
                continue;
            }
            if (slice.head() < i.last) {
                truncated(i, slice.head());
                return;
            }
            if (slice.entries().isEmpty()) {
                return;
            }
            long first = slice.entries().get(0).offset();
            if (first > i.last + 1) {
                LOG.log(Level.WARNING, "{0}: entries {1}-{2} left the history before this node could deliver them",
                        i.key, i.last + 1, first - 1);
            }
            for (Entry e : slice.entries()) {
                if (e.offset() > upTo) {
                    return;
                }
                deliver(i, e);
            }
            if (i.last >= slice.head()) {
                return;
            }
        }
    }

    /**
     * The channel's history was lost in Redis (a new epoch): offsets start again at 1, and members that had entries
     * of the old history must resynchronise. A channel that had delivered nothing just takes the new epoch.
     */
    private void reset(Interest i, String epoch) {
        long had = i.last;
        i.epoch = epoch;
        i.last = 0;
        Bus.Listener l = listener;
        if (had > 0 && l != null) {
            LOG.log(Level.WARNING, "{0}: Redis lost its history (it had {1} entries); its members resynchronise",
                    i.key, had);
            try {
                l.onReset(i.channel);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "resetting " + i.key + " failed", e);
            }
        }
    }

    /**
     * The head went back under the same epoch: a failover promoted a replica that had not received the newest
     * entries (Redis replicates asynchronously). Offsets after the new head will be taken again by other entries, so
     * delivery goes on from the new head, and the members resynchronise (what they hold past it is gone).
     */
    private void truncated(Interest i, long head) {
        LOG.log(Level.WARNING, "{0}: Redis lost entries {1}-{2} (a failover?); its members resynchronise", i.key,
                head + 1, i.last);
        i.last = head;
        Bus.Listener l = listener;
        if (l != null) {
            try {
                l.onReset(i.channel);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "resetting " + i.key + " failed", e);
            }
        }
    }

    private void deliver(Interest i, Entry entry) {
        i.last = entry.offset();
        Bus.Listener l = listener;
        if (l != null) {
            try {
                l.onEntry(i.channel, entry);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "delivering " + i.key + " " + entry.offset() + " failed", e);
            }
        }
    }

    private void signal(ChannelId channel, String payload, String exceptUser) {
        Bus.Listener l = listener;
        if (l != null) {
            try {
                l.onSignal(channel, payload, exceptUser);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "delivering a signal of " + channel + " failed", e);
            }
        }
    }

    void close() {
        closed = true;
        listener = null;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

package dev.switchboard.core;

import dev.switchboard.store.Appended;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Entry;
import dev.switchboard.store.Slice;

import dev.switchboard.store.Template;

import java.util.List;
import java.util.Map;

/**
 * Where history and offsets live, and how a stored frame reaches every node. One implementation per deployment:
 * {@link MemoryBackplane} for one node (the default), a Redis one for a cluster.
 *
 * <p>Contract, the same for every implementation:
 * <ul>
 *   <li>{@link #append} assigns the channel's next offset (1, 2, 3 … without gaps), completes the template with it,
 *       stores the entry and hands it to the {@link Listener} of <em>every</em> node, this one included, all in one
 *       atomic step: each node's listener sees a channel's entries in offset order.</li>
 *   <li>The listener is called on whatever thread the implementation delivers on; it must not block.</li>
 *   <li>Reads may run concurrently with appends; the {@link Hub} makes recovery race-free on top of that.</li>
 * </ul>
 */
public interface Backplane extends AutoCloseable {

    /** Receives entries and signals from every node. */
    interface Listener {
        /** A stored entry of {@code channel}, in offset order per channel. */
        void onEntry(ChannelId channel, Entry entry);

        /** A transient frame (presence, typing, a sender's copy of a whisper), not stored, skipped for {@code exceptUser}. */
        void onSignal(ChannelId channel, String json, String exceptUser);

        /**
         * The shared store lost the channel's history while this node was delivering it (its epoch changed, offsets
         * start again at 1): members must resynchronise. Called in order with {@link #onEntry}, before the new
         * history's entries.
         */
        default void onReset(ChannelId channel) {
        }
    }

    /** Called once, before anything else. */
    void start(Listener listener);

    /**
     * Stores a frame. With a non-null {@code dedupKey} that was appended before in this channel (and is still in
     * its history), nothing is stored and the original entry comes back with {@code duplicate = true}.
     */
    Appended append(ChannelId channel, Template frame, String dedupKey);

    /** Entries with offset greater than {@code after}, oldest first, at most {@code limit}. */
    Slice readAfter(ChannelId channel, long after, int limit);

    /** The newest {@code limit} entries with offset less than {@code before}, oldest first. */
    Slice readBefore(ChannelId channel, long before, int limit);

    /** Sends a transient frame to the channel's members on every node (see {@link Listener#onSignal}). */
    void signal(ChannelId channel, String json, String exceptUser);

    /** Counts one more connection of {@code user} in {@code channel}; true when it is the user's first anywhere. */
    boolean presenceUp(ChannelId channel, String user);

    /** Counts one connection less; true when it was the user's last anywhere. */
    boolean presenceDown(ChannelId channel, String user);

    /** Users present in the channel, in the order they came. */
    List<String> members(ChannelId channel);

    /**
     * Registers a connection of {@code user}: with {@code exclusive} (guests), only if the name has no connection
     * yet. Returns the user's connection count after registering, or 0 when refused because the name is taken.
     */
    int connect(String user, boolean exclusive);

    /** Unregisters a connection of {@code user}. */
    void disconnect(String user);

    /** The highest inbox offset delivered to {@code user} (0 when none). */
    long cursor(String user);

    /** Raises the user's inbox cursor to {@code offset} if it is lower. */
    void advanceCursor(String user, long offset);

    /** "UP", or "DEGRADED: reason" when the shared store cannot be reached. */
    String health();

    /** Channels with stored history (for stats). */
    int channelCount();

    /**
     * Shares this node's counters (a JSON object) with the cluster for {@code ttlMs} and returns every live node's,
     * this one's included, by node id. One node: just its own.
     */
    default Map<String, String> shareCounters(String json, long ttlMs) {
        return Map.of("local", json);
    }

    /**
     * Whether this node is the one that publishes the cluster's {@code role} values (the {@code stats} and
     * {@code demo} topics), taking or renewing a lease of {@code ttlMs}. One node: always. When the store cannot be
     * reached: false (nothing could be published anyway).
     */
    default boolean lead(String role, long ttlMs) {
        return true;
    }

    @Override
    void close();
}

package dev.switchboard.store;

import java.util.concurrent.CompletionStage;

/**
 * The history of every channel: an append-only log per channel, bounded, with gap-free offsets. One of the four
 * concerns of the storage SPI ({@link Storage}); it stores text it does not interpret (the core's encoded frames).
 *
 * <p>Contract, the same for every implementation:
 * <ul>
 *   <li>{@link #append} assigns the channel's next offset (1, 2, 3 … without gaps), completes the template with it,
 *       stores the entry and publishes it to the {@link Bus} of every node interested in the channel, in one atomic
 *       step: every node sees a channel's entries in offset order.</li>
 *   <li>An append never blocks its caller on a network round trip: it completes later, on the store's thread, or
 *       before it returns (in memory). Appends of one caller to one channel complete in the order they were made.</li>
 *   <li>Reads may run concurrently with appends; the core makes recovery race-free on top of that.</li>
 *   <li>{@code epoch} names one continuous history of a channel; it changes only when that history is lost (an
 *       in-memory store restarted or evicted the channel, Redis lost its data).</li>
 * </ul>
 */
public interface Log {

    /**
     * Stores a frame. With a non-null {@code dedupKey} that was appended before in this channel (and is still in its
     * history), nothing is stored and the stage completes with the original entry and {@code duplicate = true}.
     * Fails with {@link StoreUnavailableException} when the store cannot be reached.
     */
    CompletionStage<Appended> append(ChannelId channel, Template frame, String dedupKey);

    /** Entries with offset greater than {@code after}, oldest first, at most {@code limit}. May block (joins, history). */
    Slice readAfter(ChannelId channel, long after, int limit);

    /** The newest {@code limit} entries with offset less than {@code before}, oldest first. May block. */
    Slice readBefore(ChannelId channel, long before, int limit);

    /** Channels with stored history (for stats). */
    int channelCount();

    /**
     * Size of the history this store holds for this node, in bytes of the stored frames' text (counted as characters:
     * one byte each for ASCII), for the metrics; -1 where the store cannot tell cheaply (a shared store: Redis).
     */
    default long historyBytes() {
        return -1;
    }
}

package dev.switchboard.store;

import java.util.concurrent.CompletionStage;

/**
 * How entries and signals reach the nodes that have members of a channel. Interest is explicit and per channel: a
 * node receives only the channels it {@linkplain #subscribe subscribed} to, so a node without members of a room pays
 * nothing for its traffic. One node (in memory): every channel is delivered, subscribing costs nothing.
 *
 * <p>Contract:
 * <ul>
 *   <li>The listener gets a channel's entries in offset order, each at most once per node (implementations repair
 *       gaps from the {@link Log} and drop repeats by offset); it is called on the bus's own thread (or, in memory, on
 *       the appending thread) and must not block.</li>
 *   <li>The core calls {@link #subscribe} when the first local member of a channel arrives and {@link #unsubscribe}
 *       when the last one leaves, in that order per channel, never twice in a row.</li>
 * </ul>
 */
public interface Bus {

    /** Receives what this node subscribed to. */
    interface Listener {
        /** A stored entry of {@code channel}, in offset order per channel. */
        void onEntry(ChannelId channel, Entry entry);

        /** A transient payload (presence, typing, a sender's copy of a whisper), not stored, skipped for {@code exceptUser}. */
        void onSignal(ChannelId channel, String payload, String exceptUser);

        /**
         * The channel's history was lost while this node delivered it (its epoch changed, offsets start again at 1):
         * members must resynchronise. Called in order with {@link #onEntry}, before the new history's entries.
         */
        default void onReset(ChannelId channel) {
        }
    }

    /**
     * From when the stage completes, every entry appended to {@code channel} afterwards (by any node) is delivered
     * here, as are signals sent afterwards. Entries appended before may be delivered too (the core drops them by
     * offset). The core reads the channel's history only after the stage completed, so nothing falls between the
     * read and the live stream. Completes at once when this node is already subscribed or the bus is local.
     */
    CompletionStage<Void> subscribe(ChannelId channel);

    /** This node no longer needs the channel. */
    void unsubscribe(ChannelId channel);

    /** Sends a transient payload to the channel's subscribers on every node (see {@link Listener#onSignal}). */
    void signal(ChannelId channel, String payload, String exceptUser);
}

package dev.switchboard.store;

/**
 * Positions of users in channels that must survive a connection: the highest inbox offset delivered to a user (so
 * whispers that arrived while away are replayed once), and a user's read position in a room (chat 1.1: shared by the
 * user's connections on every node). A cursor never moves backwards. A channel's cursors belong to its history: when
 * the history is lost (a new epoch, offsets from 1 again) they go with it.
 */
public interface Cursors {

    /** The stored position of {@code user} in {@code channel}, 0 when none. May block. */
    long get(ChannelId channel, String user);

    /**
     * Raises the position to {@code offset} if it is lower. Never blocks the caller (it may run on the bus thread):
     * implementations that must reach a server write later, coalescing, and keep what they could not write until
     * they can.
     */
    void advance(ChannelId channel, String user, long offset);
}

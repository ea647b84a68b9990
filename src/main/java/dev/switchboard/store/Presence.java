package dev.switchboard.store;

import java.util.List;

/**
 * Who is where, cluster-wide: users present in channels (counted per connection, so several tabs are one user),
 * open connections per user (for caps and guest names), and which users exist (remembered for a while after they
 * connect, so that messages can be refused for names nobody has). Returns facts and events, never protocol frames: the core
 * decides what a client sees.
 */
public interface Presence {

    /** Presence changes this node did not cause itself: a dead node's users left, a node came back after an outage. */
    interface Listener {
        void onPresence(PresenceEvent event);
    }

    /** Counts one more connection of {@code user} in {@code channel}; true when it is the user's first anywhere. */
    boolean join(ChannelId channel, String user);

    /** Counts one connection less; true when it was the user's last anywhere. */
    boolean leave(ChannelId channel, String user);

    /**
     * Users present in the channel, in the order they came; after the shared store lost its data (a Redis restart
     * without persistence), in the order the nodes wrote their members back.
     */
    List<String> members(ChannelId channel);

    /** Registers one more connection of {@code user}; returns the user's connection count, cluster-wide, after it. */
    int connect(String user);

    /**
     * Registers a connection under the first of {@code candidates} that has no connection anywhere (a guest name),
     * in one step; returns that name, or null when every candidate is taken.
     */
    String claim(List<String> candidates);

    /** Unregisters a connection of {@code user}. */
    void disconnect(String user);

    /** Open connections of {@code user}, cluster-wide (0: none). */
    int connections(String user);

    /**
     * Remembers that {@code user} exists, for {@code ttlMillis} from now (each call renews it). Implementations bound
     * what they remember (memory: the most recent ones; Redis: a key that expires).
     */
    void remember(String user, long ttlMillis);

    /** Whether {@code user} was remembered within its time to live. */
    boolean remembered(String user);
}

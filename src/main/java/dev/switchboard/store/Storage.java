package dev.switchboard.store;

/**
 * The storage SPI, split by concern: {@link Log} (history and offsets), {@link Bus} (delivery to the nodes that
 * subscribed), {@link Presence}, {@link Cursors} and {@link Cluster}. One implementation per deployment: in memory on
 * one node, Redis for a cluster. Storage never speaks the wire protocol: it stores and carries text the core made.
 */
public interface Storage extends AutoCloseable {

    Log log();

    Bus bus();

    Presence presence();

    Cursors cursors();

    Cluster cluster();

    /**
     * Whether every call answers from this process, without a network round trip or a wait on another process (the
     * in-memory store). The runner then processes WebSocket frames on its selector threads, as they arrive.
     */
    default boolean inProcess() {
        return false;
    }

    /** Connects (a cluster store fails here, naming its setting, when it cannot); called once, before anything else. */
    void start(Bus.Listener bus, Presence.Listener presence);

    /** Disconnects; this node's share of presence and connections leaves the cluster. Later calls do nothing. */
    @Override
    void close();
}

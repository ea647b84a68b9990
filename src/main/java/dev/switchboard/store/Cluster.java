package dev.switchboard.store;

import java.util.Map;

/** The chores of running several nodes: who this node is, its health, leases and shared counters. */
public interface Cluster {

    /** This node's id (random per start). */
    String nodeId();

    Health health();

    /**
     * Whether this node is the one that does {@code role} (publishing the cluster's {@code stats}, the demo feed,
     * relaying database changes), taking or renewing a lease of {@code ttlMs}. One node: always. When the store
     * cannot be reached: false.
     */
    boolean lead(String role, long ttlMs);

    /**
     * Shares this node's counters (a JSON object) with the cluster for {@code ttlMs} and returns every live node's,
     * this one's included, by node id. One node: just its own.
     */
    Map<String, String> shareCounters(String json, long ttlMs);
}

package dev.switchboard.db;

/** A test double of the cluster's lease (the core's {@code Cluster.lead}): one holder at a time, for a ttl. */
final class TestLease {

    private String holder;
    private long until;

    synchronized boolean lead(String node, long ttlMs) {
        long now = System.currentTimeMillis();
        if (holder == null || until < now || holder.equals(node)) {
            holder = node;
            until = now + ttlMs;
            return true;
        }
        return false;
    }
}

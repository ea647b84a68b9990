package dev.switchboard.store.memory;

/**
 * What the in-memory store counts against its byte budgets ({@code historyMaxBytes}, {@code storeMaxBytes}): an
 * estimate of the heap an entry and a channel hold. A string costs one byte per character when every character is
 * Latin-1 (the JVM's compact strings) and two otherwise; an entry adds its objects (entry, holder, queue slot) and its
 * de-duplication key; a channel its log, queue, map and key. Estimates on the high side: the budget is what the heap
 * may hold at most, not less.
 */
final class Sizes {

    /** A channel's own objects: its log, queue, de-duplication map, epoch and map node. */
    static final long CHANNEL = 512;
    /** An entry's objects besides its text: the entry, its holder, a queue slot, the string's header. */
    static final long ENTRY = 96;

    private Sizes() {
    }

    /** An entry of this JSON text with this de-duplication key (or null). */
    static long entry(String json, String dedupKey) {
        return ENTRY + text(json) + (dedupKey == null ? 0 : ENTRY + text(dedupKey));
    }

    /** The heap a string's characters take: 1 byte each when all are Latin-1, else 2. */
    static long text(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) > 0xFF) {
                return 2L * n;
            }
        }
        return n;
    }
}

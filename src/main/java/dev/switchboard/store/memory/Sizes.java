package dev.switchboard.store.memory;

/**
 * What the in-memory store counts against its byte budgets ({@code historyMaxBytes}, {@code storeMaxBytes}): an
 * estimate of the heap an entry and a channel hold. A string costs one byte per character when every character is
 * Latin-1 and two otherwise (as {@link EntryRing} stores texts and keys); an entry adds a fixed amount for its slots
 * and the rings' slack, and as much again with a de-duplication key; a channel its log, map node and key. Estimates
 * on the high side for entries of ordinary size: {@link EntryRing} holds at most 16 bytes a slot, four slots an entry,
 * 32 bytes of index a key, plus a page of {@link Pages} (512 bytes) a channel.
 */
final class Sizes {

    /** A channel's own objects: its log, queue, de-duplication map, epoch and map node. */
    static final long CHANNEL = 512;
    /** An entry's share besides its text: its slots and the rings' slack. */
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

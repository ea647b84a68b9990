package dev.switchboard.store.memory;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Fixed-size pages of bytes for the in-memory history ({@link EntryRing}), cut from blocks of {@link #BLOCK} bytes and
 * handed out by number. One per store; thread-safe (a page is then used under its channel's monitor).
 *
 * <p>Why: a room's history fills for minutes (its last {@code historySize} messages) while messages arrive thousands a
 * second. Held in one byte array per room that grew by copying, every growth allocated a new young array, and each
 * young collection copied the live ones again until they were old: in the chat of 500 rooms of 2 at 5000 messages/s,
 * G1's young pauses took 70-260 ms and the p99 went above 180 ms until the rooms' histories were full
 * (docs/performance.md, fourteenth session). Pages are never copied: a block is allocated once, ages once, and its
 * pages are reused by every channel of the store. Page numbers are ints: the rings that hold them hold no references.
 *
 * <p>A page is taken from the lowest block with a free one, so pages gather in the first blocks and the last ones
 * empty when history shrinks; the last block is released when it and the one before it are both empty (one empty
 * block is kept as slack).
 */
final class Pages {

    static final int PAGE_BITS = 9;
    /** Bytes a page. */
    static final int PAGE = 1 << PAGE_BITS;
    private static final int BLOCK_PAGE_BITS = 9;
    private static final int BLOCK_PAGES = 1 << BLOCK_PAGE_BITS;
    /** Bytes a block (256 KiB). */
    static final int BLOCK = BLOCK_PAGES * PAGE;

    /** Block b holds pages b * BLOCK_PAGES onwards; null once released. Replaced (not changed in place) as it grows. */
    private volatile byte[][] blocks = new byte[0][];
    /** Pages of the blocks held that nobody holds. */
    private final BitSet free = new BitSet();
    /** Pages taken, per block. */
    private int[] taken = new int[0];
    private int blockCount;
    /** No free page below this one. */
    private int lowestFree;

    /** A free page (its bytes are whatever was written there last). */
    synchronized int take() {
        int page = free.nextSetBit(lowestFree);
        if (page < 0) {
            page = addBlock();
        }
        free.clear(page);
        lowestFree = page + 1;
        taken[page >>> BLOCK_PAGE_BITS]++;
        return page;
    }

    /** Gives back a page taken from here; its holder must not use it any more. */
    synchronized void give(int page) {
        int block = page >>> BLOCK_PAGE_BITS;
        if (block >= blockCount || free.get(page)) {
            throw new IllegalArgumentException("page " + page + " is not taken");
        }
        free.set(page);
        lowestFree = Math.min(lowestFree, page);
        if (--taken[block] == 0) {
            releaseEmptyBlocks();
        }
    }

    /** The block that holds this page. */
    byte[] block(int page) {
        return blocks[page >>> BLOCK_PAGE_BITS];
    }

    /** Where this page starts in its {@link #block}. */
    static int start(int page) {
        return (page & (BLOCK_PAGES - 1)) << PAGE_BITS;
    }

    /** Bytes of the blocks held. */
    synchronized long bytes() {
        return (long) blockCount * BLOCK;
    }

    /** Pages taken and not given back. */
    synchronized int pagesTaken() {
        int n = 0;
        for (int i = 0; i < blockCount; i++) {
            n += taken[i];
        }
        return n;
    }

    private int addBlock() {
        int block = blockCount;
        byte[][] current = blocks;
        if (block == current.length) {
            current = Arrays.copyOf(current, Math.max(4, 2 * current.length));
            taken = Arrays.copyOf(taken, current.length);
        }
        current[block] = new byte[BLOCK];
        blocks = current; // publishes the new block (and a grown array) to readers
        blockCount++;
        int first = block << BLOCK_PAGE_BITS;
        free.set(first, first + BLOCK_PAGES);
        return first;
    }

    private void releaseEmptyBlocks() {
        while (blockCount >= 2 && taken[blockCount - 1] == 0 && taken[blockCount - 2] == 0) {
            int last = blockCount - 1;
            free.clear(last << BLOCK_PAGE_BITS, (last + 1) << BLOCK_PAGE_BITS);
            byte[][] current = blocks;
            current[last] = null;
            blocks = current;
            blockCount--;
        }
        lowestFree = Math.min(lowestFree, blockCount << BLOCK_PAGE_BITS);
    }
}

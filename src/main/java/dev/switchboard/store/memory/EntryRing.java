package dev.switchboard.store.memory;

import dev.switchboard.store.Entry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One channel's entries, oldest first, with consecutive offsets (at least 1), held without an object per entry: each
 * entry's text and de-duplication key as bytes in a queue of {@link Pages} (one byte a character when every character
 * is Latin-1, else two, so they take exactly the bytes {@link Sizes#text} counts), where each starts and how long it is
 * in int arrays used as rings, and the keys' index as an open-addressing table of offsets. An {@link Entry} is made
 * when one is read.
 *
 * <p>Why: entries live for minutes (a room's last {@code historySize} messages) but arrive thousands a second, nearly
 * all with a key (clients send a {@code ref} with each message). Held as objects (entry, string, bytes, holder, a map
 * node, the key's string and bytes), every young collection copied each new entry again until it was old, and G1's
 * refinement threads rescanned the queue's and the map's arrays that pointed at them. Arrays of bytes, ints and longs
 * hold no references: a collection neither scans nor refines them (docs/performance.md, eleventh session).
 *
 * <p>The bytes take less than two pages more than the entries' bytes (the oldest page may be partly free, the newest
 * partly written), and a page comes back to the store's {@link Pages} as soon as the entries leave it: the bytes are never
 * copied to grow (the reason for pages). The int rings grow as entries come and shrink when they go: 16 bytes an
 * entry, at most four times as many slots as entries; the index 8 bytes a slot, at most four slots a key.
 *
 * <p>Not thread-safe: its channel log's monitor guards it.
 */
final class EntryRing {

    private static final int MIN_SLOTS = 8;
    /** A byte position's page number, modulo 2^32 like the positions: its bits. */
    private static final int PAGE_NUMBERS = (1 << (32 - Pages.PAGE_BITS)) - 1;
    private static final int IN_PAGE = Pages.PAGE - 1;
    /** The sign bit of a length: two bytes a character, not Latin-1. */
    private static final int WIDE = Integer.MIN_VALUE;
    /** In a key's length: the entry has a key (an empty one too). */
    private static final int KEYED = 1 << 30;
    private static final int BYTES = ~(WIDE | KEYED);
    private static final long EMPTY = 0;
    private static final long REMOVED = -1;

    private final Pages pages;
    /** The pages held, oldest first from {@link #pageFirst}: a ring of page numbers. */
    private int[] pageRing = new int[0];
    private int pageFirst;
    private int pageCount;
    /** The page number ({@code position >>> PAGE_BITS}) of the oldest page held. */
    private int firstPage;
    /**
     * Byte positions (counted modulo 2^32: only differences matter, and a ring holds far less) of the oldest byte held
     * and after the newest. Position p is in the page {@code (p >>> PAGE_BITS) - firstPage} of the ring.
     */
    private int head;
    private int tail;
    private int[] starts = new int[0];
    private int[] textLengths = new int[0];
    /** 0: no key; else {@link #KEYED}, the key's bytes, and {@link #WIDE} when it is not Latin-1. */
    private int[] keyLengths = new int[0];
    private int[] keyHashes = new int[0];
    private int first;
    private int count;
    private long firstOffset;
    /** Offsets of the entries with a key, by the key's hash (linear probing); {@link #EMPTY} or {@link #REMOVED}. */
    private long[] index = new long[0];
    private int keys;
    private int removed;

    EntryRing(Pages pages) {
        this.pages = pages;
    }

    int size() {
        return count;
    }

    /** The offset of the oldest entry (meaningless when empty). */
    long firstOffset() {
        return firstOffset;
    }

    /**
     * Adds the newest entry, whose offset must follow the newest one's (any positive offset when empty); returns what
     * {@link Sizes#entry} counts for it, from the bytes it took (so the text is scanned once).
     */
    long add(long offset, String json, String dedupKey) {
        if (count > 0 ? offset != firstOffset + count : offset < 1) {
            throw new IllegalArgumentException("offset " + offset + " does not follow " + (firstOffset + count - 1));
        }
        boolean wideText = Sizes.text(json) != json.length();
        byte[] text = bytes(json, wideText);
        boolean wideKey = dedupKey != null && Sizes.text(dedupKey) != dedupKey.length();
        byte[] key = dedupKey == null ? new byte[0] : bytes(dedupKey, wideKey);
        if (key.length >= KEYED) {
            throw new IllegalArgumentException("de-duplication key of " + key.length + " bytes");
        }
        int size = text.length + key.length;
        if (count == starts.length) {
            resizeSlots(Math.max(MIN_SLOTS, 2 * starts.length));
        }
        if (count == 0) {
            firstOffset = offset;
        }
        if (dedupKey != null && (index.length == 0 || 2 * (keys + removed + 1) > index.length)) {
            reindex(Math.max(16, Integer.highestOneBit(keys + 1) * 4)); // the entries held so far
        }
        int slot = slot(count);
        starts[slot] = tail;
        write(text);
        write(key);
        textLengths[slot] = wideText ? text.length | WIDE : text.length;
        keyLengths[slot] = dedupKey == null ? 0 : KEYED | (wideKey ? key.length | WIDE : key.length);
        keyHashes[slot] = dedupKey == null ? 0 : dedupKey.hashCode();
        count++;
        if (dedupKey != null) {
            insert(offset, keyHashes[slot]);
        }
        return Sizes.ENTRY + text.length + (dedupKey == null ? 0 : Sizes.ENTRY + key.length);
    }

    /** Drops the oldest entry; returns what {@link Sizes#entry} counted for it. */
    long removeFirst() {
        if (count == 0) {
            throw new IllegalStateException("no entries");
        }
        int textBytes = textLengths[first] & ~WIDE;
        int keyBytes = keyLengths[first] & BYTES;
        long size = Sizes.ENTRY + textBytes + (keyLengths[first] == 0 ? 0 : Sizes.ENTRY + keyBytes);
        if (keyLengths[first] != 0) {
            remove(firstOffset, keyHashes[first]);
        }
        first = (first + 1) % starts.length;
        count--;
        firstOffset++;
        head += textBytes + keyBytes;
        while (pageCount > 0 && pageIndex(head) > 0) { // the oldest page holds nothing any more
            pages.give(pageRing[pageFirst]);
            pageFirst = (pageFirst + 1) % pageRing.length;
            pageCount--;
            firstPage = (firstPage + 1) & PAGE_NUMBERS;
        }
        if (pageRing.length > MIN_SLOTS && pageRing.length > 4 * pageCount) {
            resizePages(2 * Math.max(pageCount, MIN_SLOTS / 2));
        }
        if (starts.length > 4 * MIN_SLOTS && starts.length > 4 * count) {
            resizeSlots(2 * Math.max(count, MIN_SLOTS));
        }
        if (index.length > 64 && index.length > 8 * (keys + 1)) {
            reindex(Math.max(16, Integer.highestOneBit(keys + 1) * 4));
        }
        return size;
    }

    /** The entry at this offset, or null when it is not held. */
    Entry entry(long offset) {
        long i = offset - firstOffset;
        if (i < 0 || i >= count) {
            return null;
        }
        int slot = slot((int) i);
        return new Entry(offset, string(starts[slot], textLengths[slot]));
    }

    /** The offset of the entry held with this de-duplication key, or -1. */
    long offsetOf(String dedupKey) {
        if (keys == 0) {
            return -1;
        }
        int hash = dedupKey.hashCode();
        boolean wide = Sizes.text(dedupKey) != dedupKey.length();
        byte[] key = bytes(dedupKey, wide);
        int wanted = KEYED | (wide ? key.length | WIDE : key.length);
        int mask = index.length - 1;
        for (int i = spread(hash) & mask; index[i] != EMPTY; i = (i + 1) & mask) {
            long held = index[i] - firstOffset;
            if (index[i] == REMOVED || held < 0 || held >= count) {
                continue;
            }
            int slot = slot((int) held);
            if (keyHashes[slot] == hash && keyLengths[slot] == wanted
                    && equal(key, starts[slot] + (textLengths[slot] & ~WIDE))) {
                return index[i];
            }
        }
        return -1;
    }

    /** Adds the entries from index {@code from} to {@code to} (exclusive; the oldest is 0) to {@code out}. */
    void read(int from, int to, List<Entry> out) {
        if (from < 0 || to > count || from > to) {
            throw new IndexOutOfBoundsException(from + ".." + to + " of " + count);
        }
        for (int i = from; i < to; i++) {
            int slot = slot(i);
            out.add(new Entry(firstOffset + i, string(starts[slot], textLengths[slot])));
        }
    }

    /** Bytes the pages and arrays hold (their capacity), for tests of the bound. */
    long capacityBytes() {
        return (long) Pages.PAGE * pageCount + 4L * pageRing.length + 16L * starts.length + 8L * index.length;
    }

    /** Empties the ring and gives its pages back (its channel is forgotten). */
    void release() {
        for (int i = 0; i < pageCount; i++) {
            pages.give(pageRing[(pageFirst + i) % pageRing.length]);
        }
        pageRing = new int[0];
        pageFirst = 0;
        pageCount = 0;
        starts = new int[0];
        textLengths = new int[0];
        keyLengths = new int[0];
        keyHashes = new int[0];
        index = new long[0];
        first = 0;
        count = 0;
        keys = 0;
        removed = 0;
        head = tail = firstPage = 0;
    }

    private int slot(int i) {
        return (first + i) % starts.length;
    }

    private static int spread(int hash) {
        return hash ^ hash >>> 16;
    }

    private void insert(long offset, int hash) {
        int mask = index.length - 1;
        int i = spread(hash) & mask;
        while (index[i] > 0) {
            i = (i + 1) & mask;
        }
        if (index[i] == REMOVED) {
            removed--;
        }
        index[i] = offset;
        keys++;
    }

    private void remove(long offset, int hash) {
        int mask = index.length - 1;
        for (int i = spread(hash) & mask; index[i] != EMPTY; i = (i + 1) & mask) {
            if (index[i] == offset) {
                index[i] = REMOVED;
                keys--;
                removed++;
                return;
            }
        }
        throw new IllegalStateException("key of offset " + offset + " not indexed");
    }

    private void reindex(int capacity) {
        index = new long[capacity];
        keys = 0;
        removed = 0;
        for (int i = 0; i < count; i++) {
            int slot = slot(i);
            if (keyLengths[slot] != 0) {
                insert(firstOffset + i, keyHashes[slot]);
            }
        }
    }

    private static byte[] bytes(String s, boolean wide) {
        if (!wide) {
            return s.getBytes(StandardCharsets.ISO_8859_1);
        }
        byte[] out = new byte[2 * s.length()]; // each char as is, a lone surrogate too (no charset)
        for (int i = 0; i < s.length(); i++) {
            out[2 * i] = (byte) s.charAt(i);
            out[2 * i + 1] = (byte) (s.charAt(i) >> 8);
        }
        return out;
    }

    private boolean equal(byte[] key, int at) {
        for (int done = 0; done < key.length; ) {
            int page = pageAt(at + done);
            int in = (at + done) & IN_PAGE;
            int n = Math.min(key.length - done, Pages.PAGE - in);
            int from = Pages.start(page) + in;
            if (!Arrays.equals(pages.block(page), from, from + n, key, done, done + n)) {
                return false;
            }
            done += n;
        }
        return true;
    }

    private String string(int at, int length) {
        int bytes = length & ~WIDE;
        if (bytes == 0) {
            return "";
        }
        if (length >= 0 && (at & IN_PAGE) + bytes <= Pages.PAGE) { // within one page: no copy
            int page = pageAt(at);
            return new String(pages.block(page), Pages.start(page) + (at & IN_PAGE), bytes, StandardCharsets.ISO_8859_1);
        }
        byte[] text = new byte[bytes];
        for (int done = 0; done < bytes; ) {
            int page = pageAt(at + done);
            int in = (at + done) & IN_PAGE;
            int n = Math.min(bytes - done, Pages.PAGE - in);
            System.arraycopy(pages.block(page), Pages.start(page) + in, text, done, n);
            done += n;
        }
        if (length >= 0) {
            return new String(text, StandardCharsets.ISO_8859_1);
        }
        char[] chars = new char[bytes / 2];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = (char) (text[2 * i] & 0xFF | (text[2 * i + 1] & 0xFF) << 8);
        }
        return new String(chars);
    }

    /** Appends at {@link #tail}, taking pages as it needs them. */
    private void write(byte[] bytes) {
        for (int done = 0; done < bytes.length; ) {
            if (pageCount == 0 || pageIndex(tail) == pageCount) {
                if (pageCount == pageRing.length) {
                    resizePages(Math.max(MIN_SLOTS / 2, 2 * pageRing.length));
                }
                if (pageCount == 0) {
                    firstPage = (tail >>> Pages.PAGE_BITS) & PAGE_NUMBERS;
                }
                pageRing[(pageFirst + pageCount) % pageRing.length] = pages.take();
                pageCount++;
            }
            int page = pageAt(tail);
            int in = tail & IN_PAGE;
            int n = Math.min(bytes.length - done, Pages.PAGE - in);
            System.arraycopy(bytes, done, pages.block(page), Pages.start(page) + in, n);
            done += n;
            tail += n;
        }
    }

    /** Which page of the ring holds this position (0: the oldest; {@link #pageCount}: the next one to take). */
    private int pageIndex(int position) {
        return ((position >>> Pages.PAGE_BITS) - firstPage) & PAGE_NUMBERS;
    }

    private int pageAt(int position) {
        return pageRing[(pageFirst + pageIndex(position)) % pageRing.length];
    }

    private void resizePages(int capacity) {
        int[] next = new int[capacity];
        for (int i = 0; i < pageCount; i++) {
            next[i] = pageRing[(pageFirst + i) % pageRing.length];
        }
        pageRing = next;
        pageFirst = 0;
    }

    private void resizeSlots(int capacity) {
        int[] nextStarts = new int[capacity];
        int[] nextText = new int[capacity];
        int[] nextKey = new int[capacity];
        int[] nextHash = new int[capacity];
        for (int i = 0; i < count; i++) {
            int slot = slot(i);
            nextStarts[i] = starts[slot];
            nextText[i] = textLengths[slot];
            nextKey[i] = keyLengths[slot];
            nextHash[i] = keyHashes[slot];
        }
        starts = nextStarts;
        textLengths = nextText;
        keyLengths = nextKey;
        keyHashes = nextHash;
        first = 0;
    }
}

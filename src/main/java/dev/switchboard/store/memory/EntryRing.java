package dev.switchboard.store.memory;

import dev.switchboard.store.Entry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One channel's entries, oldest first, with consecutive offsets (at least 1), held without an object per entry: each
 * entry's text and de-duplication key in one byte array used as a ring (one byte a character when every character is
 * Latin-1, else two, so they take exactly the bytes {@link Sizes#text} counts), where each starts and how long it is in
 * int arrays used as rings, and the keys' index as an open-addressing table of offsets. An {@link Entry} is made when
 * one is read.
 *
 * <p>Why: entries live for minutes (a room's last {@code historySize} messages) but arrive thousands a second, nearly
 * all with a key (clients send a {@code ref} with each message). Held as objects (entry, string, bytes, holder, a map
 * node, the key's string and bytes), every young collection copied each new entry again until it was old, and G1's
 * refinement threads rescanned the queue's and the map's arrays that pointed at them. Arrays of bytes, ints and longs
 * hold no references: a collection neither scans nor refines them (docs/performance.md, eleventh session).
 *
 * <p>The rings grow as entries come and shrink when they go: the byte ring holds at most one and a half times the
 * entries' bytes plus 4 KiB; the int rings 16 bytes an entry, at most four times as many slots as entries; the index
 * 8 bytes a slot, at most four slots a key.
 *
 * <p>Not thread-safe: its channel log's monitor guards it.
 */
final class EntryRing {

    private static final int MIN_BYTES = 256;
    private static final int MIN_SLOTS = 8;
    /** The sign bit of a length: two bytes a character, not Latin-1. */
    private static final int WIDE = Integer.MIN_VALUE;
    /** In a key's length: the entry has a key (an empty one too). */
    private static final int KEYED = 1 << 30;
    private static final int BYTES = ~(WIDE | KEYED);
    private static final long EMPTY = 0;
    private static final long REMOVED = -1;

    /** Empty until the first entry, then at least {@link #MIN_BYTES}. */
    private byte[] data = new byte[0];
    private int dataStart;
    private int dataUsed;
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
        if (data.length == 0 || data.length - dataUsed < size) {
            long needed = (long) dataUsed + size;
            resizeData((int) Math.min(Integer.MAX_VALUE - 16, Math.max(MIN_BYTES, needed + needed / 2)));
        }
        if (count == 0) {
            firstOffset = offset;
        }
        if (dedupKey != null && (index.length == 0 || 2 * (keys + removed + 1) > index.length)) {
            reindex(Math.max(16, Integer.highestOneBit(keys + 1) * 4)); // the entries held so far
        }
        int slot = slot(count);
        int at = (dataStart + dataUsed) % data.length;
        write(text, at);
        write(key, (at + text.length) % data.length);
        starts[slot] = at;
        textLengths[slot] = wideText ? text.length | WIDE : text.length;
        keyLengths[slot] = dedupKey == null ? 0 : KEYED | (wideKey ? key.length | WIDE : key.length);
        keyHashes[slot] = dedupKey == null ? 0 : dedupKey.hashCode();
        dataUsed += size;
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
        dataStart = (dataStart + textBytes + keyBytes) % data.length;
        dataUsed -= textBytes + keyBytes;
        if (data.length > MIN_BYTES && data.length > dataUsed + dataUsed / 2 + 4096) {
            resizeData(Math.max(MIN_BYTES, dataUsed + dataUsed / 4));
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
                    && equal(key, (starts[slot] + (textLengths[slot] & ~WIDE)) % data.length)) {
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

    /** Bytes the arrays hold (their capacity), for tests of the bound. */
    long capacityBytes() {
        return data.length + 16L * starts.length + 8L * index.length;
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
        for (int i = 0; i < key.length; i++) {
            if (data[(at + i) % data.length] != key[i]) {
                return false;
            }
        }
        return true;
    }

    private String string(int at, int length) {
        int bytes = length & ~WIDE;
        if (length < 0) {
            char[] chars = new char[bytes / 2];
            for (int i = 0; i < chars.length; i++, at = (at + 2) % data.length) {
                chars[i] = (char) (data[at] & 0xFF | (data[(at + 1) % data.length] & 0xFF) << 8);
            }
            return new String(chars);
        }
        if (at + bytes <= data.length) {
            return new String(data, at, bytes, StandardCharsets.ISO_8859_1);
        }
        byte[] text = new byte[bytes];
        int head = data.length - at;
        System.arraycopy(data, at, text, 0, head);
        System.arraycopy(data, 0, text, head, bytes - head);
        return new String(text, StandardCharsets.ISO_8859_1);
    }

    private void write(byte[] bytes, int at) {
        int head = Math.min(bytes.length, data.length - at);
        System.arraycopy(bytes, 0, data, at, head);
        System.arraycopy(bytes, head, data, 0, bytes.length - head);
    }

    private void resizeData(int capacity) {
        byte[] next = new byte[capacity];
        int head = Math.min(dataUsed, data.length - dataStart);
        System.arraycopy(data, dataStart, next, 0, head);
        System.arraycopy(data, 0, next, head, dataUsed - head);
        for (int i = 0; i < count; i++) {
            int slot = slot(i);
            starts[slot] = (starts[slot] - dataStart + data.length) % data.length;
        }
        data = next;
        dataStart = 0;
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

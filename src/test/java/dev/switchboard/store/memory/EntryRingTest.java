package dev.switchboard.store.memory;

import dev.switchboard.store.Entry;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EntryRingTest {

    private static List<Entry> all(EntryRing ring) {
        List<Entry> out = new ArrayList<>();
        ring.read(0, ring.size(), out);
        return out;
    }

    @Test
    void keepsLatin1AndOtherTextsExactlyInOrderAcrossTheRingsEnd() {
        EntryRing ring = new EntryRing(new Pages());
        List<String> texts = List.of("{\"t\":\"café\"}", "{\"t\":\"日本語 😀\"}", "{\"t\":\"plain\"}",
                "{\"t\":\"ÿ\\u0000\"}", "{\"t\":\"Ω\"}", "{\"t\":\"lone \uD800 surrogate\"}");
        long offset = 1;
        ArrayDeque<Entry> expected = new ArrayDeque<>();
        for (int round = 0; round < 200; round++) { // far past the first capacity: the texts wrap around the end
            String json = texts.get(round % texts.size()) + round;
            ring.add(offset, json, null);
            expected.addLast(new Entry(offset++, json));
            if (expected.size() > 7) {
                Entry oldest = expected.removeFirst();
                assertEquals(Sizes.entry(oldest.json(), null), ring.removeFirst());
            }
            assertEquals(List.copyOf(expected), all(ring));
        }
        assertEquals(expected.getFirst().offset(), ring.firstOffset());
        assertEquals(expected.getLast(), ring.entry(expected.getLast().offset()));
        assertNull(ring.entry(expected.getFirst().offset() - 1));
        assertNull(ring.entry(expected.getLast().offset() + 1));
    }

    @Test
    void behavesAsAQueueOfEntriesWithKeysUnderRandomAddsDropsAndReads() {
        Random random = new Random(42);
        EntryRing ring = new EntryRing(new Pages());
        ArrayDeque<Entry> model = new ArrayDeque<>();
        Map<String, Long> keys = new HashMap<>();
        Map<Long, String> keyOf = new HashMap<>();
        long offset = 100;
        for (int step = 0; step < 5_000; step++) {
            if (model.isEmpty() || model.size() < 400 && random.nextInt(10) < 6) {
                String text = "{\"o\":" + offset + ",\"t\":\"" + randomText(random,
                        random.nextInt(5) == 0 ? random.nextInt(3000) : random.nextInt(60)) + "\"}";
                String key = random.nextInt(4) == 0 ? null : "u" + random.nextInt(5) + "\u0000" + randomText(random, 6);
                if (key != null && keys.containsKey(key)) {
                    key = null; // the log never adds a key it holds: it answers the original instead
                }
                assertEquals(Sizes.entry(text, key), ring.add(offset, text, key));
                if (key != null) {
                    keys.put(key, offset);
                    keyOf.put(offset, key);
                }
                model.addLast(new Entry(offset++, text));
            } else {
                Entry oldest = model.removeFirst();
                String key = keyOf.remove(oldest.offset());
                if (key != null) {
                    keys.remove(key);
                }
                assertEquals(Sizes.entry(oldest.json(), key), ring.removeFirst());
                if (key != null) {
                    assertEquals(-1, ring.offsetOf(key), "a dropped entry's key is forgotten");
                }
            }
            assertEquals(model.size(), ring.size());
            if (!model.isEmpty()) {
                int from = random.nextInt(model.size());
                int to = from + random.nextInt(model.size() - from + 1);
                List<Entry> read = new ArrayList<>();
                ring.read(from, to, read);
                assertEquals(new ArrayList<>(model).subList(from, to), read);
            }
            if (!keys.isEmpty() && step % 7 == 0) {
                for (Map.Entry<String, Long> k : keys.entrySet()) {
                    assertEquals(k.getValue(), ring.offsetOf(k.getKey()), k.getKey());
                }
                assertEquals(-1, ring.offsetOf("u9\u0000never"));
            }
        }
    }

    /** Mostly Latin-1, now and then a character beyond it (the entry is then two bytes a character). */
    private static String randomText(Random random, int length) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            out.append(random.nextInt(50) == 0 ? (char) (0x100 + random.nextInt(0x2000))
                    : (char) (0x20 + random.nextInt(0xE0)));
        }
        return out.toString();
    }

    @Test
    void deDuplicationKeysAreFoundWhileTheirEntryIsHeldAndCounted() {
        EntryRing ring = new EntryRing(new Pages());
        ring.add(1, "{\"a\":1}", "ann\u0000k1");
        ring.add(2, "{\"a\":2}", null);
        ring.add(3, "{\"a\":3}", "bob\u0000k2");
        assertEquals(1, ring.offsetOf("ann\u0000k1"));
        assertEquals(3, ring.offsetOf("bob\u0000k2"));
        assertEquals(-1, ring.offsetOf("nobody"));
        assertEquals(Sizes.entry("{\"a\":1}", "ann\u0000k1"), ring.removeFirst());
        assertEquals(-1, ring.offsetOf("ann\u0000k1"), "the key goes with its entry");
        assertEquals(3, ring.offsetOf("bob\u0000k2"));
        for (int i = 4; i < 100; i++) { // the slots grow with the keys beside them
            ring.add(i, "{\"a\":" + i + "}", "k" + i);
        }
        assertEquals(57, ring.offsetOf("k57"));
        assertEquals(new Entry(57, "{\"a\":57}"), ring.entry(ring.offsetOf("k57")));
    }

    @Test
    void anEmptyKeyIsAKeyLikeAnyOther() {
        EntryRing ring = new EntryRing(new Pages());
        assertEquals(Sizes.entry("{\"a\":1}", ""), ring.add(1, "{\"a\":1}", ""));
        ring.add(2, "{\"a\":2}", null);
        assertEquals(1, ring.offsetOf(""));
        for (int i = 3; i < 200; i++) { // the index is rebuilt as it grows: the empty key stays in it
            ring.add(i, "{\"a\":" + i + "}", "k" + i);
        }
        assertEquals(1, ring.offsetOf(""));
        assertEquals(Sizes.entry("{\"a\":1}", ""), ring.removeFirst(), "counted as it was added");
        assertEquals(-1, ring.offsetOf(""), "the key goes with its entry");
        assertEquals(Sizes.entry("{\"a\":2}", null), ring.removeFirst());
        assertEquals(150, ring.offsetOf("k150"));
    }

    @Test
    void whatTheRingsHoldFollowsTheEntriesDownAsWellAsUp() {
        Pages pages = new Pages();
        EntryRing ring = new EntryRing(pages);
        String kilobyte = "x".repeat(1000);
        for (int i = 1; i <= 1000; i++) {
            ring.add(i, kilobyte, null);
            assertTrue(ring.capacityBytes() <= 1000L * i + 2 * Pages.PAGE + 100L * i + 256, "at " + i + ": " + ring.capacityBytes());
        }
        while (ring.size() > 1) {
            ring.removeFirst();
            assertTrue(ring.capacityBytes() <= 1000L * ring.size() + 2 * Pages.PAGE + 100L * ring.size() + 256,
                    ring.size() + " entries held in " + ring.capacityBytes());
            assertTrue(pages.pagesTaken() <= 1000 * ring.size() / Pages.PAGE + 2, "pages go back as entries leave");
        }
        assertTrue(ring.capacityBytes() < 4 * 1024, "one entry left holds " + ring.capacityBytes());
        assertEquals(List.of(new Entry(1000, kilobyte)), all(ring));
        ring.release();
        assertEquals(0, pages.pagesTaken(), "a released ring holds no page");
        assertEquals(0, ring.size());
        ring.add(7, "{\"again\":true}", "k"); // a released ring is an empty one
        assertEquals(List.of(new Entry(7, "{\"again\":true}")), all(ring));
        assertEquals(7, ring.offsetOf("k"));
    }

    /** Channels share their store's pages: a page one gives back, another takes, and nobody reads another's bytes. */
    @Test
    void ringsSharingPagesKeepTheirOwnEntriesAsPagesPassBetweenThem() {
        Random random = new Random(7);
        Pages pages = new Pages();
        int rings = 5;
        List<EntryRing> ring = new ArrayList<>();
        List<ArrayDeque<Entry>> model = new ArrayList<>();
        long[] next = new long[rings];
        for (int r = 0; r < rings; r++) {
            ring.add(new EntryRing(pages));
            model.add(new ArrayDeque<>());
            next[r] = 1;
        }
        for (int step = 0; step < 20_000; step++) {
            int r = random.nextInt(rings);
            ArrayDeque<Entry> m = model.get(r);
            if (random.nextInt(500) == 0) { // forgotten, and started again
                ring.get(r).release();
                m.clear();
            } else if (m.isEmpty() || m.size() < 60 && random.nextInt(10) < 6) {
                String text = "{\"r\":" + r + ",\"t\":\"" + randomText(random, random.nextInt(20) == 0 ? 2000 : random.nextInt(300)) + "\"}";
                long offset = m.isEmpty() ? next[r] : m.getLast().offset() + 1;
                ring.get(r).add(offset, text, null);
                m.addLast(new Entry(offset, text));
                next[r] = offset + 1;
            } else {
                m.removeFirst();
                ring.get(r).removeFirst();
            }
            if (step % 10 == 0) {
                long held = 0;
                for (int i = 0; i < rings; i++) {
                    assertEquals(List.copyOf(model.get(i)), all(ring.get(i)), "ring " + i + " at step " + step);
                    for (Entry e : model.get(i)) {
                        held += 2L * e.json().length();
                    }
                }
                assertTrue((long) pages.pagesTaken() * Pages.PAGE <= held + 2L * Pages.PAGE * rings,
                        pages.pagesTaken() + " pages for at most " + held + " bytes");
            }
        }
        for (EntryRing each : ring) {
            each.release();
        }
        assertEquals(0, pages.pagesTaken());
        assertEquals(Pages.BLOCK, pages.bytes(), "the blocks go, but for one kept as slack");
    }

    @Test
    void refusesAnOffsetThatDoesNotFollowAndAnyReadBeyondTheEntries() {
        EntryRing ring = new EntryRing(new Pages());
        ring.add(5, "{}", null);
        assertThrows(IllegalArgumentException.class, () -> ring.add(7, "{}", null));
        assertThrows(IndexOutOfBoundsException.class, () -> ring.read(0, 2, new ArrayList<>()));
        ring.removeFirst();
        assertThrows(IllegalStateException.class, ring::removeFirst);
        ring.add(9, "{\"n\":9}", null); // empty again: any offset starts it
        assertEquals(List.of(new Entry(9, "{\"n\":9}")), all(ring));
    }
}

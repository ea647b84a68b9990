package dev.switchboard.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The close codes a loop's sockets got, by kind, with the first few unexpected ones in full. */
final class CloseTally {

    private final String what;
    private final int expected;
    private final Map<String, Integer> counts = new TreeMap<>();
    private final List<String> examples = new ArrayList<>();
    private int total;

    CloseTally(String what, int expected) {
        this.what = what;
        this.expected = expected;
    }

    synchronized void add(CloseResult r) {
        total++;
        String key = r.closeFrame() ? Integer.toString(r.code()) : r.kind().toString();
        counts.merge(key, 1, Integer::sum);
        if ((!r.closeFrame() || r.code() != expected) && examples.size() < 3) {
            String s = r.toString();
            examples.add(s.length() > 1400 ? s.substring(0, 200) + "..." + s.substring(s.length() - 1200) : s);
        }
    }

    synchronized void assertAllExpected() {
        assertEquals(Map.of(Integer.toString(expected), total), counts,
                what + ": every close must carry " + expected + "; unexpected: " + examples);
    }
}

package dev.switchboard.testing;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A scrape in the Prometheus text format (0.0.4), parsed: each sample by its series as written
 * ({@code switchboard_connections{endpoint="chat"}}) and each metric family's {@code # TYPE}. Strict enough to catch a
 * malformed exposition: every line is a comment or {@code series value}.
 */
public final class PrometheusText {

    private final Map<String, Double> samples = new LinkedHashMap<>();
    private final Map<String, String> types = new HashMap<>();

    private PrometheusText() {
    }

    public static PrometheusText parse(String text) {
        PrometheusText out = new PrometheusText();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ");
                out.types.put(parts[0], parts[1]);
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            assertTrue(space > 0, "a sample line: " + line);
            String value = line.substring(space + 1);
            out.samples.put(line.substring(0, space), switch (value) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(value);
            });
        }
        return out;
    }

    /** The metric family's type ({@code counter}, {@code gauge}, {@code histogram}), or null. */
    public String type(String family) {
        return types.get(family);
    }

    /** The value of one series, written as in the scrape, e.g. {@code switchboard_joins_total{kind="room"}}. */
    public double value(String series) {
        Double v = samples.get(series);
        assertNotNull(v, "no series " + series + " in the scrape; series: " + samples.keySet());
        return v;
    }

    public boolean has(String series) {
        return samples.containsKey(series);
    }

    /** Every family's type and every sample (for assertion messages). */
    @Override
    public String toString() {
        return types + "\n" + samples;
    }
}

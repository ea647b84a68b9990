package switchboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The raw results: one CSV row per measured step (or per capacity / storm run). Columns: README.md. */
final class Results {
    static final String[] COLUMNS = {
        "time", "label", "mode", "rep", "scenario", "step", "offered_dps", "clients", "rooms", "senders", "msg_rate",
        "sent", "expected", "received", "lost", "dups", "gaps", "offset_gaps", "stale", "dropped", "errors",
        "delivered_dps", "p50_ms", "p99_ms", "p999_ms", "max_ms", "samples",
        "srv_cpu_pct", "srv_us_per_dlv", "srv_us_per_msg", "node_a_cpu_pct", "node_b_cpu_pct", "redis_cpu_pct", "srv_rss_mb", "cli_cpu_pct", "cli_us_per_dlv", "cli_gc_ms", "other_cpu_pct",
        "send_lag_p99_ms", "lag_skips",
        "conns", "setup_s", "rss_before_mb", "rss_after_mb", "rss_kb_per_conn", "heap_before_mb", "heap_after_mb", "heap_kb_per_conn",
        "recover_all_s", "recover_p50_ms", "recover_p99_ms", "recovered_true", "recovered_false", "replayed", "expected_replayed",
        "retries", "noisy", "ok", "note"
    };

    private final Path file;

    Results(Path file) {
        this.file = file;
    }

    static Map<String, Object> row() {
        return new LinkedHashMap<>();
    }

    synchronized void write(Map<String, Object> row) throws IOException {
        if (file == null) return;
        StringBuilder sb = new StringBuilder();
        if (!Files.exists(file) || Files.size(file) == 0) sb.append(String.join(",", COLUMNS)).append('\n');
        for (int i = 0; i < COLUMNS.length; i++) {
            if (i > 0) sb.append(',');
            Object v = row.get(COLUMNS[i]);
            sb.append(fmt(v));
        }
        sb.append('\n');
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static String fmt(Object v) {
        if (v == null) return "";
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d) || d < 0 && d > -1e-12) return "";
            if (Math.abs(d) >= 100) return String.format(Locale.ROOT, "%.0f", d);
            if (Math.abs(d) >= 1) return String.format(Locale.ROOT, "%.2f", d);
            return String.format(Locale.ROOT, "%.3f", d);
        }
        return v.toString().replace(',', ';').replace('\n', ' ');
    }

    /** Reads rows written by {@link #write}; a header line starts each file. */
    static List<Map<String, String>> read(Path file) throws IOException {
        List<Map<String, String>> rows = new ArrayList<>();
        String[] header = null;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            String[] f = line.split(",", -1);
            if (header == null || "time".equals(f[0])) { header = f; continue; }
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < header.length && i < f.length; i++) m.put(header[i], f[i]);
            rows.add(m);
        }
        return rows;
    }
}

package switchboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns raw rows into one table of medians over repetitions, with each server's ratio to the baseline,
 * plus {@code summary.csv} and {@code p99.png}.
 *
 * <p>A sweep's figure for one repetition is the highest offered rate whose step was clean (nothing lost,
 * duplicated or dropped and p99 within the SLO) with every lower step clean too. Scenario names with an
 * '@' (e.g. {@code fanout@150k}) are fixed-load runs: their CPU per delivery and latency are reported.
 */
final class Report {
    private Report() {}

    record Metric(String scenario, String name, String mode, boolean higherIsBetter) {}

    static void run(Opts o) throws IOException {
        List<Map<String, String>> rows = new ArrayList<>();
        for (String f : o.str("in", "results.csv").split(",")) if (!f.isBlank() && Files.exists(Path.of(f))) rows.addAll(Results.read(Path.of(f)));
        Path dir = Path.of(o.str("out-dir", "."));
        Files.createDirectories(dir);
        String baseline = o.str("baseline", "node");

        Set<String> labels = new LinkedHashSet<>();
        if (rows.stream().anyMatch(r -> baseline.equals(r.get("label")))) labels.add(baseline);
        rows.forEach(r -> labels.add(r.get("label")));

        // metric -> label -> values (one per repetition)
        Map<Metric, Map<String, List<Double>>> data = new LinkedHashMap<>();
        // grouping key: scenario, mode, label, rep
        Map<String, List<Map<String, String>>> runs = new LinkedHashMap<>();
        for (Map<String, String> r : rows) runs.computeIfAbsent(String.join("|", r.get("scenario"), r.get("mode"), r.get("label"), r.get("rep")), k -> new ArrayList<>()).add(r);
        for (List<Map<String, String>> run : runs.values()) {
            Map<String, String> first = run.get(0);
            String sc = first.get("scenario"), mode = first.get("mode"), label = first.get("label");
            boolean failedRun = run.stream().anyMatch(r -> r.getOrDefault("note", "").startsWith("FAILED"));
            if (!first.getOrDefault("offered_dps", "").isEmpty() || failedRun && !sc.startsWith("capacity") && !sc.startsWith("storm")) {
                run.sort((a, b) -> Double.compare(num(a, "step"), num(b, "step")));
                // a step repeated because the machine was busy: its last attempt counts
                Map<Double, Map<String, String>> byRate = new TreeMap<>();
                for (Map<String, String> r : run) byRate.put(num(r, "offered_dps"), r);
                if (!byRate.containsKey(Double.NaN)) run = new ArrayList<>(byRate.values());
                if (sc.contains("@")) {
                    Map<String, String> r = run.get(run.size() - 1);
                    put(data, new Metric(sc, "server CPU us/delivery", mode, false), label, num(r, "srv_us_per_dlv"));
                    put(data, new Metric(sc, "loadgen CPU us/delivery", mode, false), label, num(r, "cli_us_per_dlv"));
                    put(data, new Metric(sc, "p99 ms", mode, false), label, num(r, "p99_ms"));
                    put(data, new Metric(sc, "clean (1 = nothing lost, p99 in SLO)", mode, true), label, "true".equals(r.get("ok")) ? 1 : 0);
                } else if (run.stream().anyMatch(r -> !r.getOrDefault("srv_us_per_msg", "").isEmpty())) {
                    // chat (small rooms): the cost of each incoming message, at every offered rate
                    double best = 0;
                    boolean cleanSoFar = true;
                    for (Map<String, String> r : run) {
                        cleanSoFar &= "true".equals(r.get("ok"));
                        if (cleanSoFar) best = num(r, "msg_rate");
                    }
                    put(data, new Metric(sc, "max clean rate, k msg/s in", mode, true), label, best / 1000);
                    for (Map<String, String> r : run) {
                        String at = " @ " + java.math.BigDecimal.valueOf(Math.round(num(r, "msg_rate") / 10) / 100.0).stripTrailingZeros().toPlainString() + "k msg/s";
                        put(data, new Metric(sc, "server CPU us per incoming msg" + at, mode, false), label, num(r, "srv_us_per_msg"));
                        put(data, new Metric(sc, "server CPU %" + at, mode, false), label, num(r, "srv_cpu_pct"));
                        put(data, new Metric(sc, "p99 ms" + at, mode, false), label, num(r, "p99_ms"));
                        put(data, new Metric(sc, "clean (1 = nothing lost, p99 in SLO)" + at, mode, true), label, "true".equals(r.get("ok")) ? 1 : 0);
                        put(data, new Metric(sc, "other processes' CPU %" + at, mode, false), label, num(r, "other_cpu_pct"));
                        if (!r.getOrDefault("node_b_cpu_pct", "").isEmpty()) { // cluster: where the CPU went
                            put(data, new Metric(sc, "node A CPU %" + at, mode, false), label, num(r, "node_a_cpu_pct"));
                            put(data, new Metric(sc, "node B CPU %" + at, mode, false), label, num(r, "node_b_cpu_pct"));
                            put(data, new Metric(sc, "Redis CPU %" + at, mode, false), label, num(r, "redis_cpu_pct"));
                        }
                    }
                } else {
                    double best = 0, p99 = Double.NaN, cli = Double.NaN, srv = Double.NaN;
                    for (Map<String, String> r : run) {
                        if (!"true".equals(r.get("ok"))) break;
                        best = num(r, "offered_dps");
                        p99 = num(r, "p99_ms");
                        cli = num(r, "cli_cpu_pct");
                        srv = num(r, "srv_cpu_pct");
                    }
                    put(data, new Metric(sc, "max clean rate, k deliveries/s", mode, true), label, best / 1000);
                    put(data, new Metric(sc, "p99 ms at that rate", mode, false), label, p99);
                    put(data, new Metric(sc, "server CPU % at that rate", mode, false), label, srv);
                    put(data, new Metric(sc, "loadgen CPU % at that rate", mode, false), label, cli);
                }
            } else if (sc.startsWith("capacity")) {
                Map<String, String> r = run.get(run.size() - 1);
                put(data, new Metric(sc, "connections held", mode, true), label, "true".equals(r.get("ok")) ? num(r, "conns") : 0);
                put(data, new Metric(sc, "RSS KB per connection", mode, false), label, num(r, "rss_kb_per_conn"));
                put(data, new Metric(sc, "heap KB per connection (after GC)", mode, false), label, num(r, "heap_kb_per_conn"));
                put(data, new Metric(sc, "RSS MB with all connected", mode, false), label, num(r, "rss_after_mb"));
            } else if (sc.startsWith("storm")) {
                Map<String, String> r = run.get(run.size() - 1);
                put(data, new Metric(sc, "s until all recovered", mode, false), label, "true".equals(r.get("ok")) ? num(r, "recover_all_s") : Double.NaN);
                put(data, new Metric(sc, "recovered:true (of clients)", mode, true), label, num(r, "recovered_true"));
                put(data, new Metric(sc, "errors (failed connects, recovered:false, missing)", mode, false), label, num(r, "errors"));
            }
        }

        // table
        List<String> ls = new ArrayList<>(labels);
        StringBuilder t = new StringBuilder();
        String h = String.format(Locale.ROOT, "%-16s %-52s %-9s", "scenario", "metric (median of repetitions)", "mode");
        StringBuilder head = new StringBuilder(h);
        for (String l : ls) {
            head.append(String.format(Locale.ROOT, " %14s", trim(l, 14)));
            if (!l.equals(baseline) && labels.contains(baseline)) head.append(String.format(Locale.ROOT, " %7s", "x" + trim(baseline, 6)));
        }
        t.append(head).append('\n').append("-".repeat(head.length())).append('\n');
        StringBuilder csv = new StringBuilder("scenario,metric,mode,label,median,n,values\n");
        for (Map.Entry<Metric, Map<String, List<Double>>> e : data.entrySet()) {
            Metric m = e.getKey();
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-16s %-52s %-9s", trim(m.scenario, 16), trim(m.name, 52), m.mode));
            Double base = median(e.getValue().get(baseline));
            for (String l : ls) {
                List<Double> v = e.getValue().get(l);
                Double med = median(v);
                line.append(String.format(Locale.ROOT, " %14s", med == null ? "-" : fmt(med) + (v.size() > 1 ? " (" + v.size() + ")" : "")));
                if (!l.equals(baseline) && labels.contains(baseline)) {
                    line.append(String.format(Locale.ROOT, " %7s", med == null || base == null || base == 0 || med.isNaN() || base.isNaN() ? "-"
                            : String.format(Locale.ROOT, "%.2f", med / base)));
                }
                if (v != null) {
                    StringBuilder vals = new StringBuilder();
                    for (Double d : v) vals.append(vals.length() == 0 ? "" : " ").append(fmt(d));
                    csv.append(String.join(",", m.scenario, m.name.replace(',', ';'), m.mode, l, med == null ? "" : fmt(med), Integer.toString(v.size()), vals)).append('\n');
                }
            }
            t.append(line).append('\n');
        }
        t.append("(n) = repetitions; x").append(baseline).append(" = server / ").append(baseline)
                .append(": > 1 is better for rates and connections held, < 1 is better for CPU, latency, memory and time.\n");
        System.out.print(t);
        Files.writeString(dir.resolve("table.txt"), t.toString(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("summary.csv"), csv.toString(), StandardCharsets.UTF_8);
        Chart.p99(rows, dir.resolve("p99.png"), o.d("slo-ms", 50));
        System.out.println("wrote " + dir.resolve("table.txt") + ", " + dir.resolve("summary.csv") + ", " + dir.resolve("p99.png"));
    }

    private static String trim(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n);
    }

    static void put(Map<Metric, Map<String, List<Double>>> data, Metric m, String label, double v) {
        data.computeIfAbsent(m, k -> new TreeMap<>()).computeIfAbsent(label, k -> new ArrayList<>()).add(v);
    }

    static double num(Map<String, String> r, String k) {
        String v = r.get(k);
        if (v == null || v.isEmpty()) return Double.NaN;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Median of the values that are numbers; NaN when none is. */
    static Double median(List<Double> v) {
        if (v == null) return null;
        List<Double> s = new ArrayList<>();
        for (Double d : v) if (!d.isNaN()) s.add(d);
        if (s.isEmpty()) return Double.NaN;
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static String fmt(double d) {
        if (Double.isNaN(d)) return "n/a";
        if (Math.abs(d) >= 100) return String.format(Locale.ROOT, "%.0f", d);
        if (Math.abs(d) >= 10) return String.format(Locale.ROOT, "%.1f", d);
        return String.format(Locale.ROOT, "%.2f", d);
    }
}

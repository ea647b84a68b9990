package switchboard.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} and bare {@code --flag} options; every option the code reads has a default there. */
final class Opts {
    final String command;
    private final Map<String, String> m = new HashMap<>();

    Opts(String[] args) {
        command = args.length > 0 ? args[0] : "help";
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument: " + a);
            String k = a.substring(2), v = "true";
            int eq = k.indexOf('=');
            if (eq > 0) { v = k.substring(eq + 1); k = k.substring(0, eq); }
            else if (i + 1 < args.length && !args[i + 1].startsWith("--")) v = args[++i];
            m.put(k, v);
        }
    }

    String str(String k, String def) {
        return m.getOrDefault(k, def);
    }

    int i(String k, int def) {
        String v = m.get(k);
        return v == null ? def : (int) parse(v);
    }

    long l(String k, long def) {
        String v = m.get(k);
        return v == null ? def : parse(v);
    }

    double d(String k, double def) {
        String v = m.get(k);
        return v == null ? def : Double.parseDouble(v);
    }

    boolean flag(String k, boolean def) {
        String v = m.get(k);
        return v == null ? def : !("false".equals(v) || "no".equals(v) || "0".equals(v));
    }

    boolean has(String k) {
        return m.containsKey(k);
    }

    /** A comma-separated list of rates; "k" multiplies by 1000 (150k). */
    long[] rates(String k, String def) {
        List<Long> out = new ArrayList<>();
        for (String s : str(k, def).split(",")) if (!s.isBlank()) out.add(parse(s.trim()));
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    static long parse(String v) {
        v = v.trim().toLowerCase();
        long mult = 1;
        if (v.endsWith("k")) { mult = 1000; v = v.substring(0, v.length() - 1); }
        else if (v.endsWith("m")) { mult = 1_000_000; v = v.substring(0, v.length() - 1); }
        return (long) (Double.parseDouble(v) * mult);
    }
}

package switchboard.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the kernel says about a process (CPU, RSS) and what a JVM or Node server says about its heap. */
final class Proc {
    private Proc() {}

    static final long SELF = ProcessHandle.current().pid();
    static final double TICK_NS = 1e9 / clockTicks();

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return Long.parseLong(out);
        } catch (Exception e) {
            return 100;
        }
    }

    /** utime + stime of a process (all its threads), in nanoseconds; -1 when unknown. */
    static long cpuNs(long pid) {
        if (pid <= 0) return -1;
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state is f[0]; utime is field 14 of the line, i.e. f[11]; stime f[12]
            return (long) ((Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NS);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** VmRSS in KB; -1 when unknown. */
    static long rssKb(long pid) {
        if (pid <= 0) return -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Threads of a running process ({@code Threads:} of /proc/PID/status); -1 when unknown: no such process, or one that
     * is dying or dead and not yet reaped (state X or Z: a killed JVM shows 1 thread and no descriptors then).
     */
    static long threads(long pid) {
        if (pid <= 0) return -1;
        try {
            long n = -1;
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("State:") && (line.contains("Z") || line.contains("X"))) return -1;
                if (line.startsWith("Threads:")) n = Long.parseLong(line.substring(8).trim());
            }
            return n;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Open file descriptors of a process (entries of /proc/PID/fd); -1 when unknown (no such process, no permission). */
    static long fds(long pid) {
        if (pid <= 0) return -1;
        try (java.util.stream.Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return s.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).trim();
        } catch (IOException e) {
            return "";
        }
    }

    static boolean isJava(long pid) {
        if (pid <= 0) return false;
        try {
            String exe = Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe")).toString();
            return exe.endsWith("/java");
        } catch (IOException | UnsupportedOperationException e) {
            return "java".equals(comm(pid));
        }
    }

    /** Busy and total CPU time of the whole machine, in nanoseconds: {busy, total}. */
    static long[] machineNs() {
        try {
            String line = Files.readAllLines(Path.of("/proc/stat")).get(0); // "cpu  user nice system idle iowait irq softirq steal ..."
            String[] f = line.trim().split("\\s+");
            long total = 0, idle = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                long v = Long.parseLong(f[i]);
                total += v;
                if (i == 4 || i == 5) idle += v;
            }
            return new long[] {(long) ((total - idle) * TICK_NS), (long) (total * TICK_NS)};
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
    }

    /** Total GC time of this JVM in ms (the load generator's own pauses show in its latencies). */
    static long selfGcMs() {
        long t = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) t += Math.max(0, gc.getCollectionTime());
        return t;
    }

    /** Runs {@code cmd}; its output, or null when it failed or did not end within {@code timeoutSec}. */
    static String run(long timeoutSec, String... cmd) {
        Path out = null;
        try {
            out = Files.createTempFile("loadgen-run", ".out");
            // output to a file, not a pipe: reading a pipe would wait for the command however long it takes
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(timeoutSec, TimeUnit.SECONDS)) { p.destroyForcibly(); return null; }
            return p.exitValue() == 0 ? Files.readString(out) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            if (out != null) try { Files.deleteIfExists(out); } catch (IOException ignored) { }
        }
    }

    /** Asks a JVM for a full GC (jcmd GC.run). */
    static boolean javaGc(long pid) {
        return run(60, "jcmd", Long.toString(pid), "GC.run") != null;
    }

    private static final Pattern HEAP_LINE = Pattern.compile("^\\s*(\\S[^\\n]*?)\\s+total\\s+(\\d+)K,\\s+used\\s+(\\d+)K", Pattern.MULTILINE);

    /** Java heap in use after a full GC, in KB (jcmd GC.run, then GC.heap_info); -1 when unavailable. */
    static long javaHeapAfterGcKb(long pid) {
        if (!javaGc(pid)) return -1;
        String out = run(60, "jcmd", Long.toString(pid), "GC.heap_info");
        if (out == null) return -1;
        long used = 0;
        boolean found = false;
        Matcher m = HEAP_LINE.matcher(out);
        while (m.find()) {
            String name = m.group(1);
            if (name.contains("Metaspace") || name.contains("class space")) continue;
            used += Long.parseLong(m.group(3));
            found = true;
        }
        return found ? used : -1;
    }

    /** Live objects per class (jcmd GC.class_histogram, which collects first): class -> {instances, bytes}. */
    static java.util.Map<String, long[]> javaClassHistogram(long pid) {
        java.util.Map<String, long[]> m = new java.util.HashMap<>();
        String out = run(120, "jcmd", Long.toString(pid), "GC.class_histogram");
        if (out == null) return m;
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && "Total".equals(f[0])) {
                try { m.put("", new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])}); } catch (NumberFormatException ignored) { }
            }
            if (f.length >= 4 && f[0].endsWith(":")) {
                try {
                    m.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
                } catch (NumberFormatException ignored) { }
            }
        }
        return m;
    }

    /** The Node relay's heapUsed after gc() (GET /debug/heap, when started with --expose-gc); -1 when unavailable. */
    static long nodeHeapAfterGcKb(URI httpBase) {
        try {
            HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create(httpBase + "/debug/heap")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) return -1;
            Matcher m = Pattern.compile("\"heapUsed\"\\s*:\\s*(\\d+)").matcher(r.body());
            return m.find() ? Long.parseLong(m.group(1)) / 1024 : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Soft limit on open files of this process. */
    static long maxOpenFiles() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    return "unlimited".equals(f[0]) ? Long.MAX_VALUE : Long.parseLong(f[0]);
                }
            }
        } catch (IOException | RuntimeException ignored) { }
        return -1;
    }
}

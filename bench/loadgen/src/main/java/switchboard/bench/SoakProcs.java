package switchboard.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The soak's watch on threads and file descriptors (issue 14: checked continuously). Every {@code --proc-every} s (5)
 * it reads the threads ({@code Threads:} of /proc/PID/status) and the open file descriptors (entries of /proc/PID/fd)
 * of node A and node B; node A's pid is the one its last restart reported (kill-a), so it follows the restarts.
 * Reported per window of {@code --heap-window} s (min-max), and as a least-squares slope per minute fitted within each
 * incarnation of a node: a restart starts a series with its own level, so it neither hides a trend nor makes one.
 * Fitted are the samples after the warm-up, and of a restarted incarnation those after its first {@code --proc-settle}
 * s (30: the reconnect burst). A clear upward trend is a finding, as heap growth is: when the slope times the span
 * observed exceeds max(absolute, 25 % of the median level), absolute = {@code --trend-threads} (10) threads or
 * {@code --trend-fds} (20) descriptors. A leak of one descriptor per reconnect (a few hundred in 30 minutes) or one
 * thread per fault (20) is above that; a pool that grows for a burst and shrinks again is not a trend.
 */
final class SoakProcs {
    private static final String[] NODES = {"A", "B"}, WHAT = {"threads", "fds"};

    /** One sample: seconds since the start, the pid read, threads, descriptors. */
    private record Sample(double t, long pid, long threads, long fds) {
        long v(int what) {
            return what == 0 ? threads : fds;
        }
    }

    /** A fitted trend: slope per minute and its standard error, the span fitted (minutes), the median level, samples, incarnations. */
    record Trend(double slope, double se, double span, double median, int n, int incarnations) {}

    private final Opts o;
    private final LongSupplier pidA, pidB;
    private final List<List<Sample>> samples = List.of(new ArrayList<>(), new ArrayList<>());
    private long t0;
    private double warm;
    private volatile boolean stop;
    private Thread thread;

    SoakProcs(Opts o, LongSupplier pidA, LongSupplier pidB) {
        this.o = o;
        this.pidA = pidA;
        this.pidB = pidB;
    }

    void start(long t0, double warmSeconds) {
        this.t0 = t0;
        this.warm = warmSeconds;
        long every = (long) (o.d("proc-every", 5) * 1000);
        thread = new Thread(() -> {
            while (!stop) {
                sample();
                try { Thread.sleep(every); } catch (InterruptedException e) { return; }
            }
        }, "soak-procs");
        thread.setDaemon(true);
        thread.start();
    }

    void stop() throws InterruptedException {
        stop = true;
        thread.interrupt();
        thread.join(5000);
        sample(); // after the drain
    }

    private void sample() {
        double t = (System.nanoTime() - t0) / 1e9;
        long[] pids = {pidA.getAsLong(), pidB.getAsLong()};
        for (int i = 0; i < 2; i++) {
            long th = Proc.threads(pids[i]), fd = Proc.fds(pids[i]);
            // node A between its kill and its restart; or killed while it was read: a dying JVM's counts are not its own
            if (th < 0 || fd < 0 || Proc.threads(pids[i]) < 0) continue;
            add(i, t, pids[i], th, fd);
        }
    }

    synchronized void add(int node, double t, long pid, long threads, long fds) {
        samples.get(node).add(new Sample(t, pid, threads, fds));
    }

    /** Prints the windows and the trends; true when no node's threads or descriptors grow. */
    synchronized boolean report() {
        long w = o.l("heap-window", 300);
        Map<Long, long[]> windows = new TreeMap<>(); // window -> {min, max} of threads A, fds A, threads B, fds B
        for (int i = 0; i < 2; i++) {
            for (Sample s : samples.get(i)) {
                long[] m = windows.computeIfAbsent((long) (s.t / w), k -> new long[] {-1, -1, -1, -1, -1, -1, -1, -1});
                for (int what = 0; what < 2; what++) {
                    int j = 4 * i + 2 * what;
                    long v = s.v(what);
                    m[j] = m[j] < 0 ? v : Math.min(m[j], v);
                    m[j + 1] = Math.max(m[j + 1], v);
                }
            }
        }
        Driver.log("threads and file descriptors per %d s window (min-max of samples every %.0f s): threads A, fds A, threads B, fds B", w, o.d("proc-every", 5));
        windows.forEach((k, m) -> Driver.log("  %4d  %9s %9s   %9s %9s", k, range(m, 0), range(m, 2), range(m, 4), range(m, 6)));
        boolean ok = true;
        for (int i = 0; i < 2; i++) {
            for (int what = 0; what < 2; what++) {
                Trend t = trend(i, what);
                String name = WHAT[what] + " " + NODES[i];
                if (t.n < 10) {
                    Driver.log("FAIL: %s: %d samples fitted, too few for a trend", name, t.n);
                    ok = false;
                    continue;
                }
                double rise = t.slope * t.span, allowed = Math.max(what == 0 ? o.d("trend-threads", 10) : o.d("trend-fds", 20), 0.25 * t.median);
                boolean growing = rise > allowed;
                Driver.log("%s: %+.2f/min (± %.2f) over %.1f min, %d samples in %d incarnation(s), median %.0f: fitted rise %+.1f, allowed %.1f: %s",
                        name, t.slope, t.se, t.span, t.n, t.incarnations, t.median, rise, allowed, growing ? "FAIL: growing" : "no upward trend");
                ok &= !growing;
            }
        }
        return ok;
    }

    private static String range(long[] m, int j) {
        return m[j] < 0 ? "n/a" : m[j] == m[j + 1] ? Long.toString(m[j]) : m[j] + "-" + m[j + 1];
    }

    /** The slope within incarnations (pooled least squares: each incarnation around its own means). */
    synchronized Trend trend(int node, int what) {
        Map<Long, List<Sample>> byPid = new LinkedHashMap<>();
        long firstPid = samples.get(node).isEmpty() ? -1 : samples.get(node).get(0).pid;
        Map<Long, Double> born = new LinkedHashMap<>();
        double settle = o.d("proc-settle", 30);
        for (Sample s : samples.get(node)) {
            born.putIfAbsent(s.pid, s.t);
            if (s.t < warm || s.pid != firstPid && s.t < born.get(s.pid) + settle) continue;
            byPid.computeIfAbsent(s.pid, k -> new ArrayList<>()).add(s);
        }
        double sxx = 0, sxy = 0, lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        int n = 0;
        List<Long> values = new ArrayList<>();
        for (List<Sample> g : byPid.values()) {
            double mt = 0, my = 0;
            for (Sample s : g) { mt += s.t; my += s.v(what); }
            mt /= g.size();
            my /= g.size();
            for (Sample s : g) {
                sxx += (s.t - mt) * (s.t - mt);
                sxy += (s.t - mt) * (s.v(what) - my);
                lo = Math.min(lo, s.t);
                hi = Math.max(hi, s.t);
                values.add(s.v(what));
                n++;
            }
        }
        double b = sxx > 0 ? sxy / sxx : 0, sse = 0;
        for (List<Sample> g : byPid.values()) {
            double mt = 0, my = 0;
            for (Sample s : g) { mt += s.t; my += s.v(what); }
            mt /= g.size();
            my /= g.size();
            for (Sample s : g) { double r = s.v(what) - my - b * (s.t - mt); sse += r * r; }
        }
        int dof = n - byPid.size() - 1;
        double se = sxx > 0 && dof > 0 ? Math.sqrt(sse / dof / sxx) : 0;
        values.sort(null);
        double median = values.isEmpty() ? 0 : values.get(values.size() / 2);
        return new Trend(b * 60, se * 60, n == 0 ? 0 : (hi - lo) / 60, median, n, byPid.size());
    }
}

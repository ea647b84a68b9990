package switchboard.bench;

import static switchboard.bench.Loop.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What the soak measures while it runs: end-to-end latency per phase (the fault being handled, or steady), each
 * node's heap after a full GC and RSS per window of {@code --heap-window} s, threads and file descriptors
 * ({@link SoakProcs}), the faults: when each was injected, how long it took to be repaired and what was lost meanwhile,
 * what the hostile connections got ({@link Hostile}); and the summary with the PASS/FAIL verdict.
 */
final class SoakStats {
    /** Close codes of docs/protocol.md, and -1: the connection ended without a close frame (a killed node, an abort). */
    static final Set<Integer> DOCUMENTED = Set.of(-1, 1000, 1001, 1003, 1007, 1008, 1009, 1011, 4001, 4002, 4401, 4429);

    private final Driver d;
    private final Opts o;
    volatile long pidA, pidB;
    private volatile String phase = "warm-up";
    private final Map<String, Histogram> latency = new LinkedHashMap<>();
    /** window index -> {heap A, heap B, rss A, rss B} maxima in KB. */
    private final Map<Long, long[]> memory = new TreeMap<>();
    private final List<String> faults = new ArrayList<>();
    private int faultsFailed;
    /** The fault under way: its start (nanoTime, wall clock) and the loss counters then ({@link #losses}). */
    private long faultT;
    private String faultName, faultWall;
    private long[] before;
    private final List<Hostile.Outcome> hostile = new ArrayList<>();
    final SoakProcs procs;
    int slowCloses;
    private long t0, warmNs;
    private volatile boolean stop;
    private Thread harvester, sampler;

    SoakStats(Driver d, Opts o) {
        this.d = d;
        this.o = o;
        this.pidA = d.pid;
        this.pidB = d.pidB;
        this.procs = new SoakProcs(o, () -> pidA, () -> pidB);
    }

    void start(long t0, long warmSeconds) {
        this.t0 = t0;
        this.warmNs = warmSeconds * 1_000_000_000L;
        for (Loop l : d.loops) l.latency.getIntervalHistogram();
        harvester = daemon("latency", () -> {
            Histogram recent = new Histogram(3);
            for (long n = 1; !stop; n++) {
                recent.add(harvest());
                sleep(500);
                if (n % 60 == 0) { progress(recent); recent.reset(); }
            }
        });
        long every = o.l("heap-every", 60) * 1000;
        sampler = daemon("heap", () -> { while (!stop) { sampleMemory(); sleep(every); } });
        procs.start(t0, warmSeconds);
    }

    void stop() throws InterruptedException {
        stop = true;
        sampler.interrupt();
        harvester.join(2000);
        harvest();
        sampler.join(150_000);
        sampleMemory(); // the last window: after the drain
        procs.stop();
    }

    void phase(String name) {
        harvest();
        phase = name;
    }

    /** A fault begins: its phase, and what the loss counters say now. */
    void faultBegin(String name, Soak s) {
        phase(name);
        faultName = name;
        faultT = System.nanoTime();
        faultWall = java.time.LocalTime.now(java.time.ZoneOffset.UTC).withNano(0).toString();
        before = losses(s);
    }

    /** The fault and its recovery are over: one line with when, the outcome, {@code detail}, and what the counters say it cost. */
    void faultEnd(Soak s, boolean ok, double secs, String detail) {
        long[] now = losses(s);
        long[] dl = new long[now.length];
        for (int i = 0; i < now.length; i++) dl[i] = now[i] - before[i];
        faults.add(Soak.fmt("%s at %.0f s (%s UTC): %s, connections restored %.1f s after it began%s; in its %.0f s: reconnects %d; not stored: %d sends "
                        + "refused unavailable, %d own messages in flight at drops, %d publishes failed, whisper sequence gaps %d (own copies and "
                        + "recipients: not stored); lost or doubled once stored: offset gaps %d, duplicates %d, recovered:false %d",
                faultName, (faultT - t0) / 1e9, faultWall, ok ? "ok" : "FAILED", secs, detail.isEmpty() ? "" : "; " + detail,
                (System.nanoTime() - faultT) / 1e9, dl[0], dl[1], dl[2], dl[3], dl[5], dl[4], dl[6], dl[7]));
        if (!ok) faultsFailed++;
    }

    /** Reconnects, refused unavailable, own messages in flight at drops, publishes failed, offset gaps, whisper gaps, duplicates, recovered:false. */
    private long[] losses(Soak s) {
        long pubFailed = 0;
        for (Publisher p : s.publishers) pubFailed += p.failed.get();
        return new long[] {d.sum(RECONNECTS), errors(d, "unavailable"), d.sum(UNACKED), pubFailed, d.sum(OFF_GAPS), d.sum(W_GAPS),
                d.sum(DUPS) + d.sum(W_DUPS), d.sum(REC_FALSE)};
    }

    /** The hostile connections' outcomes; returns how many are findings. */
    synchronized int hostile(List<Hostile.Outcome> outcomes) {
        hostile.addAll(outcomes);
        int n = 0;
        for (Hostile.Outcome h : outcomes) if (!h.ok()) n++;
        return n;
    }

    /** Moves what the loops recorded into the current phase's histogram; returns it too. */
    private synchronized Histogram harvest() {
        Histogram h = latency.computeIfAbsent(phase, k -> new Histogram(3)), got = new Histogram(3);
        for (Loop l : d.loops) got.add(l.latency.getIntervalHistogram());
        h.add(got);
        return got;
    }

    private void progress(Histogram recent) {
        Driver.log("soak: %4.0f s %-14s sent %d, received %d, reconnects %d, recovered %d/%d (true/false), dups %d, p99 %.1f ms (last 30 s)",
                (System.nanoTime() - t0) / 1e9, phase, d.sum(SENT), d.sum(RECV), d.sum(RECONNECTS), d.sum(REC_TRUE), d.sum(REC_FALSE),
                d.sum(DUPS) + d.sum(W_DUPS), recent.getValueAtPercentile(99) / 1000.0);
    }

    private void sampleMemory() {
        long w = (System.nanoTime() - t0) / (o.l("heap-window", 300) * 1_000_000_000L);
        long[] v = {Proc.javaHeapAfterGcKb(pidA), Proc.javaHeapAfterGcKb(pidB), Proc.rssKb(pidA), Proc.rssKb(pidB)};
        synchronized (this) {
            long[] m = memory.computeIfAbsent(w, k -> new long[] {-1, -1, -1, -1});
            for (int i = 0; i < 4; i++) m[i] = Math.max(m[i], v[i]);
        }
    }

    /** Prints the summary; true when the counters and the memory trend pass (the views are checked by {@link SoakCheck}). */
    synchronized boolean report(Soak s, SoakCheck check) {
        boolean ok = true;
        Driver.log("soak: ---------------------------------------------------------------- summary");
        long sent = d.sum(SENT), recv = d.sum(RECV), dups = d.sum(DUPS) + d.sum(W_DUPS), offGaps = d.sum(OFF_GAPS);
        long published = 0, pubFailed = 0, pubSkipped = 0;
        for (Publisher p : s.publishers) { published += p.accepted.get(); pubFailed += p.failed.get(); pubSkipped += p.skipped.get(); }
        Driver.log("messages: %d room messages sent (%d never stored: sent into a fault), %d whispers, %d notifications published (2xx; %d failed, %d not sent: one in flight per topic)",
                sent, check.unstored(), d.sum(W_SENT), published, pubFailed, pubSkipped);
        Driver.log("received: %d deliveries (messages + notifications), duplicates %d (whispers %d), offset gaps %d, sequence gaps %d (whispers %d): gaps are messages never stored, the same for every member",
                recv, dups, d.sum(W_DUPS), offGaps, d.sum(GAPS), d.sum(W_GAPS));
        Driver.log("recovery: %d reconnects, %d with since answered recovered:true, %d recovered:false, %d failed attempts retried; unacknowledged at a drop %d",
                d.sum(RECONNECTS), d.sum(REC_TRUE), d.sum(REC_FALSE), d.sum(RETRIES), d.sum(UNACKED));
        Driver.log("close codes: %s; error frames: %s; slow consumers closed %d times",
                Bench.summarize(d.bench.closeCodes), Bench.summarize(d.bench.errorCodes), slowCloses);
        if (dups > 0 || offGaps > 0 || d.sum(REC_FALSE) > 0) { ok = false; Driver.log("FAIL: duplicates, offset gaps or lost history"); }
        if (check.unstored() > d.sum(UNACKED) + errors(d, "unavailable")) {
            ok = false;
            Driver.log("FAIL: more messages never stored (%d) than were in flight at drops or refused", check.unstored());
        }
        for (Integer code : d.bench.closeCodes.keySet()) if (!DOCUMENTED.contains(code)) { ok = false; Driver.log("FAIL: undocumented close code %d", code); }
        Driver.log("lost: %s; never stored (the sender was told unavailable, or its node died with it in flight): %d room messages, %d whispers; %d publishes failed (503 or no answer: stored or not, the subscribers agree)",
                check.agreed() && dups == 0 && offGaps == 0 && d.sum(REC_FALSE) == 0 ? "nothing that was stored (every member holds every stored message once)"
                        : "SEE THE FAILURES: stored messages missing or doubled", check.unstored(), check.unstoredWhispers(), pubFailed);
        Driver.log("faults (%d, %d failed):", faults.size(), faultsFailed);
        for (String f : faults) Driver.log("  %s", f);
        if (faultsFailed > 0) ok = false;
        ok &= reportHostile();
        Driver.log("latency per phase (ms; live deliveries: not catch-up after a reconnect, not to the slow consumers)");
        Driver.log("  %-16s %10s %8s %8s %8s %8s", "phase", "count", "p50", "p99", "p999", "max");
        latency.forEach((ph, h) -> { if (h.getTotalCount() > 0) Driver.log("  %-16s %10d %8.1f %8.1f %8.1f %8.1f", ph, h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0); });
        Driver.log("memory per %d s window (MB, max): heap after full GC A / B, RSS A / B", o.l("heap-window", 300));
        memory.forEach((w, m) -> Driver.log("  %4d  %7s %7s   %7s %7s", w, mb(m[0]), mb(m[1]), mb(m[2]), mb(m[3])));
        ok &= bounded(0, "A") & bounded(1, "B");
        ok &= procs.report();
        return ok;
    }

    /** What the hostile connections got, per node and kind; each that did not get the documented answer is a finding. */
    private boolean reportHostile() {
        if (hostile.isEmpty()) return true;
        List<Hostile.Outcome> findings = new ArrayList<>();
        for (Hostile.Outcome h : hostile) if (!h.ok()) findings.add(h);
        Driver.log("hostile connections (%d, %d findings; documented: binary close 1003, invalid-utf8 1007, oversize 1009, flood 1008, garbage-json error bad_json and no close):",
                hostile.size(), findings.size());
        for (String line : Hostile.summarize(hostile)) Driver.log("  %s", line);
        for (Hostile.Outcome h : findings.subList(0, Math.min(20, findings.size()))) Driver.log("  FINDING: node %s, %s: %s", h.node(), h.kind().label, h.detail());
        if (!findings.isEmpty()) Driver.log("FAIL: %d hostile connections did not get the documented answer", findings.size());
        return findings.isEmpty();
    }

    /** No growth trend after the warm-up: the last window's heap is within 1.5 x + 32 MB of the first window's after it. */
    private boolean bounded(int i, String node) {
        long first = -1, last = -1, warmWindow = warmNs / (o.l("heap-window", 300) * 1_000_000_000L);
        for (Map.Entry<Long, long[]> e : memory.entrySet()) {
            if (e.getKey() <= warmWindow && memory.size() > 2 || e.getValue()[i] < 0) continue;
            if (first < 0) first = e.getValue()[i];
            last = e.getValue()[i];
        }
        if (first < 0) { Driver.log("FAIL: no heap samples of node %s", node); return false; }
        boolean ok = last <= first * 1.5 + 32 * 1024;
        Driver.log("heap %s: %.1f MB after the warm-up, %.1f MB at the end: %s", node, first / 1024.0, last / 1024.0, ok ? "bounded" : "FAIL: growing");
        return ok;
    }

    private static String mb(long kb) {
        return kb < 0 ? "n/a" : Soak.fmt("%.1f", kb / 1024.0);
    }

    static long errors(Driver d, String code) {
        java.util.concurrent.atomic.LongAdder a = d.bench.errorCodes.get(code);
        return a == null ? 0 : a.sum();
    }

    private static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, "soak-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void sleep(long ms) {
        try { Thread.sleep(ms); } catch (InterruptedException ignored) { Thread.currentThread().interrupt(); }
    }
}

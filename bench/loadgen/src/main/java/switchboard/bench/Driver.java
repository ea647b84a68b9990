package switchboard.bench;

import static switchboard.bench.Loop.*;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Runs one scenario against one server: sets the connections up, steps the offered rate, checks that
 * every message reached every member exactly once, and writes one result row per step.
 */
final class Driver {
    final Opts o;
    final Bench bench;
    final Loop[] loops;
    final long pid;
    /** Cluster: the second node's and Redis's pids (-1: none), and where clients go: a (all on the first), split. */
    final long pidB, pidRedis;
    final String placement;
    final Results results;
    final String scenario;
    final boolean strict;
    private int plan;
    private int conns;
    boolean failed;

    Driver(Opts o, String scenario, int clients) throws IOException {
        this.o = o;
        this.scenario = o.str("name", scenario);
        URI url = URI.create(o.str("url", "ws://127.0.0.1:8090"));
        InetAddress target = InetAddress.getByName(url.getHost());
        if (!target.isLoopbackAddress()) throw new IllegalArgumentException("load goes to loopback addresses only, not " + url.getHost());
        int srcN = o.i("src-addrs", clients > 8000 ? (clients + 7999) / 8000 : 0);
        InetAddress[] src = new InetAddress[srcN];
        for (int i = 0; i < srcN; i++) src[i] = InetAddress.getByName("127.0.0." + (2 + i));
        this.bench = new Bench(url, src, o.i("text-chars", "chat".equals(scenario) ? 40 : 48), o.str("topic", "bench"));
        bench.readEvery = o.i("read-every", 0);
        bench.deflate = o.flag("deflate", false);
        if (o.has("url-b")) {
            URI b = URI.create(o.str("url-b", ""));
            if (!InetAddress.getByName(b.getHost()).isLoopbackAddress()) throw new IllegalArgumentException("load goes to loopback addresses only, not " + b.getHost());
            bench.secondNode(b);
        }
        this.pidB = o.l("server-pid-b", -1);
        this.pidRedis = o.l("redis-pid", -1);
        this.placement = o.str("place", "a");
        int threads = o.i("threads", Math.max(1, Runtime.getRuntime().availableProcessors()));
        this.loops = new Loop[threads];
        for (int i = 0; i < threads; i++) { loops[i] = new Loop(bench, i); loops[i].start(); }
        this.pid = o.l("server-pid", -1);
        this.results = new Results(o.has("out") ? Path.of(o.str("out", "")) : null);
        this.strict = o.flag("strict", false);
    }

    // ---------------------------------------------------------------- counters

    long sum(int counter) {
        long s = 0;
        for (Loop l : loops) {
            if (l.pub < 0) throw new IllegalStateException(); // the volatile read publishes the loop's counters
            s += l.get(counter);
        }
        return s;
    }

    void check() {
        if (bench.fatal != null) throw new IllegalStateException("selector thread failed", bench.fatal);
    }

    /** Runs {@code task} on every loop and waits until each has run it. */
    void onLoops(java.util.function.Consumer<Loop> task) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(loops.length);
        for (Loop l : loops) l.submit(() -> { try { task.accept(l); } finally { done.countDown(); } });
        if (!done.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("selector threads do not answer");
    }

    private static void parkUntil(long t) {
        long now;
        while ((now = System.nanoTime()) < t) LockSupport.parkNanos(t - now);
    }

    static void log(String fmt, Object... args) {
        System.out.printf(Locale.ROOT, "[%s] " + fmt + "%n", prepend(Instant.now().toString().substring(11, 19), args));
        System.out.flush();
    }

    private static Object[] prepend(Object a, Object[] rest) {
        Object[] r = new Object[rest.length + 1];
        r[0] = a;
        System.arraycopy(rest, 0, r, 1, rest.length);
        return r;
    }

    // ---------------------------------------------------------------- setup

    /**
     * Connects {@code clients} chat clients spread round-robin over {@code rooms} rooms; in each room the
     * first {@code senders} members send. With {@code feeders}, every room gets one extra connection that
     * is the room's only sender and never drops (storm). Returns the setup time in seconds.
     */
    double setupChat(int clients, int rooms, int senders, boolean feeders) throws Exception {
        bench.setRooms(rooms);
        int[] members = new int[rooms];
        List<List<Conn>> per = new ArrayList<>();
        for (Loop l : loops) per.add(new ArrayList<>());
        int total = clients + (feeders ? rooms : 0);
        for (int i = 0; i < total; i++) {
            Loop l = loops[i % loops.length];
            Conn c;
            if (i < clients) {
                int room = i % rooms, inRoom = i / rooms;
                int sl = !feeders && inRoom < senders ? inRoom : -1;
                c = new Conn(i, l, true, room, sl, feeders ? 1 : senders, false);
                c.onB = bench.addrB != null && "split".equals(placement) && inRoom % 2 == 1;
            } else {
                c = new Conn(i, l, true, i - clients, 0, 1, true);
            }
            members[c.room]++;
            per.get(i % loops.length).add(c);
        }
        bench.roomMembers = members;
        return connect(per, total);
    }

    double setupNotify(int subs) throws Exception {
        List<List<Conn>> per = new ArrayList<>();
        for (Loop l : loops) per.add(new ArrayList<>());
        for (int i = 0; i < subs; i++) per.get(i % loops.length).add(new Conn(i, loops[i % loops.length], false, -1, -1, 0, false));
        return connect(per, subs);
    }

    double connect(List<List<Conn>> per, int total) throws Exception {
        long fdLimit = Proc.maxOpenFiles();
        if (fdLimit > 0 && total + 64 > fdLimit)
            throw new IllegalStateException(total + " connections need more open files than this process may have (" + fdLimit + "): raise ulimit -n");
        conns = total;
        bench.connectWindow = Math.max(1, o.i("connect-concurrency", 256) / loops.length);
        long t0 = System.nanoTime();
        long ready0 = sum(READY);
        for (int i = 0; i < loops.length; i++) {
            Loop l = loops[i];
            List<Conn> list = per.get(i);
            l.submit(() -> { for (Conn c : list) l.add(c); l.enqueueConnect(list); });
        }
        long deadline = t0 + o.l("setup-timeout", 120) * 1_000_000_000L;
        long lastLog = t0;
        while (true) {
            check();
            long ready = sum(READY) - ready0, failedN = sum(CONNECT_FAIL) + sum(HANDSHAKE_FAIL);
            if (ready >= total) break;
            long now = System.nanoTime();
            if (ready + failedN >= total || now > deadline) {
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "setup: %d of %d ready, %d connect failures, %d handshake failures, errors: %s",
                        ready, total, sum(CONNECT_FAIL), sum(HANDSHAKE_FAIL), Bench.summarize(bench.errorCodes)));
            }
            if (now - lastLog > 5_000_000_000L) { log("setup: %d/%d ready", ready, total); lastLog = now; }
            Thread.sleep(5);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        log("setup: %d connections ready in %.1f s%s", total, secs,
                bench.deflate ? String.format(Locale.ROOT, "; permessage-deflate offered, %d negotiated in all", sum(DEFLATED)) : "");
        return secs;
    }

    /** Waits until the server has stopped sending (presence and join traffic): no frame for 500 ms, at most 60 s. */
    void settle() throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        long last = sum(FRAMES), quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            Thread.sleep(50);
            long f = sum(FRAMES);
            if (f != last) { last = f; quietSince = System.nanoTime(); }
            else if (System.nanoTime() - quietSince > 500_000_000L) return;
        }
        log("settle: the server was still sending after 60 s");
    }

    /** One full GC of a Java server once the connections are up, so the measured steps see steady state. */
    void gcServer() {
        if (o.flag("gc-after-setup", true) && Proc.isJava(pid)) {
            log("server: full GC (jcmd GC.run) after setup: %s", Proc.javaGc(pid) ? "done" : "failed");
        }
    }

    // ---------------------------------------------------------------- stepped sweeps

    /** Fan-out / many rooms: stepped offered rate of deliveries per second. */
    void sweepChat(int clients, int rooms, int senders) throws Exception {
        setupChat(clients, rooms, senders, false);
        settle();
        gcServer();
        int totalSenders = Math.min(senders, clients / rooms) * rooms;
        sweep(clients, rooms, totalSenders, null, clients / rooms);
    }

    /**
     * Chat as it mostly is: {@code clients} in rooms of {@code roomSize}, every member sending. Here the cost of
     * receiving a message is not spread over many deliveries, so the figure is server CPU per incoming message;
     * {@code --rates} are messages/s in (each gives roomSize deliveries).
     */
    void sweepSmallRooms(int clients, int roomSize) throws Exception {
        if (roomSize < 1 || clients % roomSize != 0) throw new IllegalArgumentException("--clients must be a multiple of --room-size");
        int rooms = clients / roomSize;
        setupChat(clients, rooms, roomSize, false);
        settle();
        gcServer();
        perIncoming = true;
        sweep(clients, rooms, clients, null, roomSize);
    }

    /** Rates are messages in per second (chat), not deliveries. */
    private boolean perIncoming;

    void sweepNotify(int subs) throws Exception {
        setupNotify(subs);
        settle();
        gcServer();
        Publisher pub = new Publisher(bench, o.str("key", "bench-key"), o.i("http-inflight", 64));
        sweep(subs, 1, 1, pub, subs);
    }

    /**
     * Database topics: {@code subs} clients subscribed to a watched table's topic, rows committed by a JDBC writer at
     * the sweep's rates; latency from the commit (the writer's clock reading just before it, in the row) to each client.
     */
    void sweepDb(int subs) throws Exception {
        setupNotify(subs);
        settle();
        gcServer();
        try (DbWriter writer = new DbWriter(bench, o.str("db-url", "jdbc:postgresql://127.0.0.1:8432/bench"),
                o.str("db-user", "postgres"), o.str("db-table", "bench_commits"), o.i("db-writers", 8))) {
            sweep(subs, 1, 1, writer, subs);
        }
    }

    private void sweep(int clients, int rooms, int totalSenders, Source pub, int perMsg) throws Exception {
        long[] rates = o.rates("rates", perIncoming ? "5k,10k,20k" : "50k,100k,150k,200k,300k,400k,600k,800k");
        if (perIncoming) for (int i = 0; i < rates.length; i++) rates[i] *= perMsg; // messages in -> deliveries
        double slo = o.d("slo-ms", 50);
        boolean stopOnFail = !o.flag("no-stop", false);
        int retries = o.i("noisy-retries", 2);
        double prewarm = o.d("prewarm", 0);
        if (prewarm > 0 && rates.length > 0) {
            // Not recorded: a fresh server (a JVM's JIT, V8's) reaches its steady state before the first step. At a low
            // first rate 20 s are not enough for a JVM's JIT: --prewarm-rate warms at another rate (same units).
            long warmRate = o.has("prewarm-rate") ? o.rates("prewarm-rate", "0")[0] * (perIncoming ? perMsg : 1) : rates[0];
            log("prewarm: %.0f s at %d deliveries/s, not recorded", prewarm, warmRate);
            step(warmRate, clients, rooms, totalSenders, pub, perMsg, prewarm);
        }
        for (long rate : rates) {
            waitQuiet();
            Map<String, Object> r = step(rate, clients, rooms, totalSenders, pub, perMsg);
            for (int k = 0; k < retries && Boolean.TRUE.equals(r.get("noisy")); k++) {
                log("noisy: other processes used %s%% of a core during the step (limit %s%%): repeating it", Results.fmt(r.get("other_cpu_pct")), Results.fmt(o.d("max-other", 20)));
                waitQuiet();
                r = step(rate, clients, rooms, totalSenders, pub, perMsg);
            }
            boolean clean = (Boolean) r.get("ok");
            if (!clean && stopOnFail) {
                Object p99 = r.get("p99_ms");
                log("stop: %s at %d deliveries/s (p99 %s ms, SLO %.0f ms)", ((long) r.get("lost") > 0 || (long) r.get("dropped") > 0) ? "loss" : "p99 over the SLO",
                        rate, p99, slo);
                break;
            }
        }
    }

    private Map<String, Object> step(long rate, int clients, int rooms, int totalSenders, Source pub, int perMsg) throws Exception {
        return step(rate, clients, rooms, totalSenders, pub, perMsg, 0);
    }

    /** One step of a sweep; with {@code prewarm} > 0, load for that long and record nothing. */
    private Map<String, Object> step(long rate, int clients, int rooms, int totalSenders, Source pub, int perMsg,
                                     double prewarm) throws Exception {
        check();
        double warm = prewarm > 0 ? prewarm : o.d("warmup", 2), measure = prewarm > 0 ? 0.5 : o.d("measure", 5),
                drain = o.d("drain", 10);
        int step = prewarm > 0 ? bench.step : bench.step + 1;
        double msgRate = (double) rate / perMsg;
        long period = (long) (1e9 * (pub != null ? 1 : totalSenders) / msgRate);
        for (Loop l : loops) { l.latency.getIntervalHistogram(); l.sendLag.getIntervalHistogram(); }
        long sent0 = pub != null ? pub.accepted.get() : sum(SENT), exp0 = sum(EXPECTED), recv0 = sum(RECV), win0 = sum(RECV_WIN),
                dups0 = sum(DUPS), gaps0 = sum(GAPS), og0 = sum(OFF_GAPS), stale0 = sum(STALE), drop0 = sum(DROPPED), err0 = sum(ERRORS),
                skip0 = sum(LAG_SKIPS) + (pub != null ? pub.skipped.get() : 0), pubFail0 = pub != null ? pub.failed.get() : 0;
        long t0 = System.nanoTime() + 20_000_000L;
        long ms = t0 + (long) (warm * 1e9), me = ms + (long) (measure * 1e9);
        bench.measureStart = ms;
        bench.measureEnd = me;
        bench.step = step;
        int id = ++plan;
        Thread pubThread = null;
        if (pub != null) {
            pubThread = new Thread(() -> pub.run(period, t0, me), "publisher");
            pubThread.setDaemon(true);
            pubThread.start();
        } else {
            for (Loop l : loops) l.submit(() -> l.planSends(id, period, t0, me, totalSenders, true));
        }
        parkUntil(ms);
        long s0 = Proc.cpuNs(pid), c0 = Proc.cpuNs(Proc.SELF), gc0 = Proc.selfGcMs(), b0 = Proc.cpuNs(pidB), rd0 = Proc.cpuNs(pidRedis);
        long[] m0 = Proc.machineNs();
        parkUntil(me);
        long s1 = Proc.cpuNs(pid), c1 = Proc.cpuNs(Proc.SELF), gc1 = Proc.selfGcMs(), b1 = Proc.cpuNs(pidB), rd1 = Proc.cpuNs(pidRedis);
        long[] m1 = Proc.machineNs();
        long rss = Proc.rssKb(pid);
        long winRecv = sum(RECV_WIN) - win0;
        // every message sent, then every delivery in, or the drain deadline
        long deadline = System.nanoTime() + (long) (drain * 1e9);
        if (pubThread != null) {
            pubThread.join(Math.max(1, (long) (drain * 1000)));
            pub.awaitIdle(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        } else {
            while (System.nanoTime() < deadline) {
                boolean done = true;
                for (Loop l : loops) if (l.pub < 0 || l.get(SEND_DONE) != id) done = false;
                if (done) break;
                Thread.sleep(1);
            }
        }
        long sent = (pub != null ? pub.accepted.get() : sum(SENT)) - sent0;
        long expected = pub != null ? sent * perMsg : sum(EXPECTED) - exp0;
        long recv;
        while ((recv = sum(RECV) - recv0) < expected && System.nanoTime() < deadline) { check(); Thread.sleep(2); }
        bench.measureStart = bench.measureEnd = Long.MAX_VALUE;
        Histogram lat = new Histogram(3), lag = new Histogram(3);
        for (Loop l : loops) { lat.add(l.latency.getIntervalHistogram()); lag.add(l.sendLag.getIntervalHistogram()); }

        double win = (me - ms) / 1e9;
        // Sweeps do not reconnect: a connection closed in an earlier step (or between steps, e.g. 4002 after the
        // last one) is still missing from this one, and its deliveries count as lost. Count it as dropped here too.
        long dropped = bench.reconnect ? sum(DROPPED) - drop0 : sum(DROPPED);
        long dups = sum(DUPS) - dups0, gaps = sum(GAPS) - gaps0, offGaps = sum(OFF_GAPS) - og0,
                errors = sum(ERRORS) - err0 + (pub != null ? pub.failed.get() - pubFail0 : 0);
        long lost = Math.max(0, expected - recv);
        Map<String, Object> r = Results.row();
        r.put("time", Instant.now().toString());
        label(r);
        r.put("step", step);
        r.put("offered_dps", rate);
        r.put("clients", clients);
        r.put("rooms", rooms);
        r.put("senders", pub != null ? 1 : totalSenders);
        r.put("msg_rate", msgRate);
        r.put("sent", sent);
        r.put("expected", expected);
        r.put("received", recv);
        r.put("lost", lost);
        r.put("dups", dups);
        r.put("gaps", gaps);
        r.put("offset_gaps", offGaps);
        r.put("stale", sum(STALE) - stale0);
        r.put("dropped", dropped);
        r.put("errors", errors);
        r.put("delivered_dps", winRecv / win);
        long samples = lat.getTotalCount();
        r.put("samples", samples);
        if (samples > 0) {
            r.put("p50_ms", lat.getValueAtPercentile(50) / 1000.0);
            r.put("p99_ms", lat.getValueAtPercentile(99) / 1000.0);
            r.put("p999_ms", lat.getValueAtPercentile(99.9) / 1000.0);
            r.put("max_ms", lat.getMaxValue() / 1000.0);
        }
        // cluster: the second node and Redis count as server CPU too (and are no longer "other processes")
        long extra = (b0 >= 0 && b1 >= 0 ? b1 - b0 : 0) + (rd0 >= 0 && rd1 >= 0 ? rd1 - rd0 : 0);
        cpu(r, s0, s1 + extra, c0, c1, m0, m1, win, winRecv);
        if (b0 >= 0 && b1 >= 0) { r.put("node_a_cpu_pct", 100.0 * (s1 - s0) / (win * 1e9)); r.put("node_b_cpu_pct", 100.0 * (b1 - b0) / (win * 1e9)); }
        if (rd0 >= 0 && rd1 >= 0) r.put("redis_cpu_pct", 100.0 * (rd1 - rd0) / (win * 1e9));
        if (perIncoming && s0 >= 0 && s1 >= 0 && winRecv > 0) r.put("srv_us_per_msg", (s1 + extra - s0) / 1000.0 / ((double) winRecv / perMsg));
        r.put("cli_gc_ms", gc1 - gc0);
        r.put("srv_rss_mb", rss > 0 ? rss / 1024.0 : null);
        r.put("send_lag_p99_ms", lag.getTotalCount() > 0 ? lag.getValueAtPercentile(99) / 1000.0 : null);
        r.put("lag_skips", sum(LAG_SKIPS) + (pub != null ? pub.skipped.get() : 0) - skip0);
        r.put("conns", conns);
        double slo = o.d("slo-ms", 50);
        boolean correct = lost == 0 && dups == 0 && gaps == 0 && offGaps == 0 && dropped == 0 && errors == 0 && sent > 0;
        boolean clean = correct && samples > 0 && lat.getValueAtPercentile(99) / 1000.0 <= slo;
        Object other = r.get("other_cpu_pct");
        boolean noisy = other instanceof Double && (Double) other > o.d("max-other", 20);
        r.put("noisy", noisy);
        r.put("ok", clean);
        StringBuilder note = new StringBuilder();
        if (!bench.errorCodes.isEmpty()) note.append("errors{").append(Bench.summarize(bench.errorCodes)).append("} ");
        if (!bench.closeCodes.isEmpty()) note.append("closes{").append(Bench.summarize(bench.closeCodes)).append("} ");
        r.put("note", note.toString().trim());
        if (prewarm > 0) {
            log("prewarm done: p99 %.2f ms, lost %d, errors %d", pct(lat, 99), lost, errors);
            return r;
        }
        results.write(r);
        if (perIncoming) log("%-10s %7.2fk msg/s in: server CPU %s us per incoming message", scenario, msgRate / 1000.0, Results.fmt(r.get("srv_us_per_msg")));
        log("%-10s %7.0fk/s offered  delivered %7.0fk/s  p50 %7.2f  p99 %7.2f  p99.9 %7.2f ms  sent %d expected %d received %d lost %d dups %d gaps %d dropped %d errors %d  srv %s%% %s us/dlv  rss %s MB  cli %s%% %s us/dlv  other %s%%  %s",
                scenario, rate / 1000.0, winRecv / win / 1000.0, pct(lat, 50), pct(lat, 99), pct(lat, 99.9), sent, expected, recv, lost, dups, gaps + offGaps, dropped, errors,
                Results.fmt(r.get("srv_cpu_pct")), Results.fmt(r.get("srv_us_per_dlv")), Results.fmt(r.get("srv_rss_mb")),
                Results.fmt(r.get("cli_cpu_pct")), Results.fmt(r.get("cli_us_per_dlv")), Results.fmt(r.get("other_cpu_pct")), clean ? "OK" : "FAIL");
        if (!correct && strict) failed = true;
        if (!correct && sent == 0) failed = true;
        return r;
    }

    private static double pct(Histogram h, double p) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(p) / 1000.0;
    }

    private void label(Map<String, Object> r) {
        r.put("label", o.str("label", "server"));
        r.put("mode", o.str("mode", "unpinned"));
        r.put("rep", o.i("rep", 1));
        r.put("scenario", scenario);
    }

    private void cpu(Map<String, Object> r, long s0, long s1, long c0, long c1, long[] m0, long[] m1, double win, long deliveries) {
        double winNs = win * 1e9;
        if (s0 >= 0 && s1 >= 0) {
            r.put("srv_cpu_pct", 100.0 * (s1 - s0) / winNs);
            if (deliveries > 0) r.put("srv_us_per_dlv", (s1 - s0) / 1000.0 / deliveries);
        }
        r.put("cli_cpu_pct", 100.0 * (c1 - c0) / winNs);
        if (deliveries > 0) r.put("cli_us_per_dlv", (c1 - c0) / 1000.0 / deliveries);
        if (m0[0] >= 0 && m1[0] >= 0) {
            long other = (m1[0] - m0[0]) - (c1 - c0) - (s0 >= 0 ? s1 - s0 : 0);
            r.put("other_cpu_pct", Math.max(0.0, 100.0 * other / winNs));
        }
    }

    /**
     * Waits (at most --quiet-timeout s) until other processes use less than --max-other % of a core for a
     * second: the machine is shared, and a step measured next to somebody's build is not a measurement.
     */
    void waitQuiet() throws InterruptedException {
        double max = o.d("max-other", 20);
        if (o.l("quiet-timeout", 120) <= 0) return;
        long deadline = System.nanoTime() + o.l("quiet-timeout", 120) * 1_000_000_000L;
        int quiet = 0;
        boolean logged = false;
        while (System.nanoTime() < deadline) {
            long t0 = System.nanoTime(), s0 = Proc.cpuNs(pid), c0 = Proc.cpuNs(Proc.SELF);
            long[] m0 = Proc.machineNs();
            Thread.sleep(500);
            long t1 = System.nanoTime(), s1 = Proc.cpuNs(pid), c1 = Proc.cpuNs(Proc.SELF);
            long[] m1 = Proc.machineNs();
            if (m0[0] < 0) return;
            double other = 100.0 * ((m1[0] - m0[0]) - (c1 - c0) - (s0 >= 0 ? s1 - s0 : 0)) / (t1 - t0);
            if (other <= max) {
                if (++quiet >= 2) return;
            } else {
                quiet = 0;
                if (!logged) { log("waiting for the machine to be quiet: other processes use %.0f%% of a core", other); logged = true; }
            }
        }
        log("the machine did not get quiet within --quiet-timeout; measuring anyway (see other_cpu_pct)");
    }

    // ---------------------------------------------------------------- capacity

    void capacity(int n, int roomSize) throws Exception {
        // Java: live objects after a full GC (class histogram total); G1's "used" after GC.run counts whole
        // regions and over-states small differences. Node: heapUsed after gc().
        boolean histo = Proc.isJava(pid);
        Map<String, long[]> h0 = histo ? Proc.javaClassHistogram(pid) : Map.of();
        long rss0 = Proc.rssKb(pid), heap0 = histo ? h0.getOrDefault("", new long[] {0, -1024})[1] / 1024 : heapKb();
        log("capacity: before: rss %s MB, heap after GC %s MB", mb(rss0), mb(heap0));
        double setup = setupChat(n, Math.max(1, (n + roomSize - 1) / roomSize), 0, false);
        settle();
        long p0 = sum(PONGS);
        onLoops(Loop::pingAll);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (sum(PONGS) - p0 < n && System.nanoTime() < deadline) { check(); Thread.sleep(5); }
        long pongs = sum(PONGS) - p0;
        long rss1 = Proc.rssKb(pid), heap1 = histo ? -1 : heapKb();
        if (histo) {
            // where the heap per connection goes: the classes that grew most, per connection
            Map<String, long[]> h1 = Proc.javaClassHistogram(pid);
            heap1 = h1.getOrDefault("", new long[] {0, -1024})[1] / 1024;
            h1.remove("");
            List<Map.Entry<String, long[]>> grew = new ArrayList<>(h1.entrySet());
            grew.removeIf(e -> e.getValue()[1] - h0.getOrDefault(e.getKey(), new long[2])[1] <= 0);
            grew.sort((a, b) -> Long.compare(b.getValue()[1] - h0.getOrDefault(b.getKey(), new long[2])[1],
                    a.getValue()[1] - h0.getOrDefault(a.getKey(), new long[2])[1]));
            log("capacity: heap growth by class (after GC), per connection:");
            for (Map.Entry<String, long[]> e : grew.subList(0, Math.min(15, grew.size()))) {
                long[] before = h0.getOrDefault(e.getKey(), new long[2]);
                log("  %9.0f B  %6.2f objects  %s", (e.getValue()[1] - before[1]) / (double) n, (e.getValue()[0] - before[0]) / (double) n, e.getKey());
            }
        }
        Map<String, Object> r = Results.row();
        r.put("time", Instant.now().toString());
        label(r);
        r.put("clients", n);
        r.put("rooms", (n + roomSize - 1) / roomSize);
        r.put("conns", n);
        r.put("setup_s", setup);
        r.put("dropped", sum(DROPPED));
        r.put("errors", sum(ERRORS));
        r.put("received", pongs);
        r.put("expected", (long) n);
        r.put("lost", (long) n - pongs);
        if (rss0 > 0) {
            r.put("rss_before_mb", rss0 / 1024.0);
            r.put("rss_after_mb", rss1 / 1024.0);
            r.put("rss_kb_per_conn", (rss1 - rss0) / (double) n);
            r.put("srv_rss_mb", rss1 / 1024.0);
        }
        if (heap0 > 0 && heap1 > 0) {
            r.put("heap_before_mb", heap0 / 1024.0);
            r.put("heap_after_mb", heap1 / 1024.0);
            r.put("heap_kb_per_conn", (heap1 - heap0) / (double) n);
        }
        boolean ok = pongs == n && sum(DROPPED) == 0;
        r.put("ok", ok);
        r.put("note", ("ping answered by " + pongs + "/" + n + " " + (bench.closeCodes.isEmpty() ? "" : "closes{" + Bench.summarize(bench.closeCodes) + "}")).trim());
        results.write(r);
        log("capacity: %d connections held (each answered a ping: %d), setup %.1f s; rss %s -> %s MB (%s KB/conn), heap %s -> %s MB (%s KB/conn)  %s",
                n, pongs, setup, mb(rss0), mb(rss1), Results.fmt(r.get("rss_kb_per_conn")), mb(heap0), mb(heap1), Results.fmt(r.get("heap_kb_per_conn")), ok ? "OK" : "FAIL");
        if (!ok) failed = true;
    }

    private long heapKb() {
        if (pid <= 0) return -1;
        if (Proc.isJava(pid)) return Proc.javaHeapAfterGcKb(pid);
        return Proc.nodeHeapAfterGcKb(bench.httpBase);
    }

    private static String mb(long kb) {
        return kb < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", kb / 1024.0);
    }

    // ---------------------------------------------------------------- reconnect storm

    void storm(int clients, int rooms) throws Exception {
        int history = o.i("history", 20), missed = o.i("missed", 10);
        setupChat(clients, rooms, 1, true);
        settle();
        // 1. history, with everyone connected
        feed(1, history, rooms);
        // 2. everyone but the feeders drops at once
        onLoops(l -> l.dropAll(o.flag("storm-rst", false)));
        int[] feederOnly = new int[rooms];
        java.util.Arrays.fill(feederOnly, 1);
        bench.roomMembers = feederOnly;
        log("storm: %d clients dropped", clients);
        // 3. messages they miss
        feed(2, missed, rooms);
        long[] target = new long[rooms];
        onLoops(l -> { for (int r = 0; r < rooms; r++) { long off = l.lastOffsetOfFeeder(r); if (off >= 0) target[r] = off; } });
        bench.roomTarget = target;
        // 4. everyone reconnects at once with since = its last offset
        long rt0 = sum(REC_TRUE), rf0 = sum(REC_FALSE), rd0 = sum(REC_DONE), rp0 = sum(REPLAYED), cf0 = sum(CONNECT_FAIL),
                hf0 = sum(HANDSHAKE_FAIL), rr0 = sum(RETRIES), dup0 = sum(DUPS), gap0 = sum(GAPS) + sum(OFF_GAPS), drop0 = sum(DROPPED), err0 = sum(ERRORS);
        for (Loop l : loops) l.recovery.getIntervalHistogram();
        int conc = o.i("storm-concurrency", 0);
        bench.connectWindow = conc <= 0 ? Integer.MAX_VALUE : Math.max(1, conc / loops.length);
        long timeout = o.l("storm-timeout", 60) * 1_000_000_000L;
        long t0 = System.nanoTime();
        bench.retryDeadline = t0 + timeout;
        bench.stormStart = t0;
        for (Loop l : loops) l.submit(l::rejoinAll);
        long doneN;
        while ((doneN = (sum(REC_DONE) - rd0) + (sum(REC_FALSE) - rf0)) < clients && System.nanoTime() - t0 < timeout) { check(); Thread.sleep(2); }
        double all = (System.nanoTime() - t0) / 1e9;
        Histogram rec = new Histogram(3);
        for (Loop l : loops) rec.add(l.recovery.getIntervalHistogram());
        long recTrue = sum(REC_TRUE) - rt0, recFalse = sum(REC_FALSE) - rf0, recDone = sum(REC_DONE) - rd0, replayed = sum(REPLAYED) - rp0,
                connErr = (sum(CONNECT_FAIL) - cf0) + (sum(HANDSHAKE_FAIL) - hf0), dups = sum(DUPS) - dup0, gaps = sum(GAPS) + sum(OFF_GAPS) - gap0,
                dropped = sum(DROPPED) - drop0, errors = sum(ERRORS) - err0;
        Map<String, Object> r = Results.row();
        r.put("time", Instant.now().toString());
        label(r);
        r.put("clients", clients);
        r.put("rooms", rooms);
        r.put("conns", clients + rooms);
        r.put("recover_all_s", recDone == clients ? rec.getMaxValue() / 1e6 : all);
        if (rec.getTotalCount() > 0) {
            r.put("recover_p50_ms", rec.getValueAtPercentile(50) / 1000.0);
            r.put("recover_p99_ms", rec.getValueAtPercentile(99) / 1000.0);
        }
        r.put("recovered_true", recTrue);
        r.put("recovered_false", recFalse);
        r.put("replayed", replayed);
        r.put("expected_replayed", (long) clients * missed);
        r.put("retries", sum(RETRIES) - rr0);
        r.put("errors", connErr + errors + recFalse + (clients - recDone - recFalse));
        r.put("dups", dups);
        r.put("gaps", gaps);
        r.put("dropped", dropped);
        r.put("lost", Math.max(0, (long) clients * missed - replayed));
        boolean ok = recDone == clients && recTrue == clients && recFalse == 0 && dups == 0 && gaps == 0 && dropped == 0
                && replayed == (long) clients * missed;
        r.put("ok", ok);
        r.put("note", String.format(Locale.ROOT, "history %d + missed %d per room; failed attempts %d; %s%s", history, missed, connErr,
                bench.errorCodes.isEmpty() ? "" : "errors{" + Bench.summarize(bench.errorCodes) + "} ",
                bench.closeCodes.isEmpty() ? "" : "closes{" + Bench.summarize(bench.closeCodes) + "}").trim());
        results.write(r);
        log("storm: %d/%d recovered (recovered:true %d, recovered:false %d) in %s s; per client p50 %s p99 %s ms; replayed %d of %d; failed attempts %d, retries %d; dups %d gaps %d  %s",
                recDone, clients, recTrue, recFalse, Results.fmt(r.get("recover_all_s")), Results.fmt(r.get("recover_p50_ms")), Results.fmt(r.get("recover_p99_ms")),
                replayed, (long) clients * missed, connErr, sum(RETRIES) - rr0, dups, gaps, ok ? "OK" : "FAIL");
        if (!ok) failed = true;
    }

    /** Every feeder sends {@code count} messages (50 per second each); waits until all are delivered. */
    private void feed(int step, int count, int rooms) throws Exception {
        bench.step = step;
        long exp0 = sum(EXPECTED), recv0 = sum(RECV);
        long period = 20_000_000L, t0 = System.nanoTime() + 10_000_000L;
        int id = ++plan;
        long sent0 = sum(SENT);
        // sender g's k-th message goes at t0 + g*period/rooms + k*period: exactly `count` of them before t0 + count*period
        for (Loop l : loops) l.submit(() -> l.planSends(id, period, t0, t0 + period * count, rooms, false));
        long deadline = t0 + period * count + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            boolean done = true;
            for (Loop l : loops) if (l.pub < 0 || l.get(SEND_DONE) != id) done = false;
            if (done && sum(RECV) - recv0 >= sum(EXPECTED) - exp0) break;
            check();
            Thread.sleep(2);
        }
        long exp = sum(EXPECTED) - exp0, recv = sum(RECV) - recv0, sent = sum(SENT) - sent0;
        log("storm: step %d: %d messages per room, %d deliveries of %d", step, count, recv, exp);
        if (sent != (long) count * rooms) throw new IllegalStateException("storm: feeding step " + step + " sent " + sent + " messages, not " + (long) count * rooms);
        if (recv != exp) throw new IllegalStateException("storm: feeding step " + step + " lost " + (exp - recv) + " deliveries");
    }

    void close() {
        for (Loop l : loops) {
            l.submit(l::closeAll);
            l.stop = true;
            l.sel.wakeup();
        }
        for (Loop l : loops) {
            try { l.join(5000); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        }
    }
}

package switchboard.bench;

import static switchboard.bench.Loop.*;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak (issue 14): hours of load and faults must lose nothing. Two nodes (A: {@code --url}, B: {@code --url-b})
 * share one Redis; clients are spread over both: small rooms where every member sends, one bigger room with a few fast
 * senders and two slow consumers, whispers from members on B to members on A, and topics with subscribers on both
 * nodes fed over HTTP. Every connection the server closes or loses comes back with {@code since}. Faults come on a
 * schedule, in the order of {@link #FAULTS} ({@code --fault-cmd} kills node A, restarts Redis from its AOF, stops
 * Redis; the load generator cuts TCP connections, pauses the slow consumers and sends hostile frames on connections of
 * its own: {@link Hostile}), and after each one both nodes must hold every connection again. At the end the views must
 * agree: see {@link SoakCheck}.
 */
final class Soak {
    static final String[] FAULTS = {"kill-a", "tcp-drop", "redis-restart", "redis-pause", "hostile", "slow-consumers"};

    final Driver d;
    final Opts o;
    final Bench bench;
    final List<Conn> all = new ArrayList<>();
    final List<Conn> slow = new ArrayList<>(), cuttable = new ArrayList<>();
    final List<Publisher> publishers = new ArrayList<>();
    final SoakStats stats;
    final int smallRooms, roomSize, bigRoom, topics;
    int whisperers;
    private final Random random = new Random(14);
    /** What the fault being run wants said on its line of the summary (pids, the AOF probe, the hostile outcomes). */
    private String detail = "";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    Soak(Driver d, Opts o) {
        this.d = d;
        this.o = o;
        this.bench = d.bench;
        this.smallRooms = o.i("rooms", 12);
        this.roomSize = o.i("room-size", 4);
        this.bigRoom = o.i("big-room", 40);
        this.topics = o.i("topics", 3);
        this.stats = new SoakStats(d, o);
    }

    /** Builds every connection's role and places it on A or B. */
    void setup() throws Exception {
        int bigSenders = o.i("big-senders", 4), subs = o.i("subscribers", 10), pairs = o.i("whisper-pairs", 6);
        bench.setRooms(Math.max(smallRooms + 1, topics));
        bench.topicNames = new String[topics];
        for (int t = 0; t < topics; t++) bench.topicNames[t] = "soak" + t;
        int[] members = new int[smallRooms + 1];
        byte[] secret = o.str("token-secret", "").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int id = 0;
        for (int r = 0; r < smallRooms; r++) {
            for (int m = 0; m < roomSize; m++) add(new Conn(id, d.loops[id++ % d.loops.length], true, r, m, roomSize, false), members);
        }
        for (int m = 0; m < bigRoom; m++) {
            Conn c = add(new Conn(id, d.loops[id++ % d.loops.length], true, smallRooms, m < bigSenders ? m : -1, bigSenders, false), members);
            if (c.senderLocal >= 0) { c.speed = o.i("big-speed", 5); c.textChars = o.i("big-text-chars", 1000); }
            if (m >= bigSenders && slow.size() < o.i("slow", 2)) { c.slow = true; c.onB = false; slow.add(c); }
        }
        for (int t = 0; t < topics; t++) {
            for (int s = 0; s < subs; s++) add(new Conn(id, d.loops[id++ % d.loops.length], false, t, -1, 1, false), members);
        }
        // whispers: a sender on B (never cut: its own copies are the reference) to a member of another room on A
        List<Conn> onA = new ArrayList<>(), onB = new ArrayList<>();
        for (Conn c : all) if (c.chat && c.senderLocal >= 0 && c.room < smallRooms) (c.onB ? onB : onA).add(c);
        for (int p = 0; p < pairs && p < onA.size() && p < onB.size(); p++) {
            Conn from = onB.get(p), to = onA.get(onA.size() - 1 - p);
            from.whisperTo = to.id;
            from.whisperSlot = whisperers++;
        }
        for (Conn c : all) {
            c.tally(c.chat ? (c.room < smallRooms ? roomSize : bigSenders) : 1, whisperers);
            if (secret.length > 0) c.query = "token=" + Tokens.hs256(secret, "u" + c.id, 86_400);
            if (!c.slow && c.whisperTo < 0) cuttable.add(c);
        }
        bench.roomMembers = members;
        bench.whisperEvery = o.i("whisper-every", 2);
        List<List<Conn>> per = new ArrayList<>();
        for (Loop l : d.loops) per.add(new ArrayList<>());
        for (Conn c : all) per.get(c.id % d.loops.length).add(c);
        d.connect(per, all.size());
        bench.reconnect = true;
        bench.retryDeadline = Long.MAX_VALUE;
        bench.measureStart = 0;
        bench.step = 1;
        Driver.log("soak: %d connections (A %d, B %d): %d rooms of %d, a room of %d (%d senders x %d/s, %d slow), %d topics x %d, %d whisperers",
                all.size(), expected(false), expected(true), smallRooms, roomSize, bigRoom, bigSenders, o.i("big-speed", 5), slow.size(),
                topics, subs, whisperers);
    }

    private Conn add(Conn c, int[] members) {
        c.onB = c.id % 2 == 1;
        if (c.chat) members[c.room]++;
        all.add(c);
        return c;
    }

    int expected(boolean b) {
        int n = 0;
        for (Conn c : all) if (c.onB == b) n++;
        return n;
    }

    /** Runs the load for {@code --minutes}, with a fault every {@code --fault-every} s after the warm-up; then drains and checks. */
    boolean run() throws Exception {
        double minutes = o.d("minutes", 30);
        long faultEvery = o.l("fault-every", 90), warm = o.l("warmup", 60);
        long t0 = System.nanoTime(), end = t0 + (long) (minutes * 60e9);
        long period = (long) (1e9 / o.d("send-rate", 1)); // per sender
        for (Loop l : d.loops) l.submit(() -> l.planSends(1, period, t0, end, all.size(), true));
        URI[] bases = {bench.httpBase, bench.httpBaseB()};
        double topicRate = o.d("publish-rate", 2);
        for (int t = 0; t < topics; t++) {
            Publisher p = new Publisher(bench, o.str("key", "bench-key"), 1, bench.topicNames[t], bases); // one in flight: in order
            publishers.add(p);
            long start = t0 + t * 10_000_000L;
            Thread th = new Thread(() -> p.run((long) (1e9 / topicRate), start, end), "publisher-" + t);
            th.setDaemon(true);
            th.start();
        }
        stats.start(t0, warm);
        int k = 0;
        long next = t0 + warm * 1_000_000_000L;
        while (true) {
            d.check();
            long now = System.nanoTime();
            if (next + 60_000_000_000L > end) break; // no fault in the last minute: each must be over before the senders stop
            if (now < next) { Thread.sleep(Math.min(1000, (next - now) / 1_000_000 + 1)); continue; }
            String fault = FAULTS[k++ % FAULTS.length];
            stats.faultBegin(fault, this);
            long f0 = System.nanoTime();
            detail = "";
            boolean ok = fault(fault) && restored(60);
            double secs = (System.nanoTime() - f0) / 1e9;
            next = Math.max(next + faultEvery * 1_000_000_000L, System.nanoTime() + 10_000_000_000L);
            Thread.sleep(5000); // recovery traffic still counts for the fault's phase
            stats.faultEnd(this, ok, secs, detail);
            stats.phase("steady");
        }
        while (System.nanoTime() < end) { d.check(); Thread.sleep(200); }
        stats.phase("drain");
        for (Publisher p : publishers) p.awaitIdle(40_000);
        SoakCheck check = new SoakCheck(this);
        boolean ok = check.await(o.l("drain", 60));
        stats.stop();
        boolean pass = stats.report(this, check) & ok;
        Driver.log("soak: %s", pass ? "PASS" : "FAIL");
        return pass;
    }

    /** Performs one fault; false if it could not be done. */
    private boolean fault(String name) throws Exception {
        switch (name) {
            case "kill-a": {
                String out = Proc.run(300, faultCmd("kill-a"));
                Matcher m = Pattern.compile("pid=(\\d+)").matcher(out == null ? "" : out);
                if (!m.find()) { Driver.log("soak: kill-a failed: %s", out); return false; }
                detail = "node A pid " + stats.pidA + " -> " + m.group(1);
                stats.pidA = Long.parseLong(m.group(1));
                Driver.log("soak: node A killed (-9) and restarted, pid %d (%.3f s after start)", stats.pidA, (System.nanoTime() - bench.base) / 1e9);
                return true;
            }
            case "redis-pause": {
                int secs = o.i("redis-pause", 20);
                String out = Proc.run(120 + secs, faultCmd("redis-pause", Integer.toString(secs)));
                Matcher m = Pattern.compile("pid=(\\d+)").matcher(out == null ? "" : out);
                detail = "Redis stopped (SIGSTOP) for " + secs + " s" + (m.find() ? ", pid " + m.group(1) : "");
                Driver.log("soak: Redis stopped (SIGSTOP) for %d s, then SIGCONT: %s", secs, out != null ? "done" : "FAILED");
                return out != null;
            }
            case "redis-restart": { // SHUTDOWN (AOF fsynced), started again on the same port and AOF: the data must survive
                String out = Proc.run(180, faultCmd("redis-restart"));
                Matcher m = Pattern.compile("old=(\\d+) pid=(\\d+) probe=(\\w+) keys=(\\d+)->(\\d+) down=([0-9.]+)").matcher(out == null ? "" : out);
                if (!m.find()) { Driver.log("soak: redis-restart failed: %s", out); detail = "FAILED: " + out; return false; }
                boolean kept = "kept".equals(m.group(3));
                detail = Soak.fmt("Redis pid %s -> %s, down %s s, keys %s -> %s, AOF probe key %s", m.group(1), m.group(2), m.group(6), m.group(4), m.group(5), m.group(3));
                Driver.log("soak: Redis shut down and restarted from its AOF: %s", detail);
                return kept;
            }
            case "hostile": {
                List<Hostile.Outcome> got = new Hostile(bench, o.str("token-secret", "")).run(o.i("hostile-rounds", 3), o.d("hostile-seconds", 4));
                int findings = stats.hostile(got);
                detail = Soak.fmt("%d hostile connections to A and B, %d findings", got.size(), findings);
                Driver.log("soak: %s", detail);
                for (Hostile.Outcome h : got) if (!h.ok()) Driver.log("soak: hostile FINDING: node %s, %s: %s", h.node(), h.kind().label, h.detail());
                return true; // the fault was done; its findings fail the run in the summary
            }
            case "tcp-drop": {
                int n = Math.min(o.i("cut", 12), cuttable.size());
                List<Conn> pick = new ArrayList<>(cuttable);
                java.util.Collections.shuffle(pick, random);
                for (Conn c : pick.subList(0, n)) c.loop.submit(() -> c.loop.cut(c));
                detail = n + " connections cut";
                Driver.log("soak: cut %d connections (no close frame); they reconnect with since", n);
                return true;
            }
            case "slow-consumers": {
                long pause = o.l("slow-pause", 30);
                long until = System.nanoTime() + pause * 1_000_000_000L;
                int drops0 = 0;
                for (Conn c : slow) drops0 += c.drops;
                for (Conn c : slow) c.loop.submit(() -> c.loop.pauseReading(c, until));
                Driver.log("soak: %d slow consumers stop reading for %d s", slow.size(), pause);
                Thread.sleep(pause * 1000 + 3000);
                int drops1 = 0;
                for (Conn c : slow) drops1 += c.drops;
                stats.slowCloses += drops1 - drops0;
                detail = Soak.fmt("closed by the server %d of %d", drops1 - drops0, slow.size());
                Driver.log("soak: slow consumers closed by the server: %d of %d", drops1 - drops0, slow.size());
                return drops1 - drops0 >= slow.size();
            }
            default: throw new IllegalArgumentException(name);
        }
    }

    /** {@code --fault-cmd} (words separated by spaces) followed by {@code args}. */
    private String[] faultCmd(String... args) {
        List<String> cmd = new ArrayList<>(List.of(o.str("fault-cmd", "false").trim().split("\\s+")));
        cmd.addAll(List.of(args));
        return cmd.toArray(new String[0]);
    }

    /** Both nodes hold every connection again (their /api/health "connections"), within {@code secs}. */
    private boolean restored(int secs) throws Exception {
        long deadline = System.nanoTime() + secs * 1_000_000_000L;
        int wantA = expected(false), wantB = expected(true);
        long a = -1, b = -1;
        while (System.nanoTime() < deadline) {
            a = connections(bench.httpBase);
            b = connections(bench.httpBaseB());
            if (a == wantA && b == wantB) return true;
            Thread.sleep(250);
        }
        Driver.log("soak: connections not restored within %d s: A %d of %d, B %d of %d", secs, a, wantA, b, wantB);
        return false;
    }

    long connections(URI base) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/health")).timeout(Duration.ofSeconds(3))
                            .header("Authorization", "Bearer " + o.str("key", "bench-key")).build(), // the count needs the key
                    HttpResponse.BodyHandlers.ofString());
            Matcher m = Pattern.compile("\"connections\"\\s*:\\s*(\\d+)").matcher(r.body());
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    static String fmt(String f, Object... a) {
        return String.format(Locale.ROOT, f, a);
    }
}

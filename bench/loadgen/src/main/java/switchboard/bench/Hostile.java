package switchboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak's "hostile" fault (issue 14: a burst of hostile frames). For a few seconds ({@code --hostile-seconds}, in
 * {@code --hostile-rounds} rounds) fresh raw connections ({@link RawWs}) to node A and node B each send one kind of
 * hostile input right after the welcome and must get what docs/protocol.md documents: a binary frame a close 1003,
 * invalid UTF-8 1007, a text message one byte over {@code maxMessageBytes} (as the welcome states it) 1009, a flood of
 * pings 1008, garbage JSON an error frame {@code bad_json} with the connection still answering. Anything else (another
 * code, no close frame, no answer) is a finding. That the soak's own clients do not notice is checked by the soak's end
 * check ({@link SoakCheck}) and close-code tally, which these connections stay out of.
 */
final class Hostile {
    enum Kind {
        BINARY("binary", 1003), INVALID_UTF8("invalid-utf8", 1007), OVERSIZE("oversize", 1009), FLOOD("flood", 1008),
        GARBAGE_JSON("garbage-json", 0);

        final String label;
        final int code; // the close code it must get; 0: an error frame bad_json and no close

        Kind(String label, int code) {
            this.label = label;
            this.code = code;
        }
    }

    /** What one hostile connection got: {@code got} is short ("close 1003", "EOF", "bad_json+pong"), {@code detail} says more. */
    record Outcome(String node, Kind kind, boolean ok, String got, String detail) {}

    static final int FLOOD_BURST = 200;
    private static final long WAIT_NS = 15_000_000_000L;
    private static final byte[] INVALID_UTF8 = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
    private static final Pattern MAX_BYTES = Pattern.compile("\"maxMessageBytes\"\\s*:\\s*(\\d+)"),
            CODE = Pattern.compile("\"code\"\\s*:\\s*\"([^\"]*)\"");

    private final Bench bench;
    private final byte[] secret;
    private final AtomicInteger users = new AtomicInteger();

    Hostile(Bench bench, String tokenSecret) {
        this.bench = bench;
        this.secret = tokenSecret.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code rounds} rounds spread over {@code seconds}; in each, every kind once on A and once on B, all at once. */
    List<Outcome> run(int rounds, double seconds) throws InterruptedException {
        Kind[] kinds = Kind.values();
        ExecutorService ex = Executors.newFixedThreadPool(2 * kinds.length, r -> {
            Thread t = new Thread(r, "soak-hostile");
            t.setDaemon(true);
            return t;
        });
        List<Future<Outcome>> futures = new ArrayList<>();
        List<String[]> what = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            for (int r = 0; r < rounds; r++) {
                long at = t0 + (long) (r * seconds * 1e9 / rounds), now = System.nanoTime();
                if (at > now) Thread.sleep((at - now) / 1_000_000);
                for (boolean onB : new boolean[] {false, true}) {
                    for (Kind k : kinds) {
                        futures.add(ex.submit(() -> one(onB, k)));
                        what.add(new String[] {onB ? "B" : "A", k.name()});
                    }
                }
            }
            List<Outcome> out = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                try {
                    out.add(futures.get(i).get(60, TimeUnit.SECONDS));
                } catch (Exception e) {
                    out.add(new Outcome(what.get(i)[0], Kind.valueOf(what.get(i)[1]), false, "no outcome", "no outcome within 60 s: " + e));
                }
            }
            return out;
        } finally {
            ex.shutdownNow();
        }
    }

    /** One fresh connection, one offence, its outcome. */
    private Outcome one(boolean onB, Kind kind) {
        String node = onB ? "B" : "A", user = "h" + users.incrementAndGet();
        String path = (onB ? bench.basePathB : bench.basePath) + "/ws/chat?"
                + (secret.length > 0 ? "token=" + Tokens.hs256(secret, user, 600) : "name=" + user);
        long t0 = System.nanoTime(), deadline = t0 + WAIT_NS;
        try (RawWs ws = RawWs.open(onB ? bench.addrB : bench.addr, onB ? bench.hostB : bench.host, path, 10_000)) {
            RawWs.Frame w = ws.next(deadline);
            if (w.op() != RawWs.OP_TEXT || !w.text().contains("\"welcome\"")) return new Outcome(node, kind, false, "no welcome", "first frame: " + describe(w));
            Matcher m = MAX_BYTES.matcher(w.text());
            int max = m.find() ? Integer.parseInt(m.group(1)) : 65_536;
            Tally t = new Tally();
            boolean wrote = true;
            try {
                switch (kind) {
                    case BINARY: ws.send(RawWs.OP_BINARY, true, new byte[] {1, 2, 3}); break;
                    case INVALID_UTF8: ws.send(RawWs.OP_TEXT, true, INVALID_UTF8); break;
                    case OVERSIZE: // exactly the limit, then one byte more: the server has read everything when it closes
                        ws.send(RawWs.OP_TEXT, false, "a".repeat(max).getBytes(StandardCharsets.US_ASCII));
                        ws.send(RawWs.OP_CONT, true, new byte[] {'a'});
                        break;
                    case FLOOD: for (int i = 0; i < FLOOD_BURST; i++) { ws.sendText("{\"type\":\"ping\"}"); t.pings++; } break;
                    case GARBAGE_JSON: ws.sendText("{\"type\":\"say\",\"room\":\"r0\",\"text\": ]]} not json {{"); break;
                    default: throw new IllegalStateException();
                }
            } catch (IOException e) {
                wrote = false; // the server closed while we wrote: what it sent before still counts
            }
            return kind == Kind.GARBAGE_JSON ? garbage(ws, node, t0, deadline) : awaitClose(ws, node, kind, t, wrote, t0, deadline);
        } catch (IOException e) {
            return new Outcome(node, kind, false, "no connection", e.toString());
        }
    }

    /** Frames until the close; a flood goes on (10 pings every 50 ms) until the close comes, as CloseCodeLoops' does. */
    private Outcome awaitClose(RawWs ws, String node, Kind kind, Tally t, boolean writable, long t0, long deadline) throws IOException {
        while (true) {
            long until = kind == Kind.FLOOD ? Math.min(deadline, System.nanoTime() + 50_000_000L) : deadline;
            RawWs.Frame f = ws.next(until);
            if (f.op() == RawWs.TIMEOUT) {
                if (System.nanoTime() >= deadline) return new Outcome(node, kind, false, "no close", "no close frame within 15 s" + t.says());
                try {
                    for (int i = 0; writable && i < 10; i++) { ws.sendText("{\"type\":\"ping\"}"); t.pings++; }
                } catch (IOException e) {
                    writable = false;
                }
                continue;
            }
            if (t.take(ws, f)) continue;
            String secs = Soak.fmt(" after %.2f s", (System.nanoTime() - t0) / 1e9);
            if (f.op() == RawWs.EOF) return new Outcome(node, kind, false, "EOF", "the connection ended without a close frame" + secs + t.says());
            int code = f.closeCode();
            try { ws.sendClose(code); } catch (IOException ignored) { } // the client's half of the closing handshake
            return new Outcome(node, kind, code == kind.code, "close " + code, "close " + code + secs + t.says());
        }
    }

    /** Garbage JSON: an error frame bad_json, and the connection goes on (a ping is answered); then the client closes 1000. */
    private Outcome garbage(RawWs ws, String node, long t0, long deadline) throws IOException {
        Tally t = new Tally();
        String error = null;
        while (error == null) {
            RawWs.Frame f = ws.next(deadline);
            if (f.op() == RawWs.OP_TEXT && f.text().contains("\"error\"")) {
                Matcher m = CODE.matcher(f.text());
                error = m.find() ? m.group(1) : "?";
            } else if (!t.take(ws, f)) {
                return new Outcome(node, Kind.GARBAGE_JSON, false, f.op() == RawWs.OP_CLOSE ? "close " + f.closeCode() : describe(f),
                        "instead of an error frame: " + describe(f) + t.says());
            }
        }
        ws.sendText("{\"type\":\"ping\",\"ref\":\"after-garbage\"}");
        boolean pong = false;
        while (!pong) {
            RawWs.Frame f = ws.next(deadline);
            if (f.op() == RawWs.OP_TEXT && f.text().contains("\"pong\"")) pong = true;
            else if (!t.take(ws, f)) return new Outcome(node, Kind.GARBAGE_JSON, false, "error " + error + ", then " + describe(f),
                    "error " + error + ", then instead of a pong: " + describe(f));
        }
        ws.sendClose(1000);
        RawWs.Frame echo;
        do { echo = ws.next(System.nanoTime() + 5_000_000_000L); } while (t.take(ws, echo) && echo.op() != RawWs.TIMEOUT);
        boolean ok = "bad_json".equals(error);
        return new Outcome(node, Kind.GARBAGE_JSON, ok, "error " + error + ", pong",
                Soak.fmt("error %s and a pong after %.2f s; our close 1000 answered with %s", error, (System.nanoTime() - t0) / 1e9, describe(echo)));
    }

    /** What a connection got besides the answer it waits for: pongs, error frames, the server's pings (answered). */
    private static final class Tally {
        int pings, pongs, texts;
        final Map<String, Integer> errors = new TreeMap<>();

        /** True when {@code f} is an ordinary frame (counted, or a ping answered); false for a close, EOF or timeout. */
        boolean take(RawWs ws, RawWs.Frame f) throws IOException {
            switch (f.op()) {
                case RawWs.OP_TEXT: case RawWs.OP_CONT: case RawWs.OP_BINARY:
                    String s = f.text();
                    if (s.contains("\"pong\"")) pongs++;
                    else if (s.contains("\"error\"")) { Matcher m = CODE.matcher(s); errors.merge(m.find() ? m.group(1) : "?", 1, Integer::sum); }
                    else texts++;
                    return true;
                case RawWs.OP_PING: ws.send(RawWs.OP_PONG, true, f.payload()); return true;
                case RawWs.OP_PONG: return true;
                default: return false;
            }
        }

        String says() {
            StringBuilder b = new StringBuilder();
            if (pings > 0) b.append(pings).append(" pings sent, ");
            if (pongs > 0) b.append(pongs).append(" pongs, ");
            errors.forEach((k, v) -> b.append(v).append(" errors ").append(k).append(", "));
            if (texts > 0) b.append(texts).append(" other frames, ");
            return b.length() == 0 ? "" : " (" + b.substring(0, b.length() - 2) + ")";
        }
    }

    static String describe(RawWs.Frame f) {
        switch (f.op()) {
            case RawWs.EOF: return "EOF (no close frame)";
            case RawWs.TIMEOUT: return "nothing within the time";
            case RawWs.OP_CLOSE: return "close " + f.closeCode();
            case RawWs.OP_TEXT: { String s = f.text(); return "text " + (s.length() > 120 ? s.substring(0, 120) + "..." : s); }
            default: return "frame opcode " + f.op() + " of " + f.payload().length + " bytes";
        }
    }

    /** "A binary: 3 x close 1003; ..." : the outcomes per node and kind, in order. */
    static List<String> summarize(List<Outcome> outcomes) {
        Map<String, Map<String, Integer>> m = new LinkedHashMap<>();
        for (String node : new String[] {"A", "B"}) for (Kind k : Kind.values()) m.put(node + " " + k.label, new TreeMap<>());
        for (Outcome o : outcomes) m.get(o.node() + " " + o.kind().label).merge(o.got() + (o.ok() ? "" : " (FINDING)"), 1, Integer::sum);
        List<String> lines = new ArrayList<>();
        m.forEach((k, v) -> {
            StringBuilder b = new StringBuilder();
            v.forEach((got, n) -> b.append(b.length() == 0 ? "" : ", ").append(n).append(" x ").append(got));
            if (b.length() > 0) lines.add(k + ": " + b);
        });
        return lines;
    }
}

package switchboard.bench;

import java.time.Instant;
import java.util.Map;

/** Command line: {@code java -jar loadgen.jar <scenario|report> [--option value ...]}; see README.md. */
public final class Main {
    private Main() {}

    static final String USAGE = """
            usage: java -jar loadgen.jar SCENARIO [options]      SCENARIO: fanout | rooms | chat | notify | db | capacity | storm
                   java -jar loadgen.jar report --in results.csv [--out-dir DIR] [--baseline node]
            common:   --url ws://127.0.0.1:8090 (base incl. context path)  --server-pid PID  --out results.csv
                      --label NAME --mode unpinned|pinned --rep N --name SCENARIO_LABEL  --threads N
                      --max-seconds 900  --strict  --connect-concurrency 256  --src-addrs N  --text-chars 48
                      --deflate   (offer permessage-deflate in every handshake, as browsers do; inflate what comes compressed)
            sweeps:   --rates 50k,100k,...  --prewarm 0 --prewarm-rate R (default: the first rate) --warmup 2 --measure 5 --drain 10 (s)  --slo-ms 50  --no-stop
                      --gc-after-setup true   (jcmd GC.run once the connections are up, Java servers only)
            fanout:   --clients 1000 --rooms 1 --senders 10        rooms: --clients 5000 --rooms 100 --senders 2 (per room)
            chat:     --clients 1000 --room-size 2 (every member sends) --text-chars 40; --rates are messages/s IN;
                      --read-every N: each member sends a chat 1.1 read after every N messages it receives
                      (5k,10k,20k), reported with server CPU per incoming message
            cluster:  chat --name cluster --url-b ws://127.0.0.1:8181 --server-pid-b PID --redis-pid PID --place a|split
                      (a: every client on --url; split: one member of each room on --url-b); CPU of A + B + Redis
            notify:   --clients 5000 --key bench-key --topic bench --http-inflight 64
            db:       --clients 1000 --topic table:bench_commits --db-url jdbc:postgresql://127.0.0.1:8432/bench
                      --db-user postgres --db-table bench_commits --db-writers 8   (rates: deliveries/s = commits/s x clients)
            capacity: --clients 20000 --room-size 50
            soak:     --url A --url-b B --server-pid-b PID --fault-cmd CMD (CMD kill-a | CMD redis-restart | CMD redis-pause S)
                      --minutes 30 --token-secret S --fault-every 90 --warmup 60 --send-rate 1 (per sender) --publish-rate 2
                      (per topic) --rooms 12 --room-size 4 --big-room 40 --big-senders 4 --big-speed 5 --big-text-chars 1000
                      --slow 2 --slow-pause 30 --topics 3 --subscribers 10 --whisper-pairs 6 --whisper-every 2 --cut 12
                      --redis-pause 20 --hostile-rounds 3 --hostile-seconds 4 --heap-every 60 --heap-window 300 --drain 60
                      --proc-every 5 --proc-settle 30 --trend-threads 10 --trend-fds 20   (see bench/README.md)
            storm:    --clients 5000 --rooms 50 --history 20 --missed 10 --storm-concurrency 0 (0 = all at once)
                      --storm-timeout 60 --storm-rst
            """;

    public static void main(String[] args) throws Exception {
        Opts o = new Opts(args);
        String sc = o.command;
        if ("report".equals(sc)) {
            Report.run(o);
            return;
        }
        int clients;
        switch (sc) {
            case "fanout": case "chat": clients = o.i("clients", 1000); break;
            case "rooms": case "notify": case "storm": clients = o.i("clients", 5000); break;
            case "db": clients = o.i("clients", 1000); break;
            case "capacity": clients = o.i("clients", 20000); break;
            case "soak": clients = 0; break;
            default:
                System.out.print(USAGE);
                System.exit("help".equals(sc) || "--help".equals(sc) ? 0 : 2);
                return;
        }
        long maxSeconds = o.l("max-seconds", 900);
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(maxSeconds * 1000);
                System.out.println("loadgen: --max-seconds " + maxSeconds + " reached, exiting");
                System.out.flush();
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException ignored) { }
        }, "watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        Driver d = new Driver(o, sc, clients);
        int rc = 0;
        try {
            Driver.log("%s against %s (label %s, mode %s, rep %d), server pid %d, %d selector thread(s)", d.scenario, o.str("url", "ws://127.0.0.1:8090"),
                    o.str("label", "server"), o.str("mode", "unpinned"), o.i("rep", 1), d.pid, d.loops.length);
            switch (sc) {
                case "fanout": d.sweepChat(clients, o.i("rooms", 1), o.i("senders", 10)); break;
                case "rooms": d.sweepChat(clients, o.i("rooms", 100), o.i("senders", 2)); break;
                case "chat": d.sweepSmallRooms(clients, o.i("room-size", 2)); break;
                case "notify": d.sweepNotify(clients); break;
                case "db": d.sweepDb(clients); break;
                case "capacity": d.capacity(clients, o.i("room-size", 50)); break;
                case "storm": d.storm(clients, o.i("rooms", 50)); break;
                case "soak": { Soak soak = new Soak(d, o); soak.setup(); if (!soak.run()) d.failed = true; break; }
                default: throw new IllegalStateException();
            }
            if (d.failed) rc = 1;
        } catch (Exception e) {
            rc = 2;
            Driver.log("FAILED: %s", e.getMessage());
            Map<String, Object> r = Results.row();
            r.put("time", Instant.now().toString());
            r.put("label", o.str("label", "server"));
            r.put("mode", o.str("mode", "unpinned"));
            r.put("rep", o.i("rep", 1));
            r.put("scenario", d.scenario);
            r.put("clients", clients);
            r.put("ok", false);
            r.put("note", "FAILED: " + e.getMessage());
            d.results.write(r);
        } finally {
            d.close();
        }
        System.exit(rc);
    }
}

package switchboard.bench;

import static switchboard.bench.Loop.*;

import java.util.ArrayList;
import java.util.List;

/**
 * The soak's end check, once the senders have stopped: every connection is back, and every member holds the same
 * view of every sender: of a room's sender, the messages the sender itself got back (its own copies are the log's
 * truth: a message that was never stored is missing for everybody alike, a stored one must reach everybody), of a
 * topic, the same notifications as every other subscriber and no fewer than the publisher got 2xx for, of a whisperer,
 * the same whispers as the whisperer's own copies. "Same" = the same count and the same sum of sequence numbers, with
 * sequence numbers strictly increasing on arrival (duplicates and reordering are counted by the loops).
 */
final class SoakCheck {
    private final Soak s;
    private final List<String> problems = new ArrayList<>();
    private long[][] count, sum, wCount, wSum;
    private boolean[] ready;
    private long[] seq, wSeq;

    SoakCheck(Soak s) {
        this.s = s;
    }

    private boolean agreed;

    boolean agreed() {
        return agreed;
    }

    /** Polls until the views agree, at most {@code secs}; logs what still differs. */
    boolean await(long secs) throws Exception {
        long deadline = System.nanoTime() + secs * 1_000_000_000L;
        while (true) {
            snapshot();
            boolean ok = compare();
            if (ok || System.nanoTime() > deadline) {
                agreed = ok;
                Driver.log("soak: views %s", ok ? "agree: every member got every stored message of every sender exactly once" : "DIFFER:");
                for (String p : problems.subList(0, Math.min(20, problems.size()))) Driver.log("  %s", p);
                if (problems.size() > 20) Driver.log("  ... %d more", problems.size() - 20);
                return ok;
            }
            Thread.sleep(500);
        }
    }

    private void snapshot() throws InterruptedException {
        int n = s.all.size();
        count = new long[n][];
        sum = new long[n][];
        wCount = new long[n][];
        wSum = new long[n][];
        ready = new boolean[n];
        seq = new long[n];
        wSeq = new long[n];
        s.d.onLoops(l -> { // on each loop's own thread; the latch publishes the copies
            for (Conn c : l.conns) {
                count[c.id] = c.count.clone();
                sum[c.id] = c.seqSum.clone();
                wCount[c.id] = c.wCount == null ? new long[0] : c.wCount.clone();
                wSum[c.id] = c.wSum == null ? new long[0] : c.wSum.clone();
                ready[c.id] = c.state == Conn.OPEN && c.ready;
                seq[c.id] = c.seq;
                wSeq[c.id] = c.wSeq;
            }
        });
    }

    private boolean compare() {
        problems.clear();
        for (Conn c : s.all) if (!ready[c.id]) problems.add("connection " + c.id + " is not back");
        for (Conn m : s.all) {
            if (!m.chat) continue;
            for (Conn sender : s.all) {
                if (!sender.chat || sender.room != m.room || sender.senderLocal < 0) continue;
                int k = sender.senderLocal;
                if (count[m.id][k] != count[sender.id][k] || sum[m.id][k] != sum[sender.id][k])
                    problems.add(Soak.fmt("room r%d: member %d has %d of sender %d's messages (seq sum %d), the sender's own view %d (%d)",
                            m.room, m.id, count[m.id][k], sender.id, sum[m.id][k], count[sender.id][k], sum[sender.id][k]));
            }
        }
        for (int t = 0; t < s.topics; t++) {
            Conn ref = null;
            for (Conn c : s.all) {
                if (c.chat || c.room != t) continue;
                if (ref == null) { ref = c; continue; }
                if (count[c.id][0] != count[ref.id][0] || sum[c.id][0] != sum[ref.id][0])
                    problems.add(Soak.fmt("topic %s: subscriber %d has %d notifications (seq sum %d), subscriber %d has %d (%d)",
                            s.bench.topicNames[t], c.id, count[c.id][0], sum[c.id][0], ref.id, count[ref.id][0], sum[ref.id][0]));
            }
            Publisher p = s.publishers.get(t);
            long got = ref == null ? 0 : count[ref.id][0], ok = p.accepted.get(), unknown = p.failed.get();
            if (got < ok || got > ok + unknown)
                problems.add(Soak.fmt("topic %s: subscribers have %d notifications; published with 2xx %d, failed or unanswered %d",
                        s.bench.topicNames[t], got, ok, unknown));
        }
        for (Conn from : s.all) {
            if (from.whisperTo < 0) continue;
            int k = from.whisperSlot, to = from.whisperTo;
            if (wCount[to][k] != wCount[from.id][k] || wSum[to][k] != wSum[from.id][k] || wCount[from.id][k] == 0)
                problems.add(Soak.fmt("whispers %d -> %d: recipient has %d (seq sum %d), the sender's own copies %d (%d)",
                        from.id, to, wCount[to][k], wSum[to][k], wCount[from.id][k], wSum[from.id][k]));
        }
        return problems.isEmpty();
    }

    /** Messages sent by room senders that never came back to them (not stored), over all senders. */
    long unstored() {
        long n = 0;
        for (Conn c : s.all) if (c.chat && c.senderLocal >= 0) n += seq[c.id] - count[c.id][c.senderLocal];
        return n;
    }

    /** Whispers that never came back to their senders (not stored), over all whisperers. */
    long unstoredWhispers() {
        long n = 0;
        for (Conn c : s.all) if (c.whisperTo >= 0) n += wSeq[c.id] - wCount[c.id][c.whisperSlot];
        return n;
    }
}

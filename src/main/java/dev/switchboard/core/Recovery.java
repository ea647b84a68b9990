package dev.switchboard.core;

import dev.switchboard.protocol.Since;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Entry;
import dev.switchboard.store.Log;
import dev.switchboard.store.Slice;

import java.util.List;

/**
 * What a joining or subscribing client gets (docs/protocol.md, "Offsets, epochs and recovery"): same epoch and every
 * entry after the client's offset still stored → exactly those entries ({@code recovered:true}); otherwise what the
 * channel's rules give a client that starts afresh ({@link ChannelRules#latest}: a room's latest page, a topic's newest
 * notification) and {@code recovered:false}.
 */
final class Recovery {

    /** The entries to send, and whether they are exactly what the client missed. */
    record Result(Slice slice, boolean recovered) {}

    private final Log log;
    private final int historySize;
    private final long maxBytes;

    /** @param maxBytes {@code recoveryMaxBytes}: more missed than this is answered as if it were gone */
    Recovery(Log log, int historySize, long maxBytes) {
        this.log = log;
        this.historySize = historySize;
        this.maxBytes = maxBytes;
    }

    /**
     * The replay goes out in pages as the client reads ({@link Subscription#activate}); beyond {@code maxBytes} of
     * missed entries it is cheaper for everyone that the client starts afresh from the latest page.
     */
    Result recover(ChannelId id, Since since, ChannelRules rules) {
        if (since != null) {
            Slice missed = log.readAfter(id, since.offset(), historySize);
            boolean sameHistory = missed.epoch().equals(since.epoch()) && since.offset() <= missed.head();
            boolean complete = missed.entries().isEmpty()
                    ? since.offset() == missed.head()
                    : missed.entries().get(0).offset() == since.offset() + 1;
            if (sameHistory && complete && bytes(missed.entries()) <= maxBytes) {
                return new Result(missed, true);
            }
        }
        return new Result(rules.latest(id, since != null), false);
    }

    private static long bytes(List<Entry> entries) {
        long bytes = 0;
        for (Entry e : entries) {
            bytes += Outgoing.utf8Length(e.json());
        }
        return bytes;
    }

    /** How many of {@code frames}, from the oldest, fit in {@code maxBytes} together (as a JSON array's items). */
    static int oldestWithin(List<String> frames, long maxBytes) {
        long bytes = 0;
        int n = 0;
        while (n < frames.size() && (bytes += Outgoing.utf8Length(frames.get(n)) + 1L) <= maxBytes) {
            n++;
        }
        return n;
    }

    /**
     * The newest of {@code frames} (oldest first) that fit in {@code maxBytes} together, at least the newest one: what
     * a single reply frame may carry of a page.
     */
    static List<String> newestWithin(List<String> frames, long maxBytes) {
        long bytes = 0;
        int from = frames.size();
        while (from > 0) {
            long next = Outgoing.utf8Length(frames.get(from - 1)) + 1L;
            if (from < frames.size() && bytes + next > maxBytes) {
                break;
            }
            bytes += next;
            from--;
        }
        return from == 0 ? frames : frames.subList(from, frames.size());
    }

    /** Whether a {@code since} is well formed (absent is fine). */
    static boolean valid(Since since) {
        return since == null || since.offset() != null && since.offset() >= 0 && since.epoch() != null;
    }
}

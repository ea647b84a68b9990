package dev.switchboard.core;

import dev.switchboard.protocol.Since;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Log;
import dev.switchboard.store.Slice;

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

    Recovery(Log log, int historySize) {
        this.log = log;
        this.historySize = historySize;
    }

    Result recover(ChannelId id, Since since, ChannelRules rules) {
        if (since != null) {
            Slice missed = log.readAfter(id, since.offset(), historySize);
            boolean sameHistory = missed.epoch().equals(since.epoch()) && since.offset() <= missed.head();
            boolean complete = missed.entries().isEmpty()
                    ? since.offset() == missed.head()
                    : missed.entries().get(0).offset() == since.offset() + 1;
            if (sameHistory && complete) {
                return new Result(missed, true);
            }
        }
        return new Result(rules.latest(id, since != null), false);
    }

    /** Whether a {@code since} is well formed (absent is fine). */
    static boolean valid(Since since) {
        return since == null || since.offset() != null && since.offset() >= 0 && since.epoch() != null;
    }
}

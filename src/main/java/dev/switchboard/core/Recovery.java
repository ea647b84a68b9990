package dev.switchboard.core;

import dev.switchboard.protocol.Since;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Log;
import dev.switchboard.store.Slice;

/**
 * What a joining or subscribing client gets (docs/protocol.md, "Offsets, epochs and recovery"): same epoch and every
 * entry after the client's offset still stored → exactly those entries ({@code recovered:true}); otherwise the latest
 * page and {@code recovered:false}. For a topic without {@code since}, the "page" is only the newest entry
 * ({@code last}), as there is nothing to resync.
 */
final class Recovery {

    /** The entries to send, and whether they are exactly what the client missed. */
    record Result(Slice slice, boolean recovered) {}

    private final Log log;
    private final int historySize;
    private final int historyPage;

    Recovery(Log log, int historySize, int historyPage) {
        this.log = log;
        this.historySize = historySize;
        this.historyPage = historyPage;
    }

    Result recover(ChannelId id, Since since) {
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
        int page = id.kind() == ChannelId.Kind.TOPIC && since == null ? 1 : historyPage;
        return new Result(log.readBefore(id, Long.MAX_VALUE, page), false);
    }

    /** Whether a {@code since} is well formed (absent is fine). */
    static boolean valid(Since since) {
        return since == null || since.offset() != null && since.offset() >= 0 && since.epoch() != null;
    }
}

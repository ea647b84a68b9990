package dev.switchboard.core;

import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Entry;
import dev.switchboard.store.Log;
import dev.switchboard.store.Slice;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads a channel's retained history backwards from its newest entry, in chunks, until the caller has what it needs:
 * how a history page finds its messages and every later edit, delete and reaction of them, and how an edit finds the
 * message it changes. Only {@link Log#readBefore} is used, so every storage implementation supports it as it is.
 *
 * <p>Bound: at most {@code historySize} entries (what a channel retains) in chunks of {@code chunk}, so one scan costs
 * at most {@code historySize / chunk + 1} reads of the store, whatever the client asked for.
 */
final class LogScan {

    /** Told each entry, newest first; true once enough was read (that entry included). */
    interface Enough {
        boolean test(Entry entry);
    }

    private final Log log;
    private final int historySize;
    private final int chunk;

    LogScan(Log log, int historySize, int chunk) {
        this.log = log;
        this.historySize = Math.max(1, historySize);
        this.chunk = Math.max(1, Math.min(chunk, this.historySize));
    }

    int historySize() {
        return historySize;
    }

    /**
     * The entries from the newest back to the one {@code enough} stopped at, or to the oldest retained one, oldest
     * first; {@code head} and {@code epoch} are those of the first read. A history lost between two chunks (the
     * epoch changed) ends the scan with what the first history gave.
     */
    Slice back(ChannelId channel, Enough enough) {
        List<Entry> newestFirst = new ArrayList<>();
        String epoch = null;
        long head = 0;
        long before = Long.MAX_VALUE;
        while (newestFirst.size() < historySize) {
            int want = Math.min(chunk, historySize - newestFirst.size());
            Slice read = log.readBefore(channel, before, want);
            if (epoch == null) {
                epoch = read.epoch();
                head = read.head();
            } else if (!epoch.equals(read.epoch())) {
                break;
            }
            List<Entry> entries = read.entries();
            for (int i = entries.size() - 1; i >= 0; i--) {
                newestFirst.add(entries.get(i));
                if (enough.test(entries.get(i))) {
                    return oldestFirst(epoch, head, newestFirst);
                }
            }
            if (entries.size() < want || entries.get(0).offset() <= 1) {
                break; // the oldest retained entry was read
            }
            before = entries.get(0).offset();
        }
        return oldestFirst(epoch, head, newestFirst);
    }

    private static Slice oldestFirst(String epoch, long head, List<Entry> newestFirst) {
        Collections.reverse(newestFirst);
        return new Slice(epoch, head, newestFirst);
    }
}

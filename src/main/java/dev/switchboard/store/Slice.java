package dev.switchboard.store;

import java.util.List;

/**
 * A read of a channel's history: the channel's epoch, its newest offset ({@code head}, 0 when empty) at the time of
 * the read, and the entries asked for, oldest first.
 */
public record Slice(String epoch, long head, List<Entry> entries) {

    public long lastOffset() {
        return entries.isEmpty() ? head : entries.get(entries.size() - 1).offset();
    }
}

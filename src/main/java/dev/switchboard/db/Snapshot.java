package dev.switchboard.db;

import jakarta.json.JsonObject;

import java.util.List;

/**
 * A watched table's current rows (shaped like {@code row} in a change, in primary-key order), {@code truncated} when
 * there were more than the limit, and the offset of topic {@code table:NAME} they are consistent with: every change
 * at or before {@code offset} is in {@code rows}, none after it is.
 */
public record Snapshot(List<JsonObject> rows, boolean truncated, long offset) {

    public Snapshot {
        rows = List.copyOf(rows);
    }
}

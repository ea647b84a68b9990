package dev.switchboard.store;

/** One stored frame of a channel: its offset and its complete JSON text, encoded once when it was appended. */
public record Entry(long offset, String json) {}

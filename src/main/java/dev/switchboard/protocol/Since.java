package dev.switchboard.protocol;

/** Where a reconnecting client left off: {@code {"offset":41,"epoch":"E"}}. */
public record Since(Long offset, String epoch) {}

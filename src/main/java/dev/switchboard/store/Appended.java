package dev.switchboard.store;

/**
 * The result of an append: the stored entry, and whether it was a repeat of an earlier append with the same
 * de-duplication key (then nothing new was stored or delivered, and {@code entry} is the original).
 */
public record Appended(Entry entry, String epoch, boolean duplicate) {}

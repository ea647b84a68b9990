package dev.switchboard.store;

/** {@code user} is now present in {@code channel} ({@code joined}) or present there nowhere any more. */
public record PresenceEvent(ChannelId channel, String user, boolean joined) {}

package dev.switchboard.core;

/**
 * This node's connections by endpoint and what waits in their outboxes (frames, UTF-8 bytes; the send in flight not
 * counted), counted when asked ({@link Hub#load()}): for the metrics.
 */
public record Load(int chatConnections, int notificationConnections, long queuedFrames, long queuedBytes) {}

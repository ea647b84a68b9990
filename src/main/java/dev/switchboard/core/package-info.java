/**
 * The core: rooms, topics, presence, history, offsets, recovery, fan-out and limits, in plain Java.
 * Nothing here imports {@code jakarta.websocket}; endpoints and servlets are adapters around {@link dev.switchboard.core.Hub}.
 */
package dev.switchboard.core;

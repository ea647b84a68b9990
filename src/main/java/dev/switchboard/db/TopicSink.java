package dev.switchboard.db;

import jakarta.json.JsonValue;

import java.util.concurrent.CompletionStage;

/**
 * What the relay needs from Switchboard: the topics' logs. The core implements it; the relay calls it from its own
 * thread (never an I/O thread) and from the threads that ask for a {@link Database#snapshot snapshot}.
 *
 * <p>Rules the relay relies on: a {@code dedupKey} already in the topic's history is not stored again and its
 * original offset comes back (the relay re-publishes at most one batch after a crash, so a history of at least
 * {@link DbConfig#batchSize()} entries makes delivery exactly-once); and the relay publishes to one topic one
 * notification at a time, awaiting each stage, so offsets follow the relay's order.
 */
public interface TopicSink {

    /**
     * Stores {@code data} on {@code topic} exactly once per {@code dedupKey} (a key already in the topic's history is
     * not stored again; the original offset comes back); completes with the stored offset, or exceptionally when it
     * could not be stored (the store is unreachable), in which case the relay tries again later.
     */
    CompletionStage<Long> publish(String topic, JsonValue data, String dedupKey);

    /** The topic's newest offset now (0 when empty). */
    long head(String topic);
}

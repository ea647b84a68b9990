package dev.switchboard.db;

import jakarta.json.JsonValue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A test double of the core's topic logs (not of the thing under test): offsets 1, 2, 3 … per topic, de-duplication
 * by key across the whole history (the core's rule within its history; tests keep histories short), and a switch
 * that makes publishing fail like an unreachable store. Thread-safe.
 */
final class MemorySink implements TopicSink {

    /** One stored notification. */
    record Stored(long offset, JsonValue data, String key) {
    }

    private final Map<String, List<Stored>> topics = new HashMap<>();
    private final Map<String, Long> keys = new HashMap<>();
    private int publishCalls;
    private boolean failing;

    @Override
    public synchronized CompletionStage<Long> publish(String topic, JsonValue data, String dedupKey) {
        publishCalls++;
        if (failing) {
            return CompletableFuture.failedFuture(new IllegalStateException("store unreachable (test)"));
        }
        Long known = keys.get(topic + "\n" + dedupKey);
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        List<Stored> log = topics.computeIfAbsent(topic, t -> new ArrayList<>());
        long offset = log.size() + 1;
        log.add(new Stored(offset, data, dedupKey));
        keys.put(topic + "\n" + dedupKey, offset);
        notifyAll();
        return CompletableFuture.completedFuture(offset);
    }

    @Override
    public synchronized long head(String topic) {
        return topics.getOrDefault(topic, List.of()).size();
    }

    synchronized List<Stored> log(String topic) {
        return List.copyOf(topics.getOrDefault(topic, List.of()));
    }

    /** The data stored on a topic, in offset order. */
    synchronized List<JsonValue> data(String topic) {
        return log(topic).stream().map(Stored::data).toList();
    }

    synchronized void failing(boolean failing) {
        this.failing = failing;
    }

    synchronized int publishCalls() {
        return publishCalls;
    }

    /** Waits until the topic holds {@code count} notifications; fails after {@code ms} with what it holds. */
    synchronized List<JsonValue> await(String topic, int count, long ms) throws InterruptedException {
        long deadline = System.currentTimeMillis() + ms;
        while (head(topic) < count) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw new AssertionError("topic " + topic + " holds " + head(topic) + " notifications, not " + count
                        + ", after " + ms + " ms: " + data(topic));
            }
            wait(left);
        }
        return data(topic);
    }
}

package dev.switchboard.feeds;

import dev.switchboard.store.Cluster;
import dev.switchboard.core.Stats;
import dev.switchboard.store.ChannelId;

import dev.switchboard.core.Hub;

import dev.switchboard.protocol.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Publishes the server's counters to the topic {@code stats} (the bundled dashboard), once per
 * {@code statsIntervalMs}. In a cluster every node shares its counters through the storage and one node at a time
 * (a lease) publishes the cluster's totals, so the topic carries one series, not one per node:
 * {@code {"nodes":2,"connections":…,"rooms":…,"topics":…,"messagesInPerSec":…,"messagesOutPerSec":…,"dropped":…,
 * "slowConsumerCloses":…}}. Counts of connections, messages, drops and closes are summed over the nodes; {@code rooms}
 * and {@code topics} are the largest count of any node (a room with members on two nodes is one room).
 */
public final class StatsFeed implements Runnable {

    static final String ROLE = "stats";
    private static final Logger LOG = System.getLogger(StatsFeed.class.getName());
    /** Summed over nodes; the rest of the known fields take the maximum. */
    private static final Set<String> SUMMED = Set.of("connections", "messagesInPerSec", "messagesOutPerSec", "dropped",
            "slowConsumerCloses");
    private static final Set<String> LARGEST = Set.of("rooms", "topics");

    private final Hub hub;
    private final Clock clock;
    private final long ttlMs;
    private long lastIn;
    private long lastOut;
    private long lastAt;
    /** Every live node's counters from the last sample, by node id (the admin view's per-node figures). */
    private volatile Map<String, String> lastNodes = Map.of();

    StatsFeed(Hub hub, Clock clock, long intervalMs) {
        this.hub = hub;
        this.clock = clock;
        this.ttlMs = 3 * intervalMs; // a node that missed three samples is gone
        this.lastAt = clock.millis();
    }

    @Override
    public void run() {
        Cluster cluster = hub.cluster();
        Map<String, String> shared = cluster.shareCounters(local().toString(), ttlMs);
        lastNodes = Map.copyOf(shared);
        Collection<String> nodes = shared.values();
        if (cluster.lead(ROLE, ttlMs)) {
            hub.publish(Hub.STATS_TOPIC, total(nodes)).toCompletableFuture().join();
        }
    }

    /** Every live node's counters (JSON objects) as the last sample found them, by node id. */
    Map<String, String> nodes() {
        return lastNodes;
    }

    /** This node's counters since the last sample. */
    JsonObject local() {
        Stats stats = hub.stats();
        long now = clock.millis();
        double seconds = Math.max(0.001, (now - lastAt) / 1000.0);
        long in = stats.messagesIn.sum();
        long out = stats.messagesOut.sum();
        JsonObject counters = Json.createObjectBuilder()
                .add("connections", stats.connections.get())
                .add("rooms", hub.countChannels(ChannelId.Kind.ROOM))
                .add("topics", hub.countChannels(ChannelId.Kind.TOPIC))
                .add("messagesInPerSec", Math.round((in - lastIn) / seconds))
                .add("messagesOutPerSec", Math.round((out - lastOut) / seconds))
                .add("dropped", stats.dropped.sum())
                .add("slowConsumerCloses", stats.slowConsumerCloses.sum())
                .build();
        lastIn = in;
        lastOut = out;
        lastAt = now;
        return counters;
    }

    /** The cluster's totals from each node's counters (JSON objects; unreadable ones are skipped). */
    public static JsonObject total(Collection<String> nodes) {
        Map<String, Long> totals = new LinkedHashMap<>();
        int counted = 0;
        for (String json : nodes) {
            JsonObject counters;
            try (JsonReader reader = Json.createReader(new StringReader(json))) {
                counters = reader.readObject();
            } catch (JsonException | IllegalStateException e) { // not an object, or not JSON
                continue;
            }
            counted++;
            for (Map.Entry<String, JsonValue> field : counters.entrySet()) {
                if (field.getValue() instanceof JsonNumber number) {
                    long value = number.longValue();
                    if (SUMMED.contains(field.getKey())) {
                        totals.merge(field.getKey(), value, Long::sum);
                    } else if (LARGEST.contains(field.getKey())) {
                        totals.merge(field.getKey(), value, Math::max);
                    }
                }
            }
        }
        JsonObjectBuilder out = Json.createObjectBuilder().add("nodes", counted);
        totals.forEach(out::add);
        return out.build();
    }
}

package dev.switchboard.feeds;

import dev.switchboard.core.Hub;

import dev.switchboard.protocol.Json;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Publishes a moving value to the topic {@code demo} so that the bundled dashboard shows a live chart on a fresh
 * install: {@code {"value":57.3,"orders":12}} (a random walk and a random count). Off with {@code demoIntervalMs=0}.
 * In a cluster one node at a time publishes it (a lease in the storage), so the chart shows one walk.
 */
final class DemoFeed implements Runnable {

    static final String TOPIC = "demo";
    private final Hub hub;
    private final long leaseMs;
    private double value = 50;

    DemoFeed(Hub hub, long leaseMs) {
        this.hub = hub;
        this.leaseMs = leaseMs;
    }

    @Override
    public void run() {
        if (!hub.cluster().lead(TOPIC, leaseMs)) {
            return;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        value = Math.max(0, Math.min(100, value + random.nextGaussian() * 4));
        hub.publish(TOPIC, Json.createObjectBuilder()
                .add("value", Math.round(value * 10) / 10.0)
                .add("orders", random.nextInt(0, 20))
                .build()).toCompletableFuture().join(); // on the feeds thread: a failure is logged there
    }
}

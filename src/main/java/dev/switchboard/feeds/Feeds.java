package dev.switchboard.feeds;

import dev.switchboard.core.Hub;
import dev.switchboard.settings.Settings;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The topics Switchboard publishes by itself, on one thread of their own: {@code stats} every
 * {@code statsIntervalMs} and {@code demo} every {@code demoIntervalMs} (0 switches either off).
 */
public final class Feeds implements AutoCloseable {

    private static final Logger LOG = System.getLogger(Feeds.class.getName());

    private final Hub hub;
    private final Clock clock;
    private final long statsMs;
    private final long demoMs;
    private ScheduledExecutorService scheduler;
    private volatile StatsFeed stats;

    public Feeds(Hub hub, Settings settings, Clock clock) {
        this.hub = hub;
        this.clock = clock;
        this.statsMs = settings.getLong(Settings.Key.STATS_INTERVAL_MS);
        this.demoMs = settings.getLong(Settings.Key.DEMO_INTERVAL_MS);
    }

    public synchronized void start() {
        if (statsMs <= 0 && demoMs <= 0) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "switchboard-feeds");
            t.setDaemon(true);
            return t;
        });
        if (statsMs > 0) {
            stats = new StatsFeed(hub, clock, statsMs);
            schedule(stats, statsMs, "stats");
        }
        if (demoMs > 0) {
            schedule(new DemoFeed(hub, 3 * demoMs), demoMs, "the demo value");
        }
    }

    private void schedule(Runnable feed, long intervalMs, String what) {
        scheduler.scheduleAtFixedRate(() -> {
            try {
                feed.run();
            } catch (RuntimeException e) { // a failed sample must not end the schedule
                LOG.log(Level.WARNING, "could not publish {0}: {1}", what, e.getMessage());
            }
        }, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Every live node's counters (JSON objects: connections, rooms, topics, rates …) by node id, as the stats feed
     * shared them last; empty when it is off ({@code statsIntervalMs=0}) or has not run yet.
     */
    public Map<String, String> nodeCounters() {
        StatsFeed feed = stats;
        return feed == null ? Map.of() : feed.nodes();
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}

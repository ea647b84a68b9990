package dev.switchboard.metrics;

import dev.switchboard.core.Hub;
import dev.switchboard.core.Load;
import dev.switchboard.core.Stats;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Timing;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * Switchboard's meters (Micrometer), read from the core's {@link Stats} and the {@link Hub}, and fed by the durations
 * the store and the core measure ({@link Timing}). They live in one composite registry that always holds Switchboard's
 * own Prometheus registry ({@link #scrape()}: {@code GET /api/metrics}); a host application's registry, such as
 * Spring Boot Actuator's, is added with {@link #bindTo} (a {@link MeterBinder}, which Spring Boot binds by itself), so
 * the same meters show there too.
 *
 * <p>Names (Prometheus form; the table in the README, "Metrics"): {@code switchboard_connections{endpoint}},
 * {@code switchboard_connections_opened_total}, {@code switchboard_joins_total{kind}},
 * {@code switchboard_messages_in_total}, {@code switchboard_messages_out_total}, {@code switchboard_deliveries_total},
 * {@code switchboard_publishes_total}, {@code switchboard_outbox_frames}, {@code switchboard_outbox_bytes},
 * {@code switchboard_frames_dropped_total}, {@code switchboard_closes_total{reason}},
 * {@code switchboard_refusals_total{code}}, {@code switchboard_rate_limited_total}, {@code switchboard_errors_sent_total},
 * {@code switchboard_channels{kind}}, {@code switchboard_history_channels}, {@code switchboard_history_bytes},
 * and the histograms {@code switchboard_redis_round_trip_seconds}, {@code switchboard_append_seconds},
 * {@code switchboard_publish_to_send_seconds}.
 *
 * <p>Cost: counters and gauges are read only when scraped; the connection gauges count the open connections then:
 * once per {@link #scrape}, at most once a second for a host's registry ({@link #LOAD_MAX_AGE_NANOS}). The histograms
 * record what the store and the core report (a sample of appends, see {@code core.SendSamples}; every pipeline of the
 * Redis writer).
 */
public final class SwitchboardMetrics implements MeterBinder, AutoCloseable {

    /** Prometheus text format 0.0.4, what {@link #scrape()} returns. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** A scrape counts the open connections at most this often (all connection gauges of a scrape share one count). */
    static final long LOAD_MAX_AGE_NANOS = 1_000_000_000L;
    /** Histogram buckets: from a local round trip (0.1 ms) to a store that is timing out (5 s). */
    private static final Duration[] BUCKETS = {
        Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
        Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5)};

    private final Hub hub;
    private final Stats stats;
    private final PrometheusMeterRegistry own = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final CompositeMeterRegistry meters = new CompositeMeterRegistry();
    /** The last count and when it was taken, for a host's registry: one reference, so the two always match. */
    private volatile Counted counted;
    private final Object scraping = new Object();
    /** The count of the scrape under way ({@link #scrape}), else null. */
    private volatile Load pinned;

    public SwitchboardMetrics(Hub hub) {
        this.hub = hub;
        this.stats = hub.stats();
        meters.add(own);
        register();
    }

    /** Adds a host application's registry (Spring Boot calls this for a {@link MeterBinder} bean). */
    @Override
    public void bindTo(MeterRegistry registry) {
        if (registry != meters && registry != own) {
            meters.add(registry);
        }
    }

    /**
     * Every meter in Prometheus text format ({@link #CONTENT_TYPE}). The connection gauges of one scrape come from one
     * count, taken now: the registry reads them one after another, and a cached count that aged past
     * {@link #LOAD_MAX_AGE_NANOS} between two of them gave a scrape the chat connections of a new count beside the
     * notification connections of the old one. Scrapes take turns.
     */
    public String scrape() {
        synchronized (scraping) {
            Load l = hub.load();
            counted = new Counted(l, System.nanoTime());
            pinned = l;
            try {
                return own.scrape();
            } finally {
                pinned = null;
            }
        }
    }

    /** Stops recording durations; Switchboard's own registry is closed (a host's stays as it is). */
    @Override
    public void close() {
        stats.storeRoundTrip.to(null);
        stats.appendLatency.to(null);
        stats.publishToSend.to(null);
        own.close();
    }

    private void register() {
        gauge("switchboard.connections", "Open WebSocket connections", l -> l.chatConnections(), "endpoint", "chat");
        gauge("switchboard.connections", "Open WebSocket connections", l -> l.notificationConnections(),
                "endpoint", "notifications");
        gauge("switchboard.outbox.frames", "Frames waiting in the connections' outboxes", l -> l.queuedFrames());
        gauge("switchboard.outbox.bytes", "UTF-8 bytes waiting in the connections' outboxes", l -> l.queuedBytes());

        counter("switchboard.connections.opened", "Connections opened", stats.connectionsOpened);
        counter("switchboard.joins", "Rooms joined and topics subscribed", stats.roomJoins, "kind", "room");
        counter("switchboard.joins", "Rooms joined and topics subscribed", stats.topicSubscribes, "kind", "topic");
        counter("switchboard.messages.in", "Frames received from clients", stats.messagesIn);
        counter("switchboard.messages.out", "WebSocket frames sent to clients (a batch of queued frames is one)",
                stats.framesOut);
        counter("switchboard.deliveries", "Stored messages handed to a recipient on this node (one per recipient)",
                stats.messagesOut);
        counter("switchboard.publishes", "Notifications published (HTTP API, Java API, feeds)", stats.published);
        counter("switchboard.frames.dropped", "Queued frames dropped with a connection that overflowed or failed",
                stats.dropped);
        counter("switchboard.rate.limited", "Client frames refused by the rate limit", stats.rateLimited);
        counter("switchboard.errors.sent", "Error frames sent to clients", stats.errorsSent);
        String closes = "Connections closed by the server, by reason";
        counter("switchboard.closes", closes, stats.slowConsumerCloses, "reason", "slow_consumer");
        counter("switchboard.closes", closes, stats.heartbeatCloses, "reason", "heartbeat");
        counter("switchboard.closes", closes, stats.idleCloses, "reason", "idle");
        counter("switchboard.closes", closes, stats.tokenExpiredCloses, "reason", "token_expired");
        counter("switchboard.closes", closes, stats.abuseCloses, "reason", "abuse");
        for (CloseCode code : CloseCode.values()) {
            FunctionCounter.builder("switchboard.refusals", stats, s -> s.refusals(code))
                    .description("Connections refused (handshake, caps), by close code; a 403 before the upgrade is 1008")
                    .tag("code", Integer.toString(code.code()))
                    .register(meters);
        }

        for (ChannelId.Kind kind : new ChannelId.Kind[] {ChannelId.Kind.ROOM, ChannelId.Kind.TOPIC}) {
            Gauge.builder("switchboard.channels", hub, h -> h.countChannels(kind))
                    .description("Rooms and topics with members on this node").tag("kind", kind.name().toLowerCase())
                    .strongReference(true).register(meters);
        }
        Gauge.builder("switchboard.history.channels", hub, Hub::storedChannels)
                .description("Channels with stored history").strongReference(true).register(meters);
        if (hub.historyBytes() >= 0) { // a shared store (Redis) cannot tell cheaply: no gauge rather than a wrong one
            Gauge.builder("switchboard.history.bytes", hub, Hub::historyBytes).baseUnit("bytes")
                    .description("Stored history held by this node's store (characters of the frames' text)")
                    .strongReference(true).register(meters);
        }

        histogram(stats.storeRoundTrip, "switchboard.redis.round.trip",
                "Round trip of one pipeline of writes to Redis (appends, signals, read positions)");
        histogram(stats.appendLatency, "switchboard.append",
                "From an append to the store's answer (a sample: at most one a millisecond)");
        histogram(stats.publishToSend, "switchboard.publish.to.send",
                "From an append to the completed send to each recipient on this node (a sample)");
    }

    private void gauge(String name, String help, ToDoubleFunction<Load> value, String... tags) {
        Gauge.builder(name, this, m -> value.applyAsDouble(m.load())).description(help).tags(tags)
                .strongReference(true).register(meters);
    }

    private void counter(String name, String help, LongAdder adder, String... tags) {
        FunctionCounter.builder(name, adder, LongAdder::sum).description(help).tags(tags).register(meters);
    }

    private void histogram(Timing timing, String name, String help) {
        Timer timer = Timer.builder(name).description(help).serviceLevelObjectives(BUCKETS)
                .minimumExpectedValue(BUCKETS[0]).maximumExpectedValue(BUCKETS[BUCKETS.length - 1])
                .register(meters);
        timing.to(nanos -> timer.record(nanos, TimeUnit.NANOSECONDS));
    }

    /** The hub's load, counted at most once per {@link #LOAD_MAX_AGE_NANOS} (one count serves a whole scrape). */
    private Load load() {
        Load p = pinned;
        if (p != null) {
            return p;
        }
        long now = System.nanoTime();
        Counted c = counted;
        if (c == null || now - c.at() > LOAD_MAX_AGE_NANOS) {
            c = new Counted(hub.load(), now);
            counted = c;
        }
        return c.load();
    }

    private record Counted(Load load, long at) {
    }
}

package dev.switchboard.core;

import dev.switchboard.protocol.CloseCode;
import dev.switchboard.store.Timing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's counters, as shown by {@code /api/stats} and published to the topic {@code stats}, and the durations
 * the metrics adapter turns into histograms ({@code /api/metrics}).
 */
public final class Stats {

    public final AtomicInteger connections = new AtomicInteger();
    public final LongAdder connectionsOpened = new LongAdder();
    public final LongAdder messagesIn = new LongAdder();
    public final LongAdder messagesOut = new LongAdder();
    public final LongAdder framesOut = new LongAdder();
    public final LongAdder dropped = new LongAdder();
    public final LongAdder slowConsumerCloses = new LongAdder();
    public final LongAdder heartbeatCloses = new LongAdder();
    public final LongAdder idleCloses = new LongAdder();
    public final LongAdder tokenExpiredCloses = new LongAdder();
    public final LongAdder rateLimited = new LongAdder();
    public final LongAdder abuseCloses = new LongAdder();
    public final LongAdder connectionsRefused = new LongAdder();
    public final LongAdder errorsSent = new LongAdder();
    public final LongAdder published = new LongAdder();
    /** Rooms joined and topics subscribed (each join or subscribe that went live, re-joins included). */
    public final LongAdder roomJoins = new LongAdder();
    public final LongAdder topicSubscribes = new LongAdder();
    /** Refused connections by the close code they were refused with (a 403 before the upgrade counts as 1008). */
    private final LongAdder[] refusedByCode = new LongAdder[CloseCode.values().length];

    /** A round trip to a shared store (one pipeline of the Redis writer). */
    public final Timing storeRoundTrip = new Timing();
    /** From {@code Log.append} to the store's answer (sampled, see {@code SampledLog}). */
    public final Timing appendLatency = new Timing();
    /** From {@code Log.append} to the completed send of the frame to a recipient on this node (sampled). */
    public final Timing publishToSend = new Timing();

    public Stats() {
        for (int i = 0; i < refusedByCode.length; i++) {
            refusedByCode[i] = new LongAdder();
        }
    }

    /** Counts one refused connection (also in {@link #connectionsRefused}). */
    public void refused(CloseCode code) {
        connectionsRefused.increment();
        refusedByCode[code.ordinal()].increment();
    }

    /** Connections refused so far with this close code. */
    public long refusals(CloseCode code) {
        return refusedByCode[code.ordinal()].sum();
    }

    /** Counters by name (stable names: they are part of the HTTP API). */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("connections", (long) connections.get());
        out.put("connectionsOpened", connectionsOpened.sum());
        out.put("messagesIn", messagesIn.sum());
        out.put("messagesOut", messagesOut.sum());
        out.put("framesOut", framesOut.sum());
        out.put("published", published.sum());
        out.put("dropped", dropped.sum());
        out.put("slowConsumerCloses", slowConsumerCloses.sum());
        out.put("heartbeatCloses", heartbeatCloses.sum());
        out.put("idleCloses", idleCloses.sum());
        out.put("tokenExpiredCloses", tokenExpiredCloses.sum());
        out.put("rateLimited", rateLimited.sum());
        out.put("abuseCloses", abuseCloses.sum());
        out.put("connectionsRefused", connectionsRefused.sum());
        out.put("errorsSent", errorsSent.sum());
        return out;
    }
}

package dev.switchboard.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The server's counters, as shown by {@code /api/stats} and published to the topic {@code stats}. */
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

package dev.switchboard.core;

import dev.switchboard.store.ChannelId;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The log lines of one traced message's path (docs/tracing.md), all on the logger {@value #NAME} at DEBUG, each with
 * the message's {@code traceparent}, the wall-clock instant (microseconds; comparable across nodes as far as their
 * clocks agree) and, where this node saw the step before, the microseconds since it (a monotonic clock):
 * <pre>
 * trace 00-…-01 accepted: topic orders via http at 2026-12-05T10:15:30.100000Z
 * trace 00-…-01 stored: topic orders offset 58 at …, +412 µs after accepted
 * trace 00-…-01 delivered: node 3fa… topic orders offset 58 to 2 connections at …
 * trace 00-…-01 sent: connection … at …, +95 µs after delivered
 * </pre>
 * Untraced messages cost nothing here; traced ones cost only a level check unless DEBUG is on for {@value #NAME}.
 * A trace is always a validated traceparent ({@link dev.switchboard.protocol.TraceParent}): it cannot forge a line.
 */
public final class TraceLog {

    /** The logger of these lines: switch it to DEBUG (JUL: FINE) to see them. */
    public static final String NAME = "dev.switchboard.trace";
    private static final Logger LOG = System.getLogger(NAME);

    private TraceLog() {
    }

    /** Whether the lines are written at all (callers skip preparing their arguments otherwise). */
    public static boolean on() {
        return LOG.isLoggable(Level.DEBUG);
    }

    /** A publish arrived ({@code via}: http, java); returns the time the next line measures from. */
    static long accepted(String trace, String topic, String via) {
        long now = System.nanoTime();
        if (trace != null && on()) {
            LOG.log(Level.DEBUG, "trace {0} accepted: topic {1} via {2} at {3}", trace, topic, via, Instant.now());
        }
        return now;
    }

    /** The store completed the append (the offset is known; the bus carries it to every node from here). */
    static void stored(String trace, String topic, long offset, long acceptedNanos) {
        if (trace != null && on()) {
            LOG.log(Level.DEBUG, "trace {0} stored: topic {1} offset {2} at {3}, {4} after accepted", trace, topic,
                    Long.toString(offset), Instant.now(), since(acceptedNanos));
        }
    }

    /** The store refused the append: the message was not sent. */
    static void notStored(String trace, String topic, Throwable failure) {
        if (trace != null && on()) {
            LOG.log(Level.DEBUG, "trace {0} not stored: topic {1}: {2}", trace, topic, String.valueOf(failure));
        }
    }

    /** This node's bus handed the entry to its local members {@code at} (taken before their sends began). */
    static void delivered(String trace, String node, ChannelId channel, long offset, int connections, Instant at) {
        if (on()) {
            LOG.log(Level.DEBUG, "trace {0} delivered: node {1} {2} {3} offset {4} to {5} connections at {6}", trace,
                    node, channel.kind().name().toLowerCase(Locale.ROOT), channel.name(),
                    Long.toString(offset), Integer.toString(connections), at);
        }
    }

    /** A send of a frame that holds the traced message completed (or failed) for one connection. */
    static void sent(Outgoing frame, Object connection, Throwable failure) {
        if (on()) {
            LOG.log(Level.DEBUG, "trace {0} {1}: {2} at {3}, {4} after delivered", frame.trace(),
                    failure == null ? "sent" : "send failed (" + failure + ")", connection, Instant.now(),
                    since(frame.bornNanos()));
        }
    }

    private static String since(long startNanos) {
        return TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - startNanos) + " µs";
    }
}

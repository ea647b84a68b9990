package dev.switchboard.core;

import dev.switchboard.protocol.TraceParent;

/**
 * A publish that carries a W3C trace context (docs/tracing.md): the validated {@code traceparent} that goes into the
 * stored frame as {@code "trace"}, and when the publish arrived on this node (what the trace log measures the store
 * from). Made only by {@link #accepted}, so a {@code Trace} always holds a valid value.
 */
public final class Trace {

    private final String traceparent;
    private final long acceptedNanos;

    private Trace(String traceparent, long acceptedNanos) {
        this.traceparent = traceparent;
        this.acceptedNanos = acceptedNanos;
    }

    /**
     * A publish arrived with {@code traceparent} (as given: a header, a caller's context) for {@code topic}, through
     * {@code via} ({@code http}, {@code java}); logs it ({@link TraceLog}). Null when the value is missing or not a
     * valid traceparent: the message goes out untraced, and the bad value is neither carried nor logged.
     */
    public static Trace accepted(String traceparent, String topic, String via) {
        String valid = TraceParent.parse(traceparent);
        return valid == null ? null : new Trace(valid, TraceLog.accepted(valid, topic, via));
    }

    /** The traceparent, version 00, 55 characters. */
    public String traceparent() {
        return traceparent;
    }

    long acceptedNanos() {
        return acceptedNanos;
    }

    @Override
    public String toString() {
        return traceparent;
    }
}

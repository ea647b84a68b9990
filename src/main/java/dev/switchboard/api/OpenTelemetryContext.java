package dev.switchboard.api;

import dev.switchboard.protocol.TraceParent;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/**
 * The only class that touches the OpenTelemetry API; loaded only when {@link Tracing} found it on the class path.
 * Reads the caller's current span, as the application's OpenTelemetry set it (an agent, an SDK, a framework).
 */
final class OpenTelemetryContext {

    private OpenTelemetryContext() {
    }

    /** The current span's context as a traceparent, or null when there is no valid current span. */
    static String traceparent() {
        SpanContext context = Span.current().getSpanContext();
        if (!context.isValid()) {
            return null;
        }
        return TraceParent.of(context.getTraceId(), context.getSpanId(), context.getTraceFlags().asHex());
    }
}

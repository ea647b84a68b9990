package dev.switchboard.api;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Finds the caller's trace context where the application has the OpenTelemetry API
 * ({@code io.opentelemetry:opentelemetry-api}); without it, there is none. The OpenTelemetry classes are touched only
 * inside {@link OpenTelemetryContext}, which is loaded only when they exist (as {@link Transactions} does for JTA).
 */
final class Tracing {

    private static final Logger LOG = System.getLogger(Tracing.class.getName());
    private static final boolean OPEN_TELEMETRY_PRESENT = Transactions.present("io.opentelemetry.api.trace.Span");

    private Tracing() {
    }

    /** The current OpenTelemetry span as a W3C traceparent, or null (no API, no valid current span). */
    static String currentTraceparent() {
        if (!OPEN_TELEMETRY_PRESENT) {
            return null;
        }
        try {
            return OpenTelemetryContext.traceparent();
        } catch (RuntimeException | LinkageError e) { // an API too old or too new for these calls
            LOG.log(Level.DEBUG, "no OpenTelemetry context available: {0}", e.toString());
            return null;
        }
    }
}

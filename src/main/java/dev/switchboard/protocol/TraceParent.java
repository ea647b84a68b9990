package dev.switchboard.protocol;

/**
 * The W3C Trace Context {@code traceparent} value that a traced message carries as {@code "trace"}
 * (docs/tracing.md): {@code 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01}, that is
 * version (2 hex) - trace id (32 hex, not all zero) - parent id (16 hex, not all zero) - flags (2 hex), lower-case hex
 * only.
 *
 * <p>Validation is strict because the value comes from outside (an HTTP header, a caller's context) and goes into
 * log lines and into every subscriber's frame: only text that matches the format exactly passes, so a trace can never
 * carry a line break, a quote or anything else that could forge a log line or break out of a JSON string. A bad value
 * is dropped (the message goes out untraced), as W3C prescribes for a receiver, and is never echoed.
 *
 * <p>Versions: {@code 00} must be exactly 55 characters. A higher version (not {@code ff}, which is invalid) may
 * append fields after a {@code -}; only the four known fields are kept, as version {@code 00}, because this server
 * cannot know what a newer version's fields mean.
 */
public final class TraceParent {

    /** Length of a version-00 value: 2 + 1 + 32 + 1 + 16 + 1 + 2. */
    public static final int LENGTH = 55;
    /** Longest header value looked at; anything longer is refused without being scanned. */
    private static final int MAX_INPUT = 512;

    private TraceParent() {
    }

    /** The value to carry, normalised to version 00; null when {@code value} is missing or not a valid traceparent. */
    public static String parse(String value) {
        if (value == null || value.length() < LENGTH || value.length() > MAX_INPUT) {
            return null;
        }
        String v = value.strip();
        if (v.length() < LENGTH || !hex(v, 0, 2) || v.charAt(2) != '-' || !hex(v, 3, 35) || v.charAt(35) != '-'
                || !hex(v, 36, 52) || v.charAt(52) != '-' || !hex(v, 53, 55)
                || zeros(v, 3, 35) || zeros(v, 36, 52)) {
            return null;
        }
        String version = v.substring(0, 2);
        if (version.equals("ff")) {
            return null;
        }
        if (version.equals("00")) {
            return v.length() == LENGTH ? v : null;
        }
        if (v.length() > LENGTH && v.charAt(LENGTH) != '-') {
            return null;
        }
        return "00" + v.substring(2, LENGTH);
    }

    /** Whether {@code value} is a traceparent exactly as this class hands them out (version 00, 55 characters). */
    public static boolean isValid(String value) {
        return value != null && value.length() == LENGTH && value.equals(parse(value));
    }

    /** The 32-hex trace id of a valid value. */
    public static String traceId(String traceparent) {
        return traceparent.substring(3, 35);
    }

    /** A value of version 00 from its parts (the OpenTelemetry bridge); null when they do not make a valid one. */
    public static String of(String traceId, String spanId, String flags) {
        return traceId == null || spanId == null || flags == null ? null
                : parse("00-" + traceId + "-" + spanId + "-" + flags);
    }

    private static boolean hex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static boolean zeros(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }
}

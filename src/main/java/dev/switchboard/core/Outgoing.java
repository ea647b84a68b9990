package dev.switchboard.core;

import java.util.function.Function;

/**
 * One text frame to send. Fan-out hands the same instance to every member, so whatever is derived from the text is
 * derived once per message, however many connections it goes to: its length in UTF-8 bytes (what the outbox's
 * limits count), and what a transport makes of it ({@link #prepared}: the standalone runner's writer makes the
 * WebSocket frame bytes); the other transports send {@link #text()} as it is.
 */
public final class Outgoing {

    private final String text;
    /**
     * The W3C traceparent of the traced message(s) in this frame (several, space-separated, in a batch), else null;
     * with {@link #bornNanos}, when this node's bus handed it over: what the trace log's send lines measure from.
     */
    private final String trace;
    private final long bornNanos;
    /** UTF-8 length, computed on first use (racing threads compute the same value). */
    private int bytes = -1;
    /**
     * The transport forms made so far (two at most: a plain and a compressed frame), each with the function that made
     * it. Racing threads may both make one; either copy serves (a form is a pure function of the text).
     */
    private volatile Prepared<?> prepared;
    private volatile Prepared<?> prepared2;
    /**
     * The publish-to-send sample this frame carries to its recipients' outboxes, or null (almost always). Set before
     * the frame is handed to any outbox.
     */
    SendSamples.Sample sample;
    /**
     * Told each time this frame was written to a connection's socket (the write completed; a failed write does not
     * tell), or null (almost always). Set before the frame is handed to any outbox: what a whisper's recipient was
     * really sent ({@link WhisperReceipts}) is known only here, not when the frame was queued.
     */
    Runnable written;

    private record Prepared<T>(Function<String, T> form, T value) {}

    public Outgoing(String text) {
        this(text, null, 0);
    }

    /** A frame of a traced message ({@code trace} null: not traced); {@code bornNanos} from {@link System#nanoTime}. */
    public Outgoing(String text, String trace, long bornNanos) {
        this.text = text;
        this.trace = trace;
        this.bornNanos = bornNanos;
    }

    /** The traceparent(s) of the traced message(s) in this frame; null for an untraced frame (nearly all). */
    public String trace() {
        return trace;
    }

    /** When the bus handed the traced message to this node ({@link System#nanoTime}); 0 when not traced. */
    long bornNanos() {
        return bornNanos;
    }

    public String text() {
        return text;
    }

    /** The text's length in UTF-8 bytes. */
    public int bytes() {
        int b = bytes;
        if (b < 0) {
            b = utf8Length(text);
            bytes = b;
        }
        return b;
    }

    /** UTF-8 length of a string: 1 byte per ASCII char, 2 or 3 per other char, 4 per surrogate pair. */
    static int utf8Length(String s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                bytes += c < 0x800 || Character.isSurrogate(c) ? 1 : 2; // each half of a pair: 2, the pair: 4
            }
        }
        return bytes;
    }

    /**
     * What {@code form} makes of the text, made on first use and then shared by everyone who asks with the same
     * function (the same instance: keep it in a constant). There are two slots (a room's members may get the plain
     * frame and the compressed one): a third function gets its value made anew each time, uncached.
     */
    @SuppressWarnings("unchecked")
    public <T> T prepared(Function<String, T> form) {
        Prepared<?> p = prepared;
        if (p != null && p.form == form) {
            return (T) p.value;
        }
        Prepared<?> p2 = prepared2;
        if (p2 != null && p2.form == form) {
            return (T) p2.value;
        }
        T value = form.apply(text);
        if (p == null) {
            prepared = new Prepared<>(form, value);
        } else if (p2 == null) {
            prepared2 = new Prepared<>(form, value);
        }
        return value;
    }

    /** A hook that runs {@code first}, then {@code second}; either may be null. */
    static Runnable both(Runnable first, Runnable second) {
        if (first == null) {
            return second;
        }
        return second == null ? first : () -> {
            first.run();
            second.run();
        };
    }

    @Override
    public String toString() {
        return text;
    }
}

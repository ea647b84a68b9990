package dev.switchboard.core;

import java.util.function.Function;

/**
 * One text frame to send. Fan-out hands the same instance to every member, so what a transport makes of the text
 * ({@link #prepared}: the standalone runner's writer makes the WebSocket frame bytes) is made once per message,
 * however many connections it goes to; the other transports send {@link #text()} as it is.
 */
public final class Outgoing {

    private final String text;
    /**
     * The one transport form made so far, with the function that made it. Racing threads may both make it; either
     * copy serves (a form is a pure function of the text).
     */
    private volatile Prepared<?> prepared;

    private record Prepared<T>(Function<String, T> form, T value) {}

    public Outgoing(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    /**
     * What {@code form} makes of the text, made on first use and then shared by everyone who asks with the same
     * function (the same instance: keep it in a constant). There is one slot: a message asked for with another
     * function gets its value made anew each time, uncached.
     */
    @SuppressWarnings("unchecked")
    public <T> T prepared(Function<String, T> form) {
        Prepared<?> p = prepared;
        if (p != null && p.form == form) {
            return (T) p.value;
        }
        T value = form.apply(text);
        if (p == null) {
            prepared = new Prepared<>(form, value);
        }
        return value;
    }

    @Override
    public String toString() {
        return text;
    }
}

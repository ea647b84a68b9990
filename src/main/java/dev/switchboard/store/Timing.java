package dev.switchboard.store;

import java.util.function.LongConsumer;

/**
 * One kind of duration that a store or the core measures (a Redis round trip, an append, publish to send), handed to
 * whoever listens: the metrics adapter attaches a histogram ({@link #to}); until then nothing is recorded, and
 * {@link #on()} lets a caller skip reading the clock. Neither side knows the other: the store and the core stay free of
 * any metrics library.
 *
 * <p>Thread-safety: {@link #record} may be called from any thread; the listener must be cheap and must not block (it
 * runs on the store's writer thread and on send completions).
 */
public final class Timing {

    private volatile LongConsumer listener;

    /** Whether anyone listens (read the clock only then). */
    public boolean on() {
        return listener != null;
    }

    /** Reports one duration, in nanoseconds. */
    public void record(long nanos) {
        LongConsumer l = listener;
        if (l != null) {
            l.accept(nanos);
        }
    }

    /** Where the durations go from now on (null: nowhere). */
    public void to(LongConsumer listener) {
        this.listener = listener;
    }
}

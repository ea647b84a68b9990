package dev.switchboard.core;

import dev.switchboard.store.Appended;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Log;
import dev.switchboard.store.Slice;
import dev.switchboard.store.Template;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * Times a sample of appends, for the metrics: {@link Stats#appendLatency} (from {@code Log.append} to the store's
 * answer) and {@link Stats#publishToSend} (from {@code Log.append} to the completed send of that entry to each
 * recipient on this node, the time a user waits for a message, sender's store and recipient's socket included).
 *
 * <p>Why a sample: timing every message would put a clock read and a histogram update on every delivery of a fan-out.
 * At most one sample begins per {@link #INTERVAL_NANOS} (every message at low rates, about a thousand a second at any
 * higher rate), and at most one publish-to-send sample is pending at a time, in one slot. What it costs the messages
 * that are not sampled: a clock read per append, one volatile read per delivered entry (the slot) and one field read
 * per send (the frame's sample).
 *
 * <p>How an entry is matched with its append without any hand-off through the store: the slot holds the sample's
 * channel; the first entry of that channel that the bus delivers here claims it, and the sample counts only if that
 * entry is the append's own: delivered on the appending thread while its append runs (the in-memory store delivers
 * there, under the channel's monitor, and only the entry being appended), or with the offset the store answered the
 * append with (Redis delivers on its own threads, before or after the answer). An entry of someone else's append
 * that came first makes the sample count for nothing, never for the wrong message. The sample then travels with the shared frame ({@link Outgoing}) to every member's
 * {@link Outbox}, which reports each completed send. Entries from other nodes are not timed here (their appends were
 * timed there). A sample whose entry does not come back within {@link #STALE_NANOS} frees the slot for the next.
 *
 * <p>Thread-safety: any thread may append, deliver and complete sends; the slot is an atomic reference.
 */
final class SendSamples {

    /** At most one sample begins per millisecond: a bounded cost at any message rate. */
    static final long INTERVAL_NANOS = 1_000_000L;
    /** A pending sample older than this gives up its slot (its entry never came: no member left, a lost store). */
    static final long STALE_NANOS = 1_000_000_000L;

    private final Stats stats;
    private final AtomicReference<Sample> pending = new AtomicReference<>();
    /** When the last sample began (racy by design: two samples in one interval cost nothing). */
    private volatile long lastBegin = System.nanoTime() - INTERVAL_NANOS;

    SendSamples(Stats stats) {
        this.stats = stats;
    }

    /** The log the core appends through: {@code log}, timing a sample of its appends. */
    Log log(Log log, Predicate<ChannelId> hasMembersHere) {
        return new Sampled(log, hasMembersHere);
    }

    /** A sample for an append to {@code channel} starting now, or null (not timed). */
    private Sample begin(ChannelId channel, Predicate<ChannelId> hasMembersHere) {
        if (!stats.appendLatency.on() && !stats.publishToSend.on()) {
            return null;
        }
        long now = System.nanoTime();
        if (now - lastBegin < INTERVAL_NANOS) {
            return null;
        }
        lastBegin = now;
        Sample sample = new Sample(channel, now);
        if (stats.publishToSend.on() && hasMembersHere.test(channel)) {
            Sample current = pending.get();
            if (current == null || now - current.start > STALE_NANOS) {
                pending.compareAndSet(current, sample);
            }
        }
        return sample;
    }

    /**
     * The bus delivers an entry here: the pending sample when this is its entry (as far as can be told yet), else
     * null. Runs once per delivered entry, not per recipient.
     */
    Sample match(ChannelId channel, long offset) {
        Sample s = pending.get();
        if (s == null || !s.channel.equals(channel)) {
            return null;
        }
        long answered = s.offset;
        if (answered >= 0 && answered != offset) {
            return null; // the store answered already: wait for that entry
        }
        pending.compareAndSet(s, null);
        if (!s.seen.compareAndSet(-1, offset)) {
            return null;
        }
        if (answered == -1 && s.appender == Thread.currentThread().getId()) {
            s.offset = offset; // delivered within the append, on its thread: its own entry (see above)
        }
        return s;
    }

    /** One timed append, and, when it holds the slot, the frame that carries it to the recipients' outboxes. */
    final class Sample {
        final ChannelId channel;
        final long start;
        /** The appending thread, while its append call runs (0 after it returned). */
        volatile long appender;
        /** The offset the store answered with; -1 until then, -2 when nothing will be delivered (duplicate, failed). */
        volatile long offset = -1;
        /** The offset of the entry that claimed this sample. */
        final AtomicLong seen = new AtomicLong(-1);

        private Sample(ChannelId channel, long start) {
            this.channel = channel;
            this.start = start;
        }

        private void answered(Appended appended, Throwable failure) {
            if (failure == null) {
                stats.appendLatency.record(System.nanoTime() - start);
            }
            long o = failure != null || appended.duplicate() ? -2 : appended.entry().offset();
            offset = o;
            if (o == -2) {
                pending.compareAndSet(this, null); // if it holds the slot: no entry will come for it
            }
        }

        /** A recipient's send of the frame carrying this sample completed. */
        void sent() {
            long o = offset;
            if (o >= 0 && o == seen.get()) {
                stats.publishToSend.record(System.nanoTime() - start);
            }
        }
    }

    /** Appends through {@link #begin}; reads go straight to the store. */
    private final class Sampled implements Log {
        private final Log log;
        private final Predicate<ChannelId> hasMembersHere;

        Sampled(Log log, Predicate<ChannelId> hasMembersHere) {
            this.log = log;
            this.hasMembersHere = hasMembersHere;
        }

        @Override
        public CompletionStage<Appended> append(ChannelId channel, Template frame, String dedupKey) {
            Sample sample = begin(channel, hasMembersHere);
            if (sample == null) {
                return log.append(channel, frame, dedupKey);
            }
            CompletionStage<Appended> stage;
            sample.appender = Thread.currentThread().getId();
            try {
                stage = log.append(channel, frame, dedupKey);
            } catch (RuntimeException e) {
                sample.answered(null, e);
                throw e;
            } finally {
                sample.appender = 0;
            }
            stage.whenComplete(sample::answered); // a branch of its own: the caller's stage is the store's, unchanged
            return stage;
        }

        @Override
        public Slice readAfter(ChannelId channel, long after, int limit) {
            return log.readAfter(channel, after, limit);
        }

        @Override
        public Slice readBefore(ChannelId channel, long before, int limit) {
            return log.readBefore(channel, before, limit);
        }

        @Override
        public int channelCount() {
            return log.channelCount();
        }

        @Override
        public long historyBytes() {
            return log.historyBytes();
        }
    }
}

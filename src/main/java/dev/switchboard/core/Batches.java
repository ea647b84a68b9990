package dev.switchboard.core;

/**
 * How a backlog leaves: everything queued behind a write, up to {@code batchMaxBytes} UTF-8 bytes, goes out as one
 * text frame of the queued objects joined by {@code \n} (the protocol's batch form: clients split on newlines). A
 * recipient that falls behind costs one write per batch, not per frame, and the batch is the one allocation.
 *
 * <p>Called by the {@link Outbox}'s send loop with the outbox's monitor held (the queue is guarded by it); it takes
 * no lock of its own and calls nothing outside the queue.
 */
final class Batches {

    private Batches() {
    }

    /**
     * Takes the oldest frame and as many of the following as fit within {@code batchMaxBytes} (each after the first
     * costs its bytes and one for the separator) as one frame, and notes its bytes as in flight. A frame that goes out
     * alone is returned as it is: a frame shared by a room's members stays shared (its transport form is made once).
     * The queue must not be empty.
     *
     * <p>A batch carries the traceparents of the traced frames in it (space-separated) and the birth time of the
     * earliest, so the trace log's send line measures from it, and the first publish-to-send sample among them: the
     * batch's send is those frames' send. For the same reason it carries every {@link Outgoing#written} hook of its
     * frames.
     */
    static Outgoing take(FrameQueue queue, int batchMaxBytes) {
        Outgoing first = queue.poll();
        int firstBytes = first.bytes();
        Outgoing next = queue.peek();
        if (next == null || firstBytes + 1 + next.bytes() > batchMaxBytes) {
            queue.inFlight(firstBytes);
            return first;
        }
        int capacity = (int) Math.min(batchMaxBytes, queue.bytes() + firstBytes + queue.size() + 1);
        StringBuilder out = new StringBuilder(capacity);
        out.append(first.text());
        int bytes = firstBytes;
        Outgoing traced = first.trace() != null ? first : null;
        String traces = first.trace();
        SendSamples.Sample sample = first.sample;
        Runnable written = first.written;
        while ((next = queue.peek()) != null && bytes + 1 + next.bytes() <= batchMaxBytes) {
            queue.poll();
            bytes += 1 + next.bytes();
            out.append('\n').append(next.text());
            if (next.trace() != null) {
                traced = traced == null ? next : traced;
                traces = traces == null ? next.trace() : traces + " " + next.trace();
            }
            sample = sample != null ? sample : next.sample;
            written = Outgoing.both(written, next.written);
        }
        queue.inFlight(bytes);
        Outgoing batch = traced == null ? new Outgoing(out.toString())
                : new Outgoing(out.toString(), traces, traced.bornNanos());
        batch.sample = sample;
        batch.written = written;
        return batch;
    }
}

package dev.switchboard.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A backlog leaves as one frame of objects joined by newlines, up to the batch limit in UTF-8 bytes. */
class BatchesTest {

    private final FrameQueue queue = new FrameQueue(100, 100_000);

    private Outgoing queued(Outgoing frame) {
        queue.add(frame, frame.bytes());
        return frame;
    }

    private Outgoing queued(String text) {
        return queued(new Outgoing(text));
    }

    /** The queue counts exactly {@code bytes} as in flight: the rest of its limit is free, not a byte more. */
    private void assertInFlight(long bytes) {
        long free = 100_000 - queue.bytes() - bytes;
        assertTrue(queue.fits(free, 0));
        assertFalse(queue.fits(free + 1, 0));
    }

    @Test
    void aBacklogGoesOutAsOneFrameOfLinesAndItsBytesAreInFlight() {
        queued("{\"n\":1}");
        queued("{\"n\":2}");
        queued("{\"n\":3}");
        Outgoing batch = Batches.take(queue, 1000);
        assertEquals("{\"n\":1}\n{\"n\":2}\n{\"n\":3}", batch.text());
        assertTrue(queue.isEmpty());
        assertEquals(0, queue.bytes());
        assertInFlight(batch.bytes());
    }

    /** Whoever waits for a frame's write (a whisper's receipt) is told when the batch that carries it was written. */
    @Test
    void aBatchCarriesTheWrittenHooksOfAllItsFrames() {
        StringBuilder told = new StringBuilder();
        queued("{\"n\":1}").written = () -> told.append('1');
        queued("{\"n\":2}");
        queued("{\"n\":3}").written = () -> told.append('3');
        Outgoing batch = Batches.take(queue, 1000);
        batch.written.run();
        assertEquals("13", told.toString(), "both, in order");
        queued("{}");
        assertNull(Batches.take(queue, 1000).written, "none without hooks");
    }

    @Test
    void aFrameThatGoesOutAloneStaysTheSharedInstance() {
        Outgoing shared = queued("{\"n\":1}");
        assertSame(shared, Batches.take(queue, 1000));
        assertInFlight(7);
    }

    @Test
    void aBatchStopsAtTheLimitCountedInUtf8BytesWithTheSeparators() {
        queued("{\"n\":0}");           // 7
        queued("{\"t\":\"éé\"}");      // 12 bytes: 7 + 1 + 12 = 20
        queued("{}");                  // 20 + 1 + 2 = 23 > 22
        assertEquals("{\"n\":0}\n{\"t\":\"éé\"}", Batches.take(queue, 22).text());
        assertInFlight(20);
        assertEquals("{}", Batches.take(queue, 22).text());
    }

    @Test
    void aBatchCarriesTheTracesOfItsFramesAndTheEarliestBirth() {
        queued("{\"n\":0}");
        queued(new Outgoing("{\"n\":1}", "t1", 100));
        queued(new Outgoing("{\"n\":2}", "t2", 200));
        Outgoing batch = Batches.take(queue, 1000);
        assertEquals("t1 t2", batch.trace());
        assertEquals(100, batch.bornNanos());
    }

    @Test
    void anUntracedBatchHasNoTrace() {
        queued("{\"n\":0}");
        queued("{\"n\":1}");
        assertNull(Batches.take(queue, 1000).trace());
    }
}

package dev.switchboard.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A connection's waiting frames, bounded in frames and in UTF-8 bytes (in flight and the transport's counted). */
class FrameQueueTest {

    private static Outgoing frame(String text) {
        return new Outgoing(text);
    }

    private static void add(FrameQueue queue, Outgoing frame) {
        assertTrue(queue.admits(frame.bytes(), 0));
        queue.add(frame, frame.bytes());
    }

    @Test
    void theFrameLimitCountsFramesWhateverTheirSize() {
        FrameQueue queue = new FrameQueue(2, 1000);
        add(queue, frame("{}"));
        add(queue, frame("{}"));
        assertFalse(queue.admits(2, 0), "a third frame of 2 bytes does not fit in 2 frames");
        assertTrue(queue.fits(2, 0), "bytes the transport writes by itself count no frame");
    }

    @Test
    void theByteLimitCountsUtf8BytesQueuedInFlightAndHeldByTheTransport() {
        FrameQueue queue = new FrameQueue(100, 40);
        add(queue, frame("{\"t\":\"ééééé\"}")); // 13 characters, 18 bytes
        assertEquals(18, queue.bytes());
        queue.inFlight(10);
        assertTrue(queue.admits(12, 0), "18 + 10 + 12 = 40");
        assertFalse(queue.admits(13, 0), "one byte over");
        assertFalse(queue.admits(2, 11), "what the transport holds unwritten counts too");
        queue.inFlight(0);
        assertTrue(queue.admits(13, 9), "the write completed: its bytes are free again");
    }

    @Test
    void framesLeaveOldestFirstAndTheirBytesWithThem() {
        FrameQueue queue = new FrameQueue(10, 1000);
        Outgoing first = frame("{\"n\":1}");
        Outgoing second = frame("{\"t\":\"é\"}");
        add(queue, first);
        add(queue, second);
        assertSame(first, queue.peek());
        assertSame(first, queue.poll());
        assertEquals(second.bytes(), queue.bytes());
        assertSame(second, queue.poll());
        assertEquals(0, queue.bytes());
        assertNull(queue.poll());
        assertTrue(queue.isEmpty());
    }

    @Test
    void aDroppedQueueIsEmptyAndStaysClosed() {
        FrameQueue queue = new FrameQueue(10, 1000);
        add(queue, frame("{\"n\":1}"));
        queue.drop();
        assertTrue(queue.closed());
        assertEquals(0, queue.size());
        assertEquals(0, queue.bytes());
    }

    @Test
    void closingKeepsWhatIsQueuedButMarksItClosed() {
        FrameQueue queue = new FrameQueue(10, 1000);
        add(queue, frame("{\"n\":1}"));
        queue.close();
        assertTrue(queue.closed());
        assertEquals(1, queue.size());
    }
}

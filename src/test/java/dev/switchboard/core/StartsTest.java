package dev.switchboard.core;

import dev.switchboard.protocol.CloseCode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A fan-out's sends to idle outboxes leave in a few executor tasks, and one member's failure costs no other anything. */
class StartsTest {

    private final Stats stats = new Stats();
    /** Holds tasks until {@link #runAll}: what a fan-out handed over can be counted before it runs. */
    private final List<Runnable> tasks = new ArrayList<>();
    private final Executor held = tasks::add;

    private Outbox outbox(Transport socket, Executor sender) {
        return new Outbox(socket, sender, stats, 10, 10_000, 10_000, 200);
    }

    private void runAll() {
        List<Runnable> now = new ArrayList<>(tasks);
        tasks.clear();
        now.forEach(Runnable::run);
    }

    @Test
    void aFanOutToManyIdleOutboxesHandsOverAFewTasksAndEveryMemberGetsTheFrame() {
        List<RecordingTransport> sockets = new ArrayList<>();
        Starts starts = new Starts(100);
        Outgoing frame = new Outgoing("{\"type\":\"message\",\"n\":1}");
        for (int i = 0; i < 100; i++) {
            RecordingTransport socket = new RecordingTransport();
            sockets.add(socket);
            assertTrue(outbox(socket, held).offer(frame, starts));
        }
        assertTrue(tasks.isEmpty(), "nothing is handed over before the fan-out flushes");
        starts.flush();
        assertEquals(Starts.TASKS, tasks.size(), "one task per send thread, not one per member");
        runAll();
        for (RecordingTransport socket : sockets) {
            assertEquals(List.of(frame.text()), socket.writes);
        }
    }

    @Test
    void aFanOutAboveTheInlineSizeIsOneTask() {
        List<RecordingTransport> sockets = new ArrayList<>();
        Starts starts = new Starts(Starts.INLINE + 1);
        Outgoing frame = new Outgoing("{\"n\":1}");
        for (int i = 0; i <= Starts.INLINE; i++) {
            RecordingTransport socket = new RecordingTransport();
            sockets.add(socket);
            outbox(socket, held).offer(frame, starts);
        }
        starts.flush();
        assertEquals(1, tasks.size());
        assertTrue(sockets.get(0).writes.isEmpty(), "written by the send executor, not the delivering thread");
        runAll();
        for (RecordingTransport socket : sockets) {
            assertEquals(List.of("{\"n\":1}"), socket.writes);
        }
    }

    @Test
    void aSmallFanOutWritesOnTheDeliveringThreadWithoutAHandOff() {
        Starts starts = new Starts(2);
        RecordingTransport a = new RecordingTransport();
        RecordingTransport b = new RecordingTransport();
        Outgoing frame = new Outgoing("{\"n\":1}");
        Outbox outA = outbox(a, held);
        Outbox outB = outbox(b, held);
        outA.offer(frame, starts);
        outB.offer(frame, starts);
        starts.flush();
        assertEquals(List.of("{\"n\":1}"), a.writes);
        assertEquals(List.of("{\"n\":1}"), b.writes);
        assertTrue(tasks.isEmpty(), "no task: the writes completed and nothing followed them");
        assertTrue(outA.idle() && outB.idle());
        Starts next = new Starts(1);
        assertTrue(outA.offer(new Outgoing("{\"n\":2}"), next), "idle again: the next frame claims the write");
        next.flush();
        assertEquals(List.of("{\"n\":1}", "{\"n\":2}"), a.writes);
    }

    @Test
    void socketsWhoseSendMayWaitAreWrittenByTheExecutorEvenInASmallFanOut() {
        List<RecordingTransport> waiting = new ArrayList<>();
        Starts starts = new Starts(3);
        Outgoing frame = new Outgoing("{\"n\":1}");
        for (int i = 0; i < 2; i++) {
            RecordingTransport waits = new RecordingTransport() {
                @Override
                public boolean neverBlocks() {
                    return false; // a container's send (Tomcat's may wait behind its own pong)
                }
            };
            waiting.add(waits);
            outbox(waits, held).offer(frame, starts);
        }
        RecordingTransport own = new RecordingTransport();
        outbox(own, held).offer(frame, starts);
        starts.flush();
        assertEquals(List.of("{\"n\":1}"), own.writes, "the one that never waits: written at once");
        assertTrue(waiting.get(0).writes.isEmpty() && waiting.get(1).writes.isEmpty(),
                "the others not on the delivering thread, which may hold a room's lock");
        assertEquals(1, tasks.size(), "one task for both");
        runAll();
        for (RecordingTransport waits : waiting) {
            assertEquals(List.of("{\"n\":1}"), waits.writes);
        }
    }

    @Test
    void aWriteThatCompletesLaterContinuesOnTheCompletingThread() {
        RecordingTransport socket = new RecordingTransport();
        socket.stall();
        Outbox out = outbox(socket, held);
        Starts starts = new Starts(1);
        out.offer(new Outgoing("{\"n\":1}"), starts);
        starts.flush();
        out.offer(new Outgoing("{\"n\":2}"));
        assertEquals(List.of("{\"n\":1}"), socket.writes, "one write in flight");
        socket.resume(); // the completion, on this thread as a container's would be: the queued frame goes next
        runAll();
        assertEquals(List.of("{\"n\":1}", "{\"n\":2}"), socket.writes);
        assertTrue(out.idle());
    }

    @Test
    void aWriteThatFailsOnTheDeliveringThreadIsHandledOnTheExecutor() {
        Throwing broken = new Throwing();
        broken.reportInstead = true;
        Outbox out = outbox(broken, held);
        Starts starts = new Starts(1);
        out.offer(new Outgoing("{\"n\":1}"), starts);
        starts.flush();
        assertEquals(null, broken.closedWith, "the delivering thread may hold a channel's lock: no close under it");
        assertEquals(1, tasks.size());
        runAll();
        assertEquals(CloseCode.SLOW_CONSUMER, broken.closedWith, "closed like a connection whose write failed");
        assertFalse(out.offer(new Outgoing("{\"n\":2}")));
    }

    @Test
    void whatArrivesBeforeTheFlushQueuesBehindTheClaimedSendInOrder() {
        RecordingTransport socket = new RecordingTransport();
        Outbox out = outbox(socket, held);
        Starts starts = new Starts(1);
        out.offer(new Outgoing("{\"n\":1}"), starts);
        out.offer(new Outgoing("{\"n\":2}")); // the write is claimed: this one queues
        starts.flush();
        runAll();
        assertEquals(List.of("{\"n\":1}", "{\"n\":2}"), socket.writes, "in order, the second behind the first");
        assertTrue(out.idle());
    }

    @Test
    void aSendThatThrowsDropsOnlyItsOwnOutbox() {
        Starts starts = new Starts(3);
        RecordingTransport before = new RecordingTransport();
        RecordingTransport after = new RecordingTransport();
        Throwing broken = new Throwing();
        Outgoing frame = new Outgoing("{\"n\":1}");
        Outbox first = outbox(before, Runnable::run);
        Outbox failing = outbox(broken, Runnable::run);
        Outbox last = outbox(after, Runnable::run);
        first.offer(frame, starts);
        failing.offer(frame, starts);
        last.offer(frame, starts);
        starts.flush(); // one task, run at once: the middle send throws
        assertEquals(List.of("{\"n\":1}"), before.writes);
        assertEquals(List.of("{\"n\":1}"), after.writes, "the member after the failing one still got its frame");
        assertTrue(first.idle());
        assertTrue(last.idle());
        assertFalse(failing.offer(new Outgoing("{\"n\":2}")), "the failed outbox takes nothing more");
        assertEquals(CloseCode.SLOW_CONSUMER, broken.closedWith, "it is closed like a connection whose write failed");
    }

    @Test
    void aStoppedExecutorClosesTheClaimedOutboxes() {
        RecordingTransport socket = new RecordingTransport();
        Executor stopped = task -> {
            throw new RejectedExecutionException("stopped");
        };
        Outbox out = outbox(socket, stopped);
        Starts starts = new Starts(Starts.INLINE + 1);
        assertTrue(out.offer(new Outgoing("{\"n\":1}"), starts));
        for (int i = 0; i < Starts.INLINE; i++) {
            outbox(new RecordingTransport(), stopped).offer(new Outgoing("{\"n\":1}"), starts);
        }
        starts.flush();
        assertTrue(socket.writes.isEmpty());
        assertFalse(out.offer(new Outgoing("{\"n\":2}")), "nothing more goes out once the hub stops");
    }

    /** A socket whose send throws instead of reporting the failure to its callback (or reports it at once). */
    private static final class Throwing implements Transport {
        volatile CloseCode closedWith;

        @Override
        public boolean neverBlocks() {
            return true;
        }
        /** Reports the failure to the callback, on the sending thread, instead of throwing. */
        boolean reportInstead;

        @Override
        public void send(Outgoing frame, Consumer<Throwable> done) {
            if (reportInstead) {
                done.accept(new java.io.IOException("broken pipe"));
                return;
            }
            throw new IllegalStateException("broken socket");
        }

        @Override
        public void ping() {
        }

        @Override
        public long pendingBytes() {
            return 0;
        }

        @Override
        public boolean isOpen() {
            return closedWith == null;
        }

        @Override
        public void close(CloseCode code, String reason) {
            closedWith = code;
        }

        @Override
        public void abort(CloseCode code, String reason) {
            close(code, reason);
        }
    }
}

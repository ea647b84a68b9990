package dev.switchboard.core;

import dev.switchboard.protocol.CloseCode;
import org.junit.jupiter.api.Test;

import dev.switchboard.testing.LogCapture;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One connection's outbound queue: one send at a time, batching, bounds in frames and bytes, and every close. */
class OutboxTest {

    private final RecordingTransport socket = new RecordingTransport();
    private final Stats stats = new Stats();

    /** Sends run on the calling thread: the recording socket completes them at once unless stalled. */
    private Outbox outbox(int maxFrames, long maxBytes, int batchMaxBytes) {
        return new Outbox(socket, Runnable::run, stats, maxFrames, maxBytes, batchMaxBytes, CLOSE_WAIT_MS);
    }

    private static final long CLOSE_WAIT_MS = 200;

    @Test
    void anIdleOutboxSendsAtOnceAndASharedFrameStaysShared() {
        Outbox out = outbox(10, 1000, 1000);
        Outgoing shared = new Outgoing("{\"type\":\"message\"}");
        assertTrue(out.offer(shared));
        assertEquals(List.of("{\"type\":\"message\"}"), socket.writes);
        assertTrue(out.idle());
    }

    @Test
    void whatQueuesWhileASendIsInFlightGoesOutAsOneFrameOfLines() {
        Outbox out = outbox(10, 1000, 1000);
        socket.stall();
        out.offer("{\"n\":1}");
        out.offer("{\"n\":2}");
        out.offer("{\"n\":3}");
        assertEquals(1, socket.writes.size(), "one send in flight");
        socket.resume();
        assertEquals(List.of("{\"n\":1}", "{\"n\":2}\n{\"n\":3}"), socket.writes);
        assertTrue(out.idle());
    }

    @Test
    void aBatchStopsAtBatchMaxBytesCountedInUtf8() {
        Outbox out = outbox(10, 1000, 20);
        socket.stall();
        out.offer("{\"n\":0}");
        out.offer("{\"t\":\"éééé\"}"); // 12 chars, 16 bytes
        out.offer("{\"n\":2}");        // 7: 16 + 1 + 7 = 24 > 20
        socket.resume();
        assertEquals(List.of("{\"n\":0}", "{\"t\":\"éééé\"}", "{\"n\":2}"), socket.writes);
    }

    @Test
    void overflowByFramesClosesWith4001AndDropsTheQueue() {
        Outbox out = outbox(2, 1000, 1000);
        socket.stall();
        out.offer("{\"n\":1}"); // in flight
        assertTrue(out.offer("{\"n\":2}"));
        assertTrue(out.offer("{\"n\":3}"));
        assertFalse(out.offer("{\"n\":4}"));
        assertNull(socket.closedWith, "the close waits for the write in flight");
        assertEquals(1, stats.slowConsumerCloses.sum());
        assertEquals(3, stats.dropped.sum());
        assertFalse(out.offer("{\"n\":5}"), "closed: nothing more is taken");
        socket.resume();
        assertEquals(CloseCode.SLOW_CONSUMER, socket.closedWith, "then goes out behind it");
        assertEquals(1, socket.writes.size());
    }

    @Test
    void aCloseBehindAWriteThatNeverCompletesAbortsTheConnectionAfterTheWait() {
        Outbox out = outbox(1, 1000, 1000);
        socket.stall();
        out.offer("{\"n\":1}");
        out.offer("{\"n\":2}");
        out.offer("{\"n\":3}"); // overflow
        out.expire(1_000);        // the tick notes the wait
        out.expire(1_000 + CLOSE_WAIT_MS - 1);
        assertNull(socket.closedWith);
        assertFalse(socket.aborted);
        out.expire(1_000 + CLOSE_WAIT_MS);
        assertEquals(CloseCode.SLOW_CONSUMER, socket.closedWith);
        assertTrue(socket.aborted, "no close frame can reach a client that does not read");
        socket.resume();
        assertEquals(1, socket.writes.size(), "nothing more after the abort");
    }

    @Test
    void aDrainingCloseWaitsAsLongAsWritesComplete() {
        Outbox out = outbox(10, 1000, 1000);
        socket.stall();
        out.offer("{\"n\":1}");
        out.offer("{\"n\":2}");
        out.close(CloseCode.POLICY, "too many messages");
        out.expire(1_000);
        socket.completeOne(); // the client reads: the wait starts again
        out.expire(1_000 + CLOSE_WAIT_MS);
        assertNull(socket.closedWith, "a client that reads gets the whole queue, then the close");
        socket.resume();
        assertEquals(CloseCode.POLICY, socket.closedWith);
        assertFalse(socket.aborted);
    }

    @Test
    void overflowCountsBytesNotCharacters() {
        Outbox out = outbox(100, 30, 1000);
        socket.stall();
        out.offer("{}"); // in flight, not queued
        assertTrue(out.offer("{\"t\":\"ééééé\"}")); // 13 chars, 18 bytes
        assertFalse(out.offer("{\"t\":\"ééééé\"}"), "36 bytes queued > 30, though 26 characters would fit");
        assertEquals(1, stats.slowConsumerCloses.sum());
    }

    @Test
    void aDrainingCloseWaitsForWhatIsQueuedAndTakesNothingNew() {
        Outbox out = outbox(10, 1000, 1000);
        socket.stall();
        out.offer("{\"n\":1}");
        out.offer("{\"type\":\"error\"}");
        out.close(CloseCode.POLICY, "too many messages");
        assertNull(socket.closedWith, "the error that explains the close goes first");
        assertFalse(out.offer("{\"n\":3}"));
        socket.resume();
        assertEquals(List.of("{\"n\":1}", "{\"type\":\"error\"}"), socket.writes);
        assertEquals(CloseCode.POLICY, socket.closedWith);
    }

    @Test
    void aCloseThatDoesNotDrainDropsTheQueueAndTheFirstCloseStands() {
        Outbox out = outbox(10, 1000, 1000);
        socket.stall();
        out.offer("{\"n\":1}");
        out.offer("{\"n\":2}");
        assertTrue(out.close(CloseCode.NO_HEARTBEAT, "no heartbeat"));
        assertFalse(out.close(CloseCode.POLICY, "later"), "the first close stands");
        assertNull(socket.closedWith, "never beside a write in flight");
        socket.resume();
        assertEquals(CloseCode.NO_HEARTBEAT, socket.closedWith);
        assertEquals(1, socket.writes.size(), "the queued frame was dropped");
    }

    @Test
    void closeNowWaitsForTheWriteInFlightOnTheCallingThreadAndItsCodeStands() throws Exception {
        Outbox out = outbox(10, 1000, 1000);
        socket.stall();
        out.offer("{\"n\":1}");
        out.offer("{\"n\":2}");
        out.close(CloseCode.GOING_AWAY, "shutting down");
        Thread reader = new Thread(() -> {
            try {
                Thread.sleep(50); // the client reads a little later
            } catch (InterruptedException e) {
                return;
            }
            socket.resume();
        });
        reader.start();
        out.closeNow(CloseCode.UNAUTHORIZED, "logged out");
        assertEquals(CloseCode.UNAUTHORIZED, socket.closedWith, "closed when closeNow returns");
        assertFalse(socket.aborted);
        reader.join();
        assertEquals(List.of("{\"n\":1}"), socket.writes, "the queue was dropped");
        assertEquals(CloseCode.UNAUTHORIZED, socket.closedWith, "the drained close does not run any more");
    }

    @Test
    void closeNowAbortsAfterTheWaitWhenTheClientDoesNotRead() {
        Outbox out = outbox(10, 1000, 1000);
        socket.stall();
        out.offer("{\"n\":1}");
        long start = System.nanoTime();
        out.closeNow(CloseCode.UNAUTHORIZED, "logged out");
        long waited = (System.nanoTime() - start) / 1_000_000;
        assertTrue(socket.aborted);
        assertTrue(waited >= CLOSE_WAIT_MS - 1 && waited < CLOSE_WAIT_MS + 2000, "waited " + waited + " ms");
    }

    @Test
    void pingsGoInTurnWithTheFrames() {
        Outbox out = outbox(10, 1000, 1000);
        out.ping();
        assertEquals(1, socket.pings, "idle: at once");
        socket.stall();
        out.offer("{\"n\":1}");
        out.offer("{\"n\":2}");
        out.ping();
        assertEquals(1, socket.pings, "not beside the write in flight");
        socket.completeOne();
        assertEquals(2, socket.pings, "right after it, before the queue");
        assertEquals(List.of("{\"n\":1}", "{\"n\":2}"), socket.writes);
        assertEquals(List.of("send", "ping", "send"), socket.order.subList(1, 4));
        out.close(CloseCode.NO_HEARTBEAT, "no heartbeat");
        out.ping();
        socket.resume();
        assertEquals(2, socket.pings, "none after a close");
    }

    @Test
    void aPingIsSentOnTheSendExecutorNeverOnTheCallingThread() {
        List<Runnable> tasks = new ArrayList<>();
        Outbox out = new Outbox(socket, tasks::add, stats, 10, 1000, 1000, CLOSE_WAIT_MS);
        out.ping();
        assertEquals(0, socket.pings, "the housekeeping thread does not write (a container's ping may block)");
        assertEquals(1, tasks.size());
        assertTrue(out.offer("{\"n\":1}"));
        assertTrue(socket.writes.isEmpty(), "the ping holds the write: the frame waits");
        tasks.remove(0).run();
        assertEquals(1, socket.pings);
        while (!tasks.isEmpty()) {
            tasks.remove(0).run();
        }
        assertEquals(List.of("{\"n\":1}"), socket.writes, "then the frame");
        assertTrue(out.idle());
    }

    @Test
    void aFailedSendOnAnOpenSocketMeansTheClientIsNotReading() {
        CloseCode[] closed = new CloseCode[1];
        Outbox out = new Outbox(new Transport() {
            @Override
            public void send(Outgoing frame, java.util.function.Consumer<Throwable> done) {
                done.accept(new java.io.IOException("write queue full"));
            }

            @Override
            public void ping() {
            }

            @Override
            public boolean isOpen() {
                return closed[0] == null;
            }

            @Override
            public void close(CloseCode code, String reason) {
                closed[0] = code;
            }
        }, Runnable::run, stats, 10, 1000, 1000);
        out.offer("{}");
        assertEquals(CloseCode.SLOW_CONSUMER, closed[0]);
        assertEquals(1, stats.slowConsumerCloses.sum());
        assertFalse(out.offer("{}"));
    }

    @Test
    void sendsThatCompleteOnTheSendingThreadLoopInsteadOfRecursing() {
        int[] sends = new int[1];
        java.util.List<java.util.function.Consumer<Throwable>> stalled = new java.util.ArrayList<>();
        Outbox out = new Outbox(new Transport() {
            @Override
            public void send(Outgoing frame, java.util.function.Consumer<Throwable> done) {
                if (sends[0]++ == 0) {
                    stalled.add(done); // the first send stays in flight while 20 000 frames queue behind it
                } else {
                    done.accept(null); // the rest complete on the sending thread, as a fast socket's do
                }
            }

            @Override
            public void ping() {
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close(CloseCode code, String reason) {
            }
        }, Runnable::run, stats, 100_000, 100_000_000, 10);
        out.offer("{\"n\":0}");
        for (int i = 1; i <= 20_000; i++) {
            out.offer("{\"n\":" + (i % 10) + "}");
        }
        stalled.get(0).accept(null); // one frame per send (batch limit): a recursion would overflow the stack
        assertEquals(20_001, sends[0]);
        assertTrue(out.idle());
    }

    /** A reply of many pages: each page is offered once the one before has gone out, and nothing overflows. */
    @Test
    void aLongReplyGoesOutAPageAtATimeAsTheClientReads() {
        Outbox out = outbox(1000, 100, 1000); // pages of 25 bytes: one 20-byte frame each
        socket.stall();
        List<String> frames = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            frames.add("{\"n\":" + (1_000_000_000 + i) + "}"); // 18 bytes: 20 of them would be 360 > 100
        }
        boolean[] ended = new boolean[1];
        new Pages(out, frames.stream().map(Outgoing::new).iterator(), () -> false, () -> ended[0] = true).run();
        assertEquals(1, socket.writes.size(), "one page while the client does not read");
        assertFalse(ended[0]);
        socket.resume();
        assertEquals(frames, socket.writes, "the rest as the client reads, in order");
        assertTrue(ended[0]);
        assertNull(socket.closedWith);
    }

    /** What the transport holds unwritten for the socket (pongs of a ping flood) counts against the byte limit. */
    @Test
    void bytesPendingInTheTransportCountAgainstTheLimit() {
        Outbox out = outbox(100, 100, 1000);
        socket.unwritten = 90;
        assertTrue(out.admitTransportBytes(10), "90 + 10 fit in 100");
        socket.unwritten = 95;
        assertFalse(out.admitTransportBytes(10), "95 + 10 do not");
        assertEquals(CloseCode.SLOW_CONSUMER, socket.closedWith);
    }

    @Test
    void aFrameDoesNotFitBesideWhatTheTransportHolds() {
        Outbox out = outbox(100, 100, 1000);
        socket.unwritten = 95;
        assertFalse(out.offer("{\"n\":1}"));
        assertEquals(CloseCode.SLOW_CONSUMER, socket.closedWith);
    }

    /** The batch in flight counts too: a socket that takes one batch and never completes it bounds the next. */
    @Test
    void theFrameInFlightCountsAgainstTheLimit() {
        Outbox out = outbox(100, 40, 1000);
        socket.stall();
        assertTrue(out.offer("{\"t\":\"" + "a".repeat(22) + "\"}")); // 30 bytes, in flight
        assertFalse(out.offer("{\"t\":\"bbb\"}"), "30 in flight + 11 > 40");
        assertEquals(1, stats.slowConsumerCloses.sum());
        assertNull(socket.closedWith, "the 4001 waits for the frame in flight");
        socket.resume();
        assertEquals(CloseCode.SLOW_CONSUMER, socket.closedWith);
    }

    /** docs/tracing.md: a traced frame's send is logged per connection, also inside a batch; an overflow names it. */
    @Test
    void tracedFramesAreLoggedWhenSentAndNamedWhenTheyOverflowTheQueue() {
        String t1 = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        String t2 = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        try (LogCapture trace = LogCapture.start(TraceLog.NAME, Level.FINE);
             LogCapture outbox = LogCapture.start(Outbox.class.getName(), Level.INFO)) {
            Outbox out = outbox(3, 1000, 1000);
            out.owner("connection c1 user=ann");
            socket.stall();
            out.offer("{\"n\":0}");
            out.offer(new Outgoing("{\"n\":1}", t1, System.nanoTime()));
            out.offer(new Outgoing("{\"n\":2}", t2, System.nanoTime()));
            assertTrue(trace.lines().isEmpty(), "nothing sent yet: " + trace.lines());
            socket.resume(); // n:0 completes, then n:1 and n:2 go out as one batch
            assertEquals(1, trace.matching(t1 + " " + t2 + " sent: connection c1 user=ann", "after delivered").size(),
                    trace.lines().toString());

            socket.stall();
            out.offer("{\"n\":3}");
            out.offer("{\"n\":4}");
            out.offer("{\"n\":5}");
            out.offer("{\"n\":6}"); // n:3 is in flight; 4, 5, 6 wait: the queue is full
            out.offer(new Outgoing("{\"n\":7}", t1, System.nanoTime())); // over the bound
            assertNull(socket.closedWith, "the 4001 waits for n:3 in flight");
            socket.resume();
            assertEquals(CloseCode.SLOW_CONSUMER, socket.closedWith);
            assertEquals(List.of("connection c1 user=ann: outbound queue overflowed at the message of trace " + t1
                    + "; closing with 4001"), outbox.lines());
        }
    }
}

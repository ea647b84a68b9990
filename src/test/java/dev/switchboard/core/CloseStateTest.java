package dev.switchboard.core;

import dev.switchboard.protocol.CloseCode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where a connection's close stands: the first close stands, and a close behind a stuck write is aborted in time. */
class CloseStateTest {

    private static final long WAIT_MS = 2000;
    private final CloseState state = new CloseState(WAIT_MS);

    @Test
    void anOpenConnectionTakesEverythingAndAnyClose() {
        assertFalse(state.closing());
        assertFalse(state.asked());
        assertNull(state.expire(1_000));
    }

    @Test
    void aWaitingCloseStandsAndIsTakenOnceToStart() {
        state.await(CloseCode.NO_HEARTBEAT, "no heartbeat");
        assertTrue(state.asked(), "a second close is refused");
        assertTrue(state.closing());
        CloseState.Close close = state.take();
        assertEquals(CloseCode.NO_HEARTBEAT, close.code());
        assertEquals("no heartbeat", close.reason());
        assertTrue(state.started());
        assertNull(state.waiting(), "nothing waits any more: no completion starts it twice");
        assertNull(state.expire(1_000_000));
    }

    @Test
    void aDrainingCloseTakesNoNewFramesButIsNotYetAsked() {
        state.drain();
        assertTrue(state.draining());
        assertTrue(state.closing());
        assertFalse(state.asked(), "until it waits or starts, only the queue is closed to new frames");
    }

    @Test
    void aCloseBehindAStuckWriteIsAbortedWhenTheWaitRanOutWithoutProgress() {
        state.await(CloseCode.SLOW_CONSUMER, "slow consumer");
        assertNull(state.expire(10_000), "the first tick starts the clock");
        assertNull(state.expire(10_000 + WAIT_MS - 1));
        CloseState.Close aborted = state.expire(10_000 + WAIT_MS);
        assertEquals(CloseCode.SLOW_CONSUMER, aborted.code());
        assertTrue(state.started());
    }

    @Test
    void aCompletedWriteRestartsTheWait() {
        state.await(CloseCode.POLICY, "too many messages");
        state.expire(10_000);
        state.progressed(); // the client reads
        assertNull(state.expire(10_000 + WAIT_MS), "the clock starts again at this tick");
        assertNull(state.expire(10_000 + 2 * WAIT_MS - 1));
        assertEquals(CloseCode.POLICY, state.expire(10_000 + 2 * WAIT_MS).code());
    }

    @Test
    void aStartedCloseIsFinal() {
        state.start();
        assertTrue(state.asked());
        assertTrue(state.closing());
        state.progressed();
        assertNull(state.expire(Long.MAX_VALUE));
    }
}

package dev.switchboard.web;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pings the hub refuses (the connection is being closed) end the connection once they pass a budget. */
class ClosingPingsTest {

    @Test
    void admittedPingsCostNothingRefusedOnesEndTheConnectionOncePastTheBudget() {
        AtomicBoolean open = new AtomicBoolean(true);
        AtomicInteger ends = new AtomicInteger();
        ClosingPings pings = new ClosingPings(bytes -> open.get(), ends::incrementAndGet);
        for (int i = 0; i < 10_000; i++) {
            assertTrue(pings.test(127), "admitted while the hub admits");
        }
        assertEquals(0, ends.get());
        open.set(false); // closed for a flood: Tyrus goes on answering until the client's close frame
        long refused = 0;
        while (refused + 127 <= ClosingPings.REFUSED_BYTES) {
            assertFalse(pings.test(127));
            refused += 127;
        }
        assertEquals(0, ends.get(), "within the budget: the client may still answer our close");
        assertFalse(pings.test(127));
        assertEquals(1, ends.get(), "past it: ended");
        for (int i = 0; i < 1000; i++) {
            pings.test(127);
        }
        assertEquals(1, ends.get(), "ended once");
    }
}

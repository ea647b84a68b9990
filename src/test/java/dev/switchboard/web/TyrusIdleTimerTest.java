package dev.switchboard.web;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The idle timer of a Tyrus session without idle timeout costs nothing per message; a timer with a delay still runs.
 */
class TyrusIdleTimerTest {

    @Test
    void aCheckWithoutDelayIsNotScheduledAndOneWithADelayRuns() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        ScheduledFuture<?> none = TyrusIdleTimer.SHARED.schedule(() -> {
            ran.incrementAndGet(); // a Runnable, as Tyrus's IdleTimeoutCommand
        }, -1, TimeUnit.MILLISECONDS);
        assertTrue(none.isDone());
        none.cancel(true); // what Tyrus does with it on the next message
        assertEquals(0, TyrusIdleTimer.SHARED.getQueue().size(), "nothing queued");
        CountDownLatch later = new CountDownLatch(1);
        TyrusIdleTimer.SHARED.schedule(later::countDown, 10, TimeUnit.MILLISECONDS);
        assertTrue(later.await(5, TimeUnit.SECONDS), "a positive idle timeout still fires");
        assertEquals(0, ran.get(), "the undelayed check never ran");
    }
}
